"""Fund figures of a subtree for a year: raised, disbursed and balance, from the ledger (used by /funds/summary
and by the reports' reconciliation)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import FundEntry


async def figures(session: AsyncSession, prefixes: list[str], year: int, *extra: ColumnElement[bool]) -> dict[str, int]:
    """Raised, disbursed and year-end balance of the funds under ``prefixes``."""
    if not prefixes:
        return dict.fromkeys(("funds", "raised_vnd", "disbursed_vnd", "balance_vnd"), 0)
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
