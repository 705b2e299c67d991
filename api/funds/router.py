"""Funds and their ledger: /api/v1/funds, /api/v1/funds/{id}/entries, /api/v1/funds/summary."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.service import record
from api.auth.dependencies import RegistriesRead, RegistriesWrite
from api.core.errors import ErrorItem, ValidationFailed, problem_responses
from api.core.pagination import Page, PageDep, paginate_rows
from api.core.representation import FormatDep, represent
from api.core.text import IsoDate, today_vn
from api.db.engine import SessionDep
from api.funds import ledger
from api.models import Fund, FundEntry
from api.registries import kit
from api.registries.kit import RecordIn, RecordOut, Registry, partial
from api.registries.routing import ListFilters, crud_router
from api.units import service as units_service

Owner = Literal["association", "unit", "clan", "school", "enterprise"]


class FundFields(BaseModel):
    name: str = Field(min_length=1, max_length=300, description="Name, e.g. “Quỹ khuyến học xã Vũ Lạc”.")
    owner_kind: Owner = Field(description="Whose fund: association, unit, clan, school or enterprise.")
    association_id: int | None = Field(default=None, description="The association that runs it, if any.")
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
)
router = crud_router(
    REGISTRY,
    prefix="/funds",
    create_schema=FundIn,
    update_schema=FundUpdate,
    filters=Filters,
    read=RegistriesRead,
    write=RegistriesWrite,
)


class EntryIn(BaseModel):
    """A movement of money. Entries are never changed or deleted: undo one with a reversal."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["contribution", "disbursement", "transfer", "reversal"] = Field(
        description="contribution (in), disbursement (out), transfer (to to_fund_id), reversal (of reverses_entry_id)."
    )
    amount_vnd: int | None = Field(default=None, gt=0, le=10**15, description="Amount in đồng (not for reversals).")
    occurred_on: IsoDate | None = Field(default=None, description="Date (default today).")
    description: str = Field(default="", max_length=2000, description="What it was for.")
    to_fund_id: int | None = Field(default=None, description="transfer: the receiving fund.")
    reverses_entry_id: int | None = Field(default=None, description="reversal: the entry to undo.")
    external_id: str | None = Field(default=None, max_length=100, description="Your own id for it (partners).")


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


def _out(e: FundEntry) -> EntryOut:
    return EntryOut.model_validate(e, from_attributes=True)


def _need(field: str, msg: str) -> ValidationFailed:
    return ValidationFailed(msg, errors=[ErrorItem(loc=["body", field], msg=msg, type="missing")])


@router.get("/{record_id:int}/entries", response_model=Page[EntryOut], responses=problem_responses(401, 403, 404, 422))
async def list_entries(
    request: Request,
    session: SessionDep,
    principal: RegistriesRead,
    record_id: int,
    page: PageDep,
    fmt: FormatDep,
    year: Annotated[int | None, Query(ge=1990, le=2100, description="Only this year.")] = None,
) -> Response:
    """The fund's ledger, oldest first."""
    await kit.get(session, principal, REGISTRY, record_id)
    stmt = select(FundEntry).where(FundEntry.fund_id == record_id)
    if year is not None:
        stmt = stmt.where(FundEntry.year == year)
    rows, cursor = await paginate_rows(session, stmt, order=[FundEntry.id], page=page)
    items = [_out(r[0]) for r in rows]
    return represent(request, Page[EntryOut](items=items, next_cursor=cursor), fmt=fmt, csv_rows=(EntryOut, items))


@router.post(
    "/{record_id:int}/entries",
    response_model=EntryOut,
    status_code=201,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def post_entry(session: SessionDep, principal: RegistriesWrite, record_id: int, body: EntryIn) -> EntryOut:
    """Record a contribution, disbursement, transfer or reversal; 409 when it would overdraw a fund."""
    fund = await kit.get(session, principal, REGISTRY, record_id)
    on = body.occurred_on or today_vn()
    if body.kind == "reversal":
        if body.reverses_entry_id is None:
            raise _need("reverses_entry_id", "Cần chỉ ra bút toán cần đảo")
        entry = await ledger.reverse(session, principal, fund, body.reverses_entry_id, on, body.description)
    else:
        if body.amount_vnd is None:
            raise _need("amount_vnd", "Cần nhập số tiền")
        if body.kind == "transfer":
            if body.to_fund_id is None:
                raise _need("to_fund_id", "Cần chọn quỹ nhận")
            target = await kit.get(session, principal, REGISTRY, body.to_fund_id)
            entry, _ = await ledger.transfer(session, principal, fund, target, body.amount_vnd, on, body.description)
        else:
            entry = await ledger.post(
                session,
                principal,
                fund,
                body.kind,
                body.amount_vnd,
                on,
                body.description,
                external_id=body.external_id,
                partner=kit.partner_of(principal),
            )
    await record(
        session,
        principal,
        action=body.kind,
        entity="fund",
        entity_id=fund.id,
        changes={"entry": [None, entry.id], "amount_vnd": [None, entry.amount_vnd]},
        unit_path=fund.unit_path,
    )
    return _out(entry)


class FundSummary(BaseModel):
    """Fund figures of a unit's subtree for a year."""

    unit_code: str
    year: int
    funds: int = Field(description="Funds with entries up to the end of the year.")
    raised_vnd: int = Field(description="Contributions in the year (net of their reversals).")
    disbursed_vnd: int = Field(description="Disbursements in the year (net of their reversals).")
    balance_vnd: int = Field(description="Balance at the end of the year (transfers inside the subtree cancel out).")


@router.get("/summary", response_model=FundSummary, responses=problem_responses(401, 403, 422))
async def fund_summary(
    session: SessionDep,
    principal: RegistriesRead,
    unit: Annotated[str, Query(pattern=r"^\d{2,5}(-[0-9A-Za-z]{1,12})?$", description="Unit code.")],
    year: Annotated[int, Query(ge=1990, le=2100, description="Year.")],
) -> FundSummary:
    """Raised, disbursed and balance of the funds in a unit's subtree (within your scope)."""
    path = (await units_service.resolve_for_filter(session, unit, dt.date(year, 12, 31))).path
    return FundSummary(
        unit_code=unit, year=year, **await figures(session, [path], year, principal.path_filter(FundEntry.unit_path))
    )


async def figures(session: AsyncSession, prefixes: list[str], year: int, *extra: ColumnElement[bool]) -> dict[str, int]:
    """Raised, disbursed and year-end balance of the funds under ``prefixes``."""
    original = select(FundEntry.id, FundEntry.kind).subquery()
    kind = func.coalesce(original.c.kind, FundEntry.kind)  # a reversal counts against what it reverses
    in_year = FundEntry.year == year
    stmt = (
        select(
            func.count(func.distinct(FundEntry.fund_id)),
            func.coalesce(func.sum(case((in_year & (kind == "contribution"), FundEntry.amount_vnd), else_=0)), 0),
            func.coalesce(func.sum(case((in_year & (kind == "disbursement"), -FundEntry.amount_vnd), else_=0)), 0),
            func.coalesce(func.sum(FundEntry.amount_vnd), 0),
        )
        .outerjoin(original, original.c.id == FundEntry.reverses_entry_id)
        .where(FundEntry.year <= year, or_(*(FundEntry.unit_path.like(f"{p}%") for p in prefixes)), *extra)
    )
    funds, raised, disbursed, balance = (await session.execute(stmt)).one()
    # int(): PostgreSQL's SUM of BIGINT is NUMERIC (Decimal); money stays integer đồng.
    return {
        "funds": int(funds),
        "raised_vnd": int(raised),
        "disbursed_vnd": int(disbursed),
        "balance_vnd": int(balance),
    }
