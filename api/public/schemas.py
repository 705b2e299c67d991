"""Shapes of the open data: what is published."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


class PublicationOut(BaseModel):
    """A unit's year made public (who decided it is in the audit trail, not here: no names of people)."""

    unit_code: str = Field(description="Code of the unit (read on 31 December of the year).")
    unit_name: str = Field(description="Name of the unit.")
    unit_level: str = Field(description="province, district or commune.")
    year: int = Field(description="Year published.")
    published_at: dt.datetime = Field(description="When it was published.")


class PublicationList(BaseModel):
    items: list[PublicationOut]
    next_cursor: str | None = Field(default=None, description="Always null: the list comes whole.")


class UnpublishIn(BaseModel):
    """Why the year is withdrawn from the open data: kept in the audit trail."""

    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)] = Field(
        description="Why it is withdrawn (e.g. a figure is being corrected)."
    )
