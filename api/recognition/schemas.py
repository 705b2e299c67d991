"""Shapes of recognition: registrations with their score sheets, decisions, criteria sets, figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from api.core.text import IsoDate
from api.recognition.criteria import CriteriaContent, TargetGroup, Title
from api.registries.kit import RecordIn, RecordOut
from api.registries.routing import ListFilters

Status = str  # registered, scored, returned, verified, recognised


class RegistrationFields(BaseModel):
    # Minimum personal data (Nghị định 13/2023): a name and the village, never an identity number.
    title: Title = Field(
        description="gia_dinh, dong_ho, cong_dong, don_vi, cong_dan or cong_dong_xa (the commune itself, Thông tư 44)."
    )
    year: int = Field(strict=True, ge=2000, le=2100, description="Year of the recognition cycle.")
    name: str = Field(min_length=1, max_length=200, description="Household head, clan, village, unit or person.")
    village: str = Field(default="", max_length=200, description="Village or residential group (thôn, tổ dân phố).")
    target_group: TargetGroup | None = Field(
        default=None, description="Citizens only: nong_dan, cong_nhan or can_bo (the criteria set's group)."
    )

    @model_validator(mode="after")
    def _group(self) -> RegistrationFields:
        if (self.title == "cong_dan") != (self.target_group is not None):
            raise ValueError("Công dân học tập cần nhóm đối tượng (target_group); các danh hiệu khác thì không.")
        return self


class RegistrationIn(RecordIn, RegistrationFields):
    """A registration (đăng ký) for a title in a unit (village or commune)."""


class RegistrationUpdate(BaseModel):
    """Changes to a registration's name or village (its title, year and group stay: its sheet depends on them)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    village: str | None = Field(default=None, max_length=200)


class RegistrationOut(RecordOut, RegistrationFields):
    """A registrant, its score sheet, verification and recognition."""

    status: Status = Field(description="registered, scored, returned, verified or recognised.")
    criteria_version: int | None = Field(description="The criteria set version it was scored on.")
    scores: dict[str, int] | None = Field(description="Points per index code.")
    total: int | None = Field(description="Sum of the points.")
    passed: bool | None = Field(
        description="Whether the sheet meets the set's pass rule (and, with a rating rule, rates above its last band)."
    )
    rating: str | None = Field(
        description="The band of the set's rating rule (cong_dong_xa: tot, kha, trung_binh, chua_dat); null: none."
    )
    scored_on: dt.date | None = Field(description="Date scored.")
    verified_on: dt.date | None = Field(description="Date verified by the level above.")
    return_reason: str | None = Field(description="Why the level above returned it.")
    decision_id: int | None = Field(description="The recognition decision, once recognised.")
    erased: bool = Field(description="Personal data erased by an admin (the record still counts).")


class ScoresIn(BaseModel):
    """A score sheet: points per index of the registration's criteria set."""

    model_config = ConfigDict(extra="forbid")

    # Strict: JSON true/false or 7.5 is no number of points.
    scores: dict[str, StrictInt] = Field(
        max_length=100, description="Index code → points (every index of the set, 0 to its maximum)."
    )
    scored_on: IsoDate | None = Field(default=None, description="Date scored (default today).")


class VerifyIn(BaseModel):
    """The level above accepts a sheet, or returns it with a reason."""

    model_config = ConfigDict(extra="forbid")

    accept: bool = Field(description="true: verified; false: returned for scoring again.")
    reason: str | None = Field(default=None, max_length=1000, description="Required when returning.")

    @model_validator(mode="after")
    def _reason(self) -> VerifyIn:
        if not self.accept and not (self.reason or "").strip():
            raise ValueError("Trả lại phiếu cần nêu lý do (reason).")
        return self


class Selection(BaseModel):
    """A filtered set of registrations (for bulk verification and recognition)."""

    model_config = ConfigDict(extra="forbid")

    unit_code: str | None = Field(
        default=None, pattern=r"^\d{2,5}(-[0-9A-Za-z]{1,12})?$", description="Only this unit's subtree."
    )
    title: Title
    year: int = Field(strict=True, ge=2000, le=2100)
    target_group: TargetGroup | None = None
    ids: list[StrictInt] | None = Field(default=None, max_length=200_000, description="Only these registrations.")


class BulkVerifyIn(Selection, VerifyIn):
    """Verify (or return) every scored registration of the selection that you may verify."""


class BulkOut(BaseModel):
    done: int = Field(description="Registrations changed.")
    skipped: int = Field(description="Registrations of the selection left as they were (not yours to verify, …).")


class DecisionFields(BaseModel):
    title: Title
    year: int = Field(strict=True, ge=2000, le=2100)
    authority: str = Field(min_length=1, max_length=300, description="Deciding authority, e.g. UBND xã Vũ Thắng.")
    number: str = Field(min_length=1, max_length=100, description="Decision number, e.g. 15/QĐ-UBND.")
    decided_on: IsoDate = Field(description="Date of the decision.")


class DecisionIn(RecordIn, DecisionFields):
    """A recognition decision for the verified, passing registrations of the unit's subtree (or the ids given)."""

    target_group: TargetGroup | None = Field(default=None, description="Citizens: only this group.")
    registration_ids: list[StrictInt] | None = Field(
        default=None, max_length=200_000, description="Only these registrations (each must be verified and pass)."
    )


class DecisionOut(RecordOut, DecisionFields):
    """A recognition decision (quyết định công nhận)."""

    recognised: int = Field(description="Registrations it recognised.")


class DecisionFilters(ListFilters):
    year: int | None = Field(default=None, ge=2000, le=2100, description="Only this year.")
    title: Title | None = None


class CriteriaVersionOut(BaseModel):
    title: str
    target_group: str | None
    version: int
    year: int | None = Field(description="First year it applies to (null: the shipped version, every year).")
    name: str


class CriteriaSetOut(BaseModel):
    version: int
    year: int | None
    content: CriteriaContent
    max_total: int


class PublishIn(BaseModel):
    """A new version of a criteria set, applying from ``year``."""

    model_config = ConfigDict(extra="forbid")

    year: int = Field(strict=True, ge=2000, le=2100)
    content: CriteriaContent


class FiguresOut(BaseModel):
    """Report figures derived from the recognition records of a unit's subtree in a year."""

    unit_code: str
    year: int
    keeps_records: bool = Field(description="Whether any registration is recorded there.")
    figures: dict[str, int]


class IndexStat(BaseModel):
    code: str
    name: str
    max_points: int
    sheets: int
    mean: float | None
    below_min: int = Field(description="Sheets scoring this index below the pass rule's minimum per index.")
    distribution: dict[str, int] = Field(description="Points → number of sheets.")


class DistributionOut(BaseModel):
    """Scores per index: which criteria hold registrants back (counts only, no names)."""

    title: str
    target_group: str | None
    version: int
    year: int
    sheets: int
    passed: int
    indices: list[IndexStat]


class TargetOut(BaseModel):
    year: int
    variant: str = Field(description='"" or "staff" (QĐ 677: staff of learning units).')
    value: float
    source: str


class RateOut(BaseModel):
    title: str
    target_group: str | None
    registered: int
    assessed: int
    recognised: int
    rate: float | None = Field(description="recognised / assessed.")
    indicator: str = Field(description="The statistics indicator of the title (its targets: /targets).")
    targets: list[TargetOut] = Field(description="National targets of the indicator (QĐ 387/677; editable by admins).")
    ratings: dict[str, int] | None = Field(
        default=None,
        description="Titles with a rating rule (cong_dong_xa): sheets scored per band code (null: no rating rule).",
    )
    recognised_ratings: dict[str, int] | None = Field(
        default=None, description="Titles with a rating rule: registrations recognised per band code."
    )


class RatesOut(BaseModel):
    unit_code: str
    year: int
    rates: list[RateOut]
    units_keeping_records: int = Field(description="Communes/villages below with registrations this year.")


class EvidenceOut(BaseModel):
    id: int
    registration_id: int
    index_code: str
    filename: str
    content_type: str
    size: int
    created_at: dt.datetime


class ImportOut(BaseModel):
    """The result of a sheet import (all rows or none)."""

    dry_run: bool
    total_rows: int
    created_rows: int
    passed_rows: int
    errors: list[dict[str, Any]]
