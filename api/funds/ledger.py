"""The ledger rules: money moves only through entries; a balance never goes below zero.

The balance check and the balance change are one conditional UPDATE (``… WHERE balance + amount
>= 0``), so two disbursements arriving at the same moment cannot both pass: on PostgreSQL the
second waits for the first's row lock and re-checks the condition on the new balance.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api import journal
from api.auth import scope
from api.auth.principal import Principal
from api.core.errors import Conflict, ErrorItem, ValidationFailed
from api.db.base import utcnow
from api.funds.errors import FundClosed
from api.funds.registry import REGISTRY as FUNDS
from api.models import Fund, FundEntry


def _vi(n: int) -> str:
    return f"{n:,}".replace(",", ".")


async def move(session: AsyncSession, fund_id: int, amount: int) -> int:
    """Add ``amount`` (negative: take out) to the fund's balance; 409 when that would overdraw it."""
    new_balance = await session.scalar(
        update(Fund)
        .where(Fund.id == fund_id, Fund.balance_vnd + amount >= 0)
        .values(balance_vnd=Fund.balance_vnd + amount, version=Fund.version + 1)  # a new balance, a new ETag
        .returning(Fund.balance_vnd)
        .execution_options(synchronize_session=False)
    )
    if new_balance is None:
        balance = await session.scalar(select(Fund.balance_vnd).where(Fund.id == fund_id))
        raise Conflict(
            f"Quỹ không đủ tiền: số dư {_vi(balance or 0)} đồng, cần {_vi(-amount)} đồng.",
            balance_vnd=balance,
        )
    return new_balance


async def _journal(session: AsyncSession, principal: Principal, *entries: FundEntry) -> None:
    """Each entry, then each fund whose balance it moved (its new balance and version, as GET shows it)."""
    for e in entries:
        await journal.write(session, principal, action=e.kind, kind="fund_entry", obj=e)
    for e in entries:
        fund = await session.get_one(Fund, e.fund_id)
        await session.refresh(fund)  # move() changed the row with a Core UPDATE
        after = await journal.snapshot(session, FUNDS.entity, fund)
        before = after | {"balance_vnd": after["balance_vnd"] - e.amount_vnd}
        await journal.write(session, principal, action=e.kind, kind=FUNDS.entity, obj=fund, before=before)


def _entry(
    fund: Fund, principal: Principal, kind: str, amount: int, on: dt.date, description: str, **links: int | str | None
) -> FundEntry:
    return FundEntry(
        fund_id=fund.id,
        unit_path=fund.unit_path,
        kind=kind,
        amount_vnd=amount,
        occurred_on=on,
        year=on.year,
        description=description,
        created_at=utcnow(),
        created_by=principal.name,
        created_by_kind=principal.kind,
        created_by_id=principal.id,
        **links,
    )


async def post(
    session: AsyncSession,
    principal: Principal,
    fund: Fund,
    kind: str,
    amount: int,
    on: dt.date,
    description: str = "",
    *,
    award_id: int | None = None,
    external_id: str | None = None,
    partner: str | None = None,
) -> FundEntry:
    """A contribution (amount > 0 in) or a disbursement (amount > 0 out) of one fund."""
    if fund.closed_on is not None and kind == "contribution":
        raise FundClosed("Quỹ đã đóng, không nhận thêm tiền.")
    signed = amount if kind == "contribution" else -amount
    await move(session, fund.id, signed)
    entry = _entry(
        fund, principal, kind, signed, on, description, award_id=award_id, external_id=external_id, partner=partner
    )
    session.add(entry)
    await session.flush()
    await _journal(session, principal, entry)
    return entry


async def transfer(
    session: AsyncSession, principal: Principal, source: Fund, target: Fund, amount: int, on: dt.date, description: str
) -> tuple[FundEntry, FundEntry]:
    """Both sides in this transaction; funds are locked in id order, so two opposite transfers cannot deadlock."""
    if source.id == target.id:
        raise ValidationFailed(
            "Không chuyển quỹ cho chính nó.",
            errors=[ErrorItem(loc=["body", "to_fund_id"], msg="Phải là một quỹ khác", type="same_fund")],
        )
    if target.closed_on is not None:
        # A transfer in is money in, like a contribution; a closed fund may still pay out what it holds.
        raise FundClosed(f"Quỹ nhận (mã {target.id}) đã đóng, không nhận thêm tiền.")
    for fund_id, amount_change in sorted([(source.id, -amount), (target.id, amount)]):
        await move(session, fund_id, amount_change)
    out = _entry(source, principal, "transfer_out", -amount, on, description, counterpart_fund_id=target.id)
    into = _entry(target, principal, "transfer_in", amount, on, description, counterpart_fund_id=source.id)
    session.add_all([out, into])
    await session.flush()
    await _journal(session, principal, out, into)
    return out, into


async def reverse(
    session: AsyncSession,
    principal: Principal,
    fund: Fund,
    entry_id: int,
    on: dt.date,
    description: str,
    *,
    external_id: str | None = None,
    partner: str | None = None,
) -> FundEntry:
    """Undo an earlier entry of this fund with an opposite one (never by editing it); once only."""
    original = await session.scalar(select(FundEntry).where(FundEntry.id == entry_id, FundEntry.fund_id == fund.id))
    if original is None:  # the fund is in scope, so are its entries: unknown here, unknown everywhere
        raise scope.not_found(
            f"Quỹ này không có bút toán {entry_id}.", field="reverses_entry_id", msg="Quỹ này không có bút toán này"
        )
    if original.kind in ("reversal", "transfer_in", "transfer_out"):
        raise Conflict("Không đảo được bút toán này (bút toán đảo hoặc chuyển quỹ: hãy chuyển ngược lại).")
    if await session.scalar(select(FundEntry.id).where(FundEntry.reverses_entry_id == entry_id)) is not None:
        raise Conflict(f"Bút toán {entry_id} đã được đảo.")
    await move(session, fund.id, -original.amount_vnd)
    entry = _entry(
        fund,
        principal,
        "reversal",
        -original.amount_vnd,
        on,
        description or f"Đảo bút toán {entry_id}",
        reverses_entry_id=entry_id,
        award_id=original.award_id,
        external_id=external_id,
        partner=partner,
    )
    session.add(entry)
    await session.flush()
    await _journal(session, principal, entry)
    return entry


async def copy(
    session: AsyncSession,
    principal: Principal,
    fund: Fund,
    kind: str,
    signed: int,
    on: dt.date,
    description: str,
    *,
    external_id: str,
    links: dict[str, int | None],
) -> FundEntry:
    """A partner's entry replayed on the local copy of its fund (``khuyenhoc sync pull``).

    The source already applied its own rules (closed funds, reversals once only); the copy keeps only the one
    that protects this instance's money: the same conditional UPDATE, so an entry out of order is a 409, never
    a negative balance. A transfer's two sides arrive as two entries, each moving its own fund.
    """
    await move(session, fund.id, signed)
    entry = _entry(
        fund, principal, kind, signed, on, description, external_id=external_id, partner=principal.partner, **links
    )
    session.add(entry)
    await session.flush()
    await _journal(session, principal, entry)
    return entry
