"""The commendations registry's declaration: fields, shapes and the Registry (its router is router.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.core.text import IsoDate
from api.models import Commendation
from api.registries.kit import RecordIn, RecordOut, Registry, partial
from api.registries.routing import ListFilters

Form = Literal[
    "emulation_flag",
    "medal",
    "certificate_of_merit",
    "giay_khen",
    "state_certificate_of_merit",
    "labour_order",
    "other",
]
Level = Literal["central", "province", "district", "commune", "state"]
Recipient = Literal["unit", "association", "person"]


class CommendationFields(BaseModel):
    form: Form = Field(
        description="emulation_flag (cờ thi đua), medal (kỷ niệm chương “Vì sự nghiệp khuyến học”), "
        "certificate_of_merit (bằng khen), giay_khen, state_certificate_of_merit, labour_order, other."
    )
    year: int = Field(strict=True, ge=1990, le=2100, description="Year granted.")
    issuing_level: Level = Field(description="central (Trung ương Hội), province, district, commune or state.")
    issuing_body: str = Field(default="", max_length=300, description="Who granted it.")
    decision_number: str = Field(default="", max_length=100, description="Decision number, e.g. 123/QĐ-KHVN.")
    decision_date: IsoDate | None = Field(default=None, description="Decision date.")
    recipient_kind: Recipient = Field(description="unit, association or person.")
    recipient_name: str = Field(min_length=1, max_length=300, description="Who received it.")


class CommendationIn(RecordIn, CommendationFields):
    """A commendation to record."""


CommendationUpdate = partial(CommendationFields, "CommendationUpdate")


class CommendationOut(RecordOut, CommendationFields):
    """A commendation (khen thưởng) granted to a unit, an association or a person."""


class Filters(ListFilters):
    year: int | None = Field(default=None, ge=1990, le=2100, description="Only this year.")
    form: Form | None = Field(default=None, description="Only this form.")


REGISTRY = Registry(
    entity="commendation",
    label="khen thưởng",
    model=Commendation,
    out=CommendationOut,
    fields=tuple(CommendationFields.model_fields),
    filters={"year": "year", "form": "form"},
    dated_by=("decision_date", "year"),
)
