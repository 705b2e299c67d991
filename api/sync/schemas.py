"""Shapes of the partner sync API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from typing_extensions import TypedDict  # pydantic needs this one on Python < 3.12 (a dependency of pydantic)

from api.core.text import UNIT_CODE_PATTERN, ExternalIdText, IsoDate
from api.reports.schemas import ReportFigures


class ChangeOut(BaseModel):
    seq: int = Field(description="Position in the feed; strictly increasing in the order changes become visible.")
    type: str = Field(description="report, association, fund, fund_entry, award, commendation, inspection, …")
    id: int = Field(description="The record's id here.")
    external_id: str | None = Field(description="The partner's id for the record, if a partner sent it.")
    partner: str | None = Field(description="The partner that owns external_id (mirror:… for copies of others' data).")
    op: Literal["upsert", "delete"] = Field(description="upsert (created or changed) or delete (a tombstone).")
    changed_at: dt.datetime = Field(description="When (UTC).")
    data: dict[str, Any] | None = Field(description="The record as the API shows it; null for deletes.")


class ChangesOut(BaseModel):
    """Changes after `since`, oldest first. Store next_cursor and pass it as since next time."""

    items: list[ChangeOut]
    next_cursor: str = Field(description="Pass as ?since= to continue; it never skips a change.")


# The feed's hot path serialises plain dicts of this shape once, without building models and without FastAPI
# validating the page again; ChangesOut stays the declared response_model (the OpenAPI schema). The keys, their
# order and their types are ChangeOut's, so the bytes are the ones ChangesOut would give.
class ChangeDict(TypedDict):
    seq: int
    type: str
    id: int
    external_id: str | None
    partner: str | None
    op: str
    changed_at: dt.datetime
    data: dict[str, Any] | None


class ChangesDict(TypedDict):
    # An iterable, so that a generator can make each item as it is written: 1,000 dicts alive at once would be
    # promoted by the garbage collector and make it scan the whole heap every few pages.
    items: Iterable[ChangeDict]
    next_cursor: str


CHANGES_JSON: TypeAdapter[ChangesDict] = TypeAdapter(ChangesDict)


class ReportSync(ReportFigures):
    """A partner's annual report: keyed by its external id, and by unit and year."""

    model_config = ConfigDict(extra="forbid")

    unit_code: str = Field(pattern=UNIT_CODE_PATTERN, description="The unit (read on 31 December).")
    year: int = Field(strict=True, ge=1990, le=2100, description="Year of the figures.")
    status: Literal["draft", "submitted", "approved"] = Field(
        default="submitted", description="approved needs the reports:approve scope."
    )


class FundEntrySync(BaseModel):
    """A partner's ledger entry (bút toán quỹ), keyed by its external id. Entries are append-only: sending the same
    entry again changes nothing (200), a different body for an id already used is 409, and a correction is a new
    entry of kind ``reversal`` naming the one it undoes."""

    model_config = ConfigDict(extra="forbid")

    fund_external_id: ExternalIdText | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="The fund by your external id (as sent to PUT /sync/funds/{external_id}); or fund_id.",
    )
    fund_id: int | None = Field(
        strict=True, default=None, ge=1, description="The fund by its id here; or fund_external_id."
    )
    kind: Literal["contribution", "disbursement", "reversal"] = Field(
        description="contribution (in), disbursement (out) or reversal (undoes reverses_external_id)."
    )
    amount_vnd: int | None = Field(
        strict=True, default=None, gt=0, le=10**15, description="Amount in đồng (contribution, disbursement)."
    )
    occurred_on: IsoDate = Field(description="Date of the movement.")
    description: str = Field(default="", max_length=2000, description="What it was for.")
    reverses_external_id: ExternalIdText | None = Field(
        default=None, min_length=1, max_length=100, description="reversal: your external id of the entry it undoes."
    )


class BatchItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    external_id: ExternalIdText = Field(min_length=1, max_length=100, description="The partner's id for the record.")
    op: Literal["upsert", "delete"] = Field(
        default="upsert", description="upsert (as PUT /sync/{resource}/{external_id}) or delete (as DELETE)."
    )
    data: dict[str, Any] | None = Field(
        default=None, description="The record, as for PUT /sync/{resource}/{external_id}; omitted for a delete."
    )
    if_match: str | None = Field(default=None, description="Like If-Match: the ETag the partner last saw.")


class BatchIn(BaseModel):
    """Up to 1,000 upserts and deletes, all or none."""

    model_config = ConfigDict(extra="forbid")

    items: list[BatchItem] = Field(min_length=1, max_length=1000)


class BatchResult(BaseModel):
    external_id: str
    status: int = Field(description="201 created, 200 replaced, 204 deleted, or the error status.")
    id: int | None = Field(default=None, description="The record's id here.")
    etag: str | None = Field(default=None, description="The record's new ETag.")
    error: dict[str, Any] | None = Field(default=None, description="The problem, when this item failed.")


class BatchOut(BaseModel):
    items: list[BatchResult]
