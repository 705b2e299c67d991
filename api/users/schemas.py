"""Shapes of users."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from api.auth.scopes import Role
from api.core.text import ADMIN_CODE_PATTERN, IsoDate

USERNAME_PATTERN = r"^[A-Za-z0-9._@-]{3,120}$"


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(pattern=USERNAME_PATTERN, description="Sign-in name (letters, digits, . _ @ -).")
    password: str = Field(min_length=10, max_length=200, description="At least 10 characters; never returned.")
    display_name: str = Field(min_length=1, max_length=200, description="Name to show, e.g. Nguyễn Văn A.")
    role: Role = Field(description="admin, editor, viewer or partner.")
    unit_code: str | None = Field(
        default=None,
        pattern=ADMIN_CODE_PATTERN,
        description="Unit the user works for (its subtree); null = whole country.",
    )
    unit_as_of: IsoDate | None = Field(
        default=None,
        description="Date on which unit_code is read (default today): scope a user to a unit before the 2025 "
        "reorganisation with e.g. 2024-12-31.",
    )
    scopes: list[str] = Field(default_factory=list, description="Subset of the role's scopes; empty = role defaults.")
    email: str | None = Field(default=None, max_length=254, description="Optional e-mail address.")


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: str | None = Field(default=None, min_length=10, max_length=200, description="New password.")
    display_name: str | None = Field(default=None, min_length=1, max_length=200)
    role: Role | None = None
    unit_code: str | None = Field(default=None, pattern=ADMIN_CODE_PATTERN, description="New unit (null leaves it).")
    scopes: list[str] | None = None
    email: str | None = Field(default=None, max_length=254)
    is_active: bool | None = Field(default=None, description="false disables the user and ends its sessions.")


class UserOut(BaseModel):
    """A user (người dùng)."""

    id: int = Field(description="User id.")
    username: str = Field(description="Sign-in name.")
    email: str | None = Field(description="E-mail address.")
    display_name: str = Field(description="Name to show.")
    role: Role = Field(description="Role.")
    scopes: list[str] = Field(description="Scopes as stored (empty = role defaults).")
    unit_code: str | None = Field(description="Unit code; null = whole country.")
    unit_name: str | None = Field(description="Unit name.")
    is_active: bool = Field(description="false: cannot sign in.")
    last_login_at: dt.datetime | None = Field(description="Last successful sign-in.")
    created_at: dt.datetime = Field(description="Created at.")
    version: int = Field(description="Changes with every update; the ETag is built from it.")
