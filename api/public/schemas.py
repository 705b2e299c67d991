"""Shapes of the open data: what is published."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


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
