"""The partnerships registry's declaration: fields, shapes and the Registry (its router is router.py)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from api.core.text import IsoDate
from api.models import Partnership
from api.registries.kit import RecordIn, RecordOut, Registry, partial
from api.registries.routing import ListFilters

Status = Literal["planned", "active", "ended"]
Link = Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=2000)]


class PartnershipFields(BaseModel):
    title: str = Field(min_length=1, max_length=300, description="Title of the agreement.")
    parties: list[str] = Field(default_factory=list, max_length=50, description="The other parties.")
    signed_on: IsoDate | None = Field(default=None, description="Date signed.")
    year: int = Field(strict=True, ge=1990, le=2100, description="Year signed.")
    scope: str = Field(default="", max_length=10_000, description="What it covers.")
    status: Status = Field(default="active", description="planned, active or ended.")
    documents: list[Link] = Field(default_factory=list, max_length=50, description="Links to the documents.")


class PartnershipIn(RecordIn, PartnershipFields):
    """A cooperation agreement to record."""


PartnershipUpdate = partial(PartnershipFields, "PartnershipUpdate")


class PartnershipOut(RecordOut, PartnershipFields):
    """A cooperation agreement with party committees, departments or other provinces' associations."""


class Filters(ListFilters):
    year: int | None = Field(default=None, ge=1990, le=2100, description="Only this year.")
    status: Status | None = Field(default=None, description="Only in this state.")


REGISTRY = Registry(
    entity="partnership",
    label="thoả thuận phối hợp",
    model=Partnership,
    out=PartnershipOut,
    fields=tuple(PartnershipFields.model_fields),
    filters={"year": "year", "status": "status"},
    dated_by=("signed_on", "year"),
)
