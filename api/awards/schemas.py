"""Shapes of awards, categories and import jobs."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.core.text import IsoDate, NotNull
from api.registries.kit import RecordIn, RecordOut
from api.registries.routing import ListFilters

RecipientKind = Literal["pupil", "student", "teacher", "other"]


class AwardFields(BaseModel):
    # Strict integers: JSON true/false or 1.5 is not an amount or a year (a 422, not 1 or 0).
    year: int = Field(strict=True, ge=1990, le=2100, description="Year (school or calendar year of the award).")
    awarded_on: IsoDate | None = Field(default=None, description="Date given.")
    recipient_name: str = Field(min_length=1, max_length=200, description="Recipient's full name.")
    recipient_kind: RecipientKind = Field(description="pupil (học sinh), student (sinh viên), teacher, other.")
    school: str = Field(default="", max_length=300, description="School or university.")
    category: str = Field(min_length=1, max_length=60, description="Category code (see /award-categories).")
    amount_vnd: int = Field(default=0, strict=True, ge=0, le=10**12, description="Cash in đồng.")
    gift_value_vnd: int = Field(default=0, strict=True, ge=0, le=10**12, description="Value of gifts in đồng.")
    fund_id: int | None = Field(
        default=None,
        strict=True,
        description="The fund it is paid from: the cash is disbursed from it in the same transaction.",
    )


class AwardIn(RecordIn, AwardFields):
    """An award or scholarship to record."""


class AwardUpdate(BaseModel):
    """Changes to an award; cash and fund of an award paid from a fund cannot change (delete and record again)."""

    model_config = ConfigDict(extra="forbid")

    # Only awarded_on may be cleared (null); the others are left out to keep them, and null is refused (422).
    year: Annotated[int | None, *NotNull] = Field(default=None, strict=True, ge=1990, le=2100)
    awarded_on: IsoDate | None = None
    recipient_name: Annotated[str | None, *NotNull] = Field(default=None, min_length=1, max_length=200)
    recipient_kind: Annotated[RecipientKind | None, *NotNull] = None
    school: Annotated[str | None, *NotNull] = Field(default=None, max_length=300)
    category: Annotated[str | None, *NotNull] = Field(default=None, min_length=1, max_length=60)
    amount_vnd: Annotated[int | None, *NotNull] = Field(default=None, strict=True, ge=0, le=10**12)
    gift_value_vnd: Annotated[int | None, *NotNull] = Field(default=None, strict=True, ge=0, le=10**12)


class AwardOut(RecordOut, AwardFields):
    """An award or scholarship (khen thưởng, học bổng) given to a person."""

    import_job_id: int | None = Field(description="The import that brought it, if any.")


class AwardFilters(ListFilters):
    year: int | None = Field(default=None, ge=1990, le=2100, description="Only this year.")
    category: str | None = Field(default=None, max_length=60, description="Only this category code.")
    recipient_kind: RecipientKind | None = Field(default=None, description="Only this kind of recipient.")


class CategoryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z0-9_]{2,60}$", description="Code (lower case, digits, _).")
    name: str = Field(min_length=1, max_length=300, description="Vietnamese name.")


class CategoryOut(CategoryIn):
    """A category of awards and scholarships."""

    id: int


class ImportJobOut(BaseModel):
    """A bulk import and its progress."""

    id: int = Field(description="Job id.")
    kind: str = Field(description="awards.")
    status: Literal["pending", "running", "succeeded", "failed"] = Field(description="Where it is.")
    phase: str = Field(description="reading, checking, writing or done.")
    dry_run: bool = Field(description="true: checked only, nothing saved.")
    filename: str = Field(description="The uploaded file's name.")
    total_rows: int = Field(description="Data rows in the file.")
    done_rows: int = Field(description="Rows handled so far in this phase (for a progress bar).")
    created_rows: int = Field(description="Awards created (0 for a dry run or a failure).")
    errors: list[dict[str, Any]] = Field(description="Every bad cell: {row, column, msg, type} (at most 1,000).")
    duplicates: list[dict[str, Any]] = Field(description="Possible duplicates: same person, category and year.")
    duplicate_rows: int = Field(
        0, description="How many rows are duplicates in all (the list holds at most the first 1,000)."
    )
    message: str = Field(description="A sentence for people.")
    created_at: dt.datetime
    finished_at: dt.datetime | None
