"""The inspections registry's declaration: fields, shapes and the Registry (its router is router.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.core.text import IsoDate
from api.models import Inspection
from api.registries.kit import RecordIn, RecordOut, Registry, partial
from api.registries.routing import ListFilters

Subject = Literal["unit", "association", "family", "clan", "citizen", "community"]


class InspectionFields(BaseModel):
    year: int = Field(strict=True, ge=1990, le=2100, description="Year of the inspection.")
    plan_number: str = Field(default="", max_length=100, description='Plan, e.g. "19/KH-HKH".')
    plan_date: IsoDate | None = Field(default=None, description="Date of the plan, e.g. 2023-02-27.")
    inspecting_body: str = Field(default="", max_length=300, description="Who inspected.")
    subject_kind: Subject = Field(
        description="What was inspected: a unit's association, or a model family, clan, citizen."
    )
    subject_name: str = Field(min_length=1, max_length=300, description="Name of what was inspected.")
    inspected_on: IsoDate | None = Field(default=None, description="Date of the inspection.")
    findings: str = Field(default="", max_length=10_000, description="Findings.")
    result: str = Field(default="", max_length=100, description='Result, e.g. "Đạt", "Tốt".')


class InspectionIn(RecordIn, InspectionFields):
    """An inspection to record; unit_code is the inspected unit."""


InspectionUpdate = partial(InspectionFields, "InspectionUpdate")


class InspectionOut(RecordOut, InspectionFields):
    """An inspection of a unit, or of a model family, clan or citizen in it."""


class Filters(ListFilters):
    year: int | None = Field(default=None, ge=1990, le=2100, description="Only this year.")
    subject_kind: Subject | None = Field(default=None, description="Only this kind of subject.")


REGISTRY = Registry(
    entity="inspection",
    label="cuộc kiểm tra",
    model=Inspection,
    out=InspectionOut,
    fields=tuple(InspectionFields.model_fields),
    filters={"year": "year", "subject_kind": "subject_kind"},
    dated_by=("inspected_on", "year"),
)
