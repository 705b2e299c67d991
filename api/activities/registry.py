"""The activities registry's declaration: fields, shapes and the Registry (its router is router.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.core.text import IsoDate
from api.models import Activity
from api.registries.kit import RecordIn, RecordOut, Registry, partial
from api.registries.routing import ListFilters

Kind = Literal["communication", "publication", "research", "training", "other"]


class ActivityFields(BaseModel):
    kind: Kind = Field(description="communication, publication, research, training or other.")
    title: str = Field(min_length=1, max_length=300, description="Title.")
    year: int = Field(strict=True, ge=1990, le=2100, description="Year.")
    held_on: IsoDate | None = Field(default=None, description="Date.")
    articles: int | None = Field(strict=True, default=None, ge=0, description="Articles or news items published.")
    participants: int | None = Field(strict=True, default=None, ge=0, description="People who took part.")
    links: list[str] = Field(default_factory=list, max_length=50, description="Links.")
    notes: str = Field(default="", max_length=10_000, description="Notes (awards won, …).")


class ActivityIn(RecordIn, ActivityFields):
    """An activity to record."""


ActivityUpdate = partial(ActivityFields, "ActivityUpdate")


class ActivityOut(RecordOut, ActivityFields):
    """A communication campaign, publication, research project or training."""


class Filters(ListFilters):
    year: int | None = Field(default=None, ge=1990, le=2100, description="Only this year.")
    kind: Kind | None = Field(default=None, description="Only this kind.")


REGISTRY = Registry(
    entity="activity",
    label="hoạt động",
    model=Activity,
    out=ActivityOut,
    fields=tuple(ActivityFields.model_fields),
    filters={"year": "year", "kind": "kind"},
    dated_by=("held_on", "year"),
)
