"""Shape of audit entries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field


class AuditEntryOut(BaseModel):
    """One write, as recorded (nhật ký thay đổi)."""

    id: int = Field(description="Increasing entry number.")
    at: dt.datetime = Field(description="When the write was made (UTC).")
    actor_kind: str = Field(description="user, api_key or system.")
    actor_id: int | None = Field(description="Id of the user or API key.")
    actor_name: str = Field(description="Username or API key name at the time.")
    action: str = Field(description="create, update, delete, submit, approve, reopen, revoke, …")
    entity: str = Field(description="Kind of record: user, api_key, unit, report, …")
    entity_id: str = Field(description="Id (or natural key) of the record.")
    changes: dict[str, Any] = Field(description="Changed fields as {field: [old, new]}.")
    request_id: str | None = Field(description="The server's X-Request-ID of the request that made the write.")
    client_request_id: str | None = Field(
        default=None, description="The X-Request-ID the client sent with it, if any (chosen by the client)."
    )
