"""Shapes of the webhooks API and of the message a receiver gets."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.sync.schemas import ChangeOut

Url = Field(min_length=8, max_length=2000, description="http(s) URL that receives the POSTs.")
Types = Field(
    default=None,
    description="Record types to receive (those of /sync/changes: report, award, fund, …); empty or null: all.",
    max_length=50,
)


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Url
    types: list[str] | None = Types
    description: str = Field(default="", max_length=200, description="What receives it.")
    api_key_id: int | None = Field(
        strict=True,
        default=None,
        description="The API key whose scope the endpoint receives (an admin registering for a partner). "
        "Null when a key registers its own endpoint.",
    )
    since: str | None = Field(
        default=None,
        pattern=r"^\d{1,20}$",
        description="Deliver the changes after this feed cursor (a next_cursor or a delivery's cursor); "
        "default: from now on.",
    )


class WebhookPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, min_length=8, max_length=2000, description="A new URL.")
    types: list[str] | None = Field(default=None, max_length=50, description="New record types (empty: all).")
    description: str | None = Field(default=None, max_length=200)
    enabled: bool | None = Field(
        default=None,
        description="false: stop sending (changes are kept and sent when enabled again); true: resume, also after "
        "an automatic disabling.",
    )


class WebhookOut(BaseModel):
    id: int
    url: str
    description: str
    types: list[str] = Field(description="Record types it receives; empty: all.")
    api_key_id: int = Field(description="The key whose unit scope it receives.")
    partner: str
    enabled: bool
    disabled_reason: str | None = Field(description="Why it was disabled (by its owner, or automatically).")
    disabled_at: dt.datetime | None
    cursor: str = Field(description="The last feed cursor handed out to it: /sync/changes?since= this goes on.")
    failures: int = Field(description="Failed attempts in a row (0 after a success).")
    failing_since: dt.datetime | None
    pending: int = Field(description="Deliveries waiting to be sent or retried.")
    created_at: dt.datetime
    updated_at: dt.datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="The signing secret (whsec_…), shown only in this answer.")


class AttemptOut(BaseModel):
    attempt: int
    at: dt.datetime
    status_code: int | None = Field(description="The receiver's HTTP status; null when no answer came.")
    error: str | None
    duration_ms: int
    response: str | None = Field(description="The start of the receiver's answer.")


class DeliveryOut(BaseModel):
    id: int
    webhook_id: str = Field(description="The webhook-id header: the same for every attempt of this delivery.")
    cursor: str = Field(description="The change's feed position (seq).")
    type: str
    record_id: int
    op: Literal["upsert", "delete"]
    status: Literal["pending", "delivered", "failed"] = Field(
        description="pending (waiting or to be retried), delivered (a 2xx), failed (retried for a day, given up)."
    )
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: dt.datetime | None
    created_at: dt.datetime
    delivered_at: dt.datetime | None


class DeliveryDetail(DeliveryOut):
    attempt_log: list[AttemptOut]
    payload: dict[str, Any] = Field(description="The body sent.")


class WebhookMessage(BaseModel):
    """The body of every POST (documented for receivers; the runner builds the same bytes directly)."""

    type: str = Field(description="<record type>.<op>, e.g. award.upsert or award.delete.")
    timestamp: dt.datetime = Field(description="When the change was made (UTC).")
    cursor: str = Field(description="The change's feed position: /sync/changes?since= this continues after it.")
    data: ChangeOut = Field(description="The change as /sync/changes lists it.")
