"""Shapes of API keys."""

from __future__ import annotations

import datetime as dt
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.auth.scopes import PROFILES, Role
from api.core.text import ADMIN_CODE_PATTERN, IsoDate, IsoDateTime


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description='What uses it, e.g. "Hệ thống Hội Khuyến học Hà Nam".')
    role: Role = Field(default=Role.partner, description="Usually partner (systems) or viewer (scripts).")
    partner: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9][a-z0-9-]{1,62}$",
        description='The partner system\'s stable name, e.g. "ha-nam": its external ids survive a new key.',
    )
    unit_code: str | None = Field(
        default=None, pattern=ADMIN_CODE_PATTERN, description="Unit subtree; null = whole country."
    )
    unit_as_of: IsoDate | None = Field(
        default=None,
        description="Date on which unit_code is read (default today): scope a user to a unit before the 2025 "
        "reorganisation with e.g. 2024-12-31.",
    )
    scopes: list[str] = Field(default_factory=list, description="Subset of the role's scopes; empty = role defaults.")
    expires_at: IsoDateTime | None = Field(default=None, description="When it stops working (RFC 3339); null = never.")
    profile: Literal["sync", "sync-approve"] | None = Field(
        default=None,
        description="A partner system's key in one word, instead of role and scopes: sync (pull and push: "
        "sync:read, sync:write, reports and registries read and write, stats:read) or sync-approve (the same and "
        "reports:approve, to send approved figures). Neither holds user, key or audit administration.",
    )

    @model_validator(mode="after")
    def _apply_profile(self) -> Self:
        if self.profile is None:
            return self
        role, scopes = PROFILES[self.profile]
        if self.scopes or ("role" in self.model_fields_set and self.role is not role):
            raise ValueError(f"Hồ sơ {self.profile} đã định vai trò và quyền; bỏ role và scopes khỏi yêu cầu.")
        self.role, self.scopes = role, sorted(s.value for s in scopes)
        return self


class ApiKeyOut(BaseModel):
    """An API key (khoá API); the secret itself is shown only once, at creation."""

    id: int = Field(description="Key id.")
    name: str = Field(description="What uses it.")
    prefix: str = Field(description="Visible part of the key, to recognise it (khk_<prefix>_…).")
    partner: str | None = Field(description="The partner system's stable name, if given.")
    role: Role = Field(description="Role.")
    scopes: list[str] = Field(description="Scopes as stored (empty = role defaults).")
    unit_code: str | None = Field(description="Unit code; null = whole country.")
    expires_at: dt.datetime | None = Field(description="Expiry.")
    revoked_at: dt.datetime | None = Field(description="When it was revoked; null = active.")
    last_used_at: dt.datetime | None = Field(description="Last use (to the minute).")
    created_at: dt.datetime = Field(description="Created at.")


class ApiKeyCreated(ApiKeyOut):
    secret: str = Field(description="The full key. Store it now: it is never shown again.")
