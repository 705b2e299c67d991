"""The funds' record types: the fund (a registry) and its ledger entries, with the serializers their
GETs answer with and the change feed carries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from api import journal
from api.core.text import IsoDate
from api.models import Association, Fund, FundEntry
from api.registries.kit import RecordIn, RecordOut, Registry, partial
from api.registries.routing import ListFilters

Owner = Literal["association", "unit", "clan", "school", "enterprise"]


class FundFields(BaseModel):
    name: str = Field(min_length=1, max_length=300, description="Name, e.g. “Quỹ khuyến học xã Vũ Lạc”.")
    owner_kind: Owner = Field(description="Whose fund: association, unit, clan, school or enterprise.")
    association_id: int | None = Field(strict=True, default=None, description="The association that runs it, if any.")
    closed_on: IsoDate | None = Field(default=None, description="Closing date (null: open).")


class FundIn(RecordIn, FundFields):
    """A fund to open (its balance starts at 0; money comes in through entries)."""


FundUpdate = partial(FundFields, "FundUpdate")


class FundOut(RecordOut, FundFields):
    """A study-promotion fund (quỹ khuyến học, khuyến tài)."""

    balance_vnd: int = Field(description="Balance in đồng: always the sum of the fund's entries.")


class Filters(ListFilters):
    owner_kind: Owner | None = Field(default=None, description="Only funds of this kind of owner.")


REGISTRY = Registry(
    entity="fund",
    label="quỹ",
    model=Fund,
    out=FundOut,
    fields=tuple(FundFields.model_fields),
    filters={"owner_kind": "owner_kind"},
    references={"association_id": (Association, "tổ chức hội")},
)


class EntryOut(BaseModel):
    """A ledger entry (bút toán)."""

    id: int = Field(description="Entry id.")
    fund_id: int = Field(description="The fund.")
    kind: str = Field(description="contribution, disbursement, transfer_in, transfer_out or reversal.")
    amount_vnd: int = Field(description="Signed amount in đồng: + into the fund, − out of it.")
    occurred_on: dt.date = Field(description="Date.")
    description: str = Field(description="What it was for.")
    counterpart_fund_id: int | None = Field(description="transfer: the other fund.")
    reverses_entry_id: int | None = Field(description="reversal: the entry it undoes.")
    award_id: int | None = Field(description="The award it paid, if any.")
    created_at: dt.datetime = Field(description="Recorded at.")
    created_by: str = Field(description="Recorded by.")
    external_id: str | None = Field(description="The partner's id for it.")


def entry_out(e: FundEntry) -> EntryOut:
    return EntryOut.model_validate(e, from_attributes=True)


async def _entries(session: AsyncSession, entries: Sequence[FundEntry]) -> list[EntryOut]:
    return [entry_out(e) for e in entries]


journal.register("fund_entry", _entries)
