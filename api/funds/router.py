"""Funds and their ledger: /api/v1/funds, /api/v1/funds/{id}/entries, /api/v1/funds/summary."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from api.auth import scope
from api.auth.dependencies import RegistriesRead, RegistriesWrite
from api.core.errors import ErrorItem, ValidationFailed, problem_responses
from api.core.pagination import Page, PageDep, paginate_rows
from api.core.representation import FormatDep, represent
from api.core.text import UNIT_CODE_PATTERN, ExternalIdText, IsoDate, today_vn
from api.db.engine import SessionDep
from api.funds import ledger
from api.funds.registry import REGISTRY, EntryOut, Filters, FundIn, FundUpdate, entry_out
from api.funds.summary import figures
from api.models import Fund, FundEntry
from api.registries import kit
from api.registries.routing import crud_router
from api.units import dating

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
    amount_vnd: int | None = Field(
        strict=True, default=None, gt=0, le=10**15, description="Amount in đồng (not for reversals)."
    )
    occurred_on: IsoDate | None = Field(default=None, description="Date (default today).")
    description: str = Field(default="", max_length=2000, description="What it was for.")
    to_fund_id: int | None = Field(strict=True, default=None, description="transfer: the receiving fund.")
    reverses_entry_id: int | None = Field(strict=True, default=None, description="reversal: the entry to undo.")
    external_id: ExternalIdText | None = Field(
        default=None, max_length=100, description="Your own id for it (partners)."
    )


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
    items = [entry_out(r[0]) for r in rows]
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
            target = await scope.resolve_reference(
                session, principal, Fund, body.to_fund_id, field="to_fund_id", label="quỹ"
            )
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
    return entry_out(entry)


class FundSummary(BaseModel):
    """Fund figures of a unit's subtree for a year."""

    unit_code: str
    year: int
    funds: int = Field(description="Funds with entries up to the end of the year.")
    raised_vnd: int = Field(description="Contributions in the year (net of their reversals).")
    disbursed_vnd: int = Field(description="Disbursements in the year (net of their reversals).")
    balance_vnd: int = Field(description="Balance at the end of the year (transfers inside the subtree cancel out).")


@router.get("/summary", response_model=FundSummary, responses=problem_responses(401, 403, 404, 422))
async def fund_summary(
    session: SessionDep,
    principal: RegistriesRead,
    unit: Annotated[str, Query(pattern=UNIT_CODE_PATTERN, description="Unit code.")],
    year: Annotated[int, Query(ge=1990, le=2100, description="Year.")],
    as_of: Annotated[IsoDate | None, Query(description="Date unit is read on (default as in /reports).")] = None,
) -> FundSummary:
    """Raised, disbursed and balance of the funds in a unit's subtree (within your scope)."""
    place = await dating.resolve_filter(session, unit, as_of=as_of, year=year)
    # A place wider than the scope would be summed from the caller's part only, under the place's name.
    for path in place.paths:
        scope.require_unit(principal, path, unit, field="unit", loc="query")
    return FundSummary(
        unit_code=unit,
        year=year,
        **await figures(session, list(place.paths), year, scope.condition(principal, FundEntry.unit_path)),
    )
