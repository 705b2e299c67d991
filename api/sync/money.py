"""Ledger entries a partner pushes by its own ids (``PUT /sync/fund_entries/{external_id}``).

Entries are append-only, as everywhere in the ledger: the first PUT records the entry (201); the same entry sent
again is answered with the recorded one (200) and writes nothing, so a partner may replay its whole ledger; a
different body for an id already used is 409, and a correction is a new entry of kind ``reversal`` naming the one
it undoes by external id. A delete is 409 for the same reason. Money moves through ``api.funds.ledger`` only, so a
balance never goes below zero and every movement is on the feed with the fund's new balance.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import scope
from api.auth.principal import Principal
from api.core.errors import Conflict, ErrorItem, NotFound, ValidationFailed
from api.core.representation import make_etag
from api.funds import ledger
from api.funds.registry import entry_out
from api.models import Fund, FundEntry
from api.sync.schemas import FundEntrySync
from api.sync.service import Upserted, _parse, check_if_match

APPEND_ONLY = "Bút toán quỹ không sửa, không xoá được: gửi một bút toán đảo (kind reversal) với mã mới."


def etag_key(entry: FundEntry) -> str:
    return f"fund_entry-{entry.id}"  # an entry never changes: its ETag neither


def _bad(loc: str, field: str, msg: str, type_: str) -> ValidationFailed:
    return ValidationFailed(f"Bút toán không hợp lệ: {msg}.", errors=[ErrorItem(loc=[loc, field], msg=msg, type=type_)])


def _gone(external_id: str) -> NotFound:
    return scope.not_found(f"Không có bút toán {external_id} của hệ thống bạn.")


async def _mine(session: AsyncSession, principal: Principal, external_id: str, **where: Any) -> FundEntry | None:
    stmt = select(FundEntry).where(FundEntry.partner == principal.partner, FundEntry.external_id == external_id)
    if "fund_id" in where:
        stmt = stmt.where(FundEntry.fund_id == where["fund_id"])
    return await session.scalar(stmt)


async def _fund(session: AsyncSession, principal: Principal, body: FundEntrySync, loc: str) -> Fund:
    if body.fund_id is not None:
        return await scope.resolve_reference(
            session, principal, Fund, body.fund_id, field="fund_id", label="quỹ", lock=True
        )
    fund = await session.scalar(
        select(Fund).where(
            Fund.partner == principal.partner,
            Fund.external_id == body.fund_external_id,
            scope.condition(principal, Fund.unit_path),
        )
    )
    if fund is None:
        raise scope.not_found(
            f"Không có quỹ {body.fund_external_id} của hệ thống bạn.",
            field="fund_external_id",
            loc=loc,
            msg="Không có quỹ này của hệ thống bạn",
        )
    return fund


def _check(body: FundEntrySync, loc: str) -> None:
    if (body.fund_id is None) == (body.fund_external_id is None):
        raise _bad(loc, "fund_external_id", "Cần đúng một trong fund_external_id và fund_id", "fund_required")
    if body.kind == "reversal":
        if body.reverses_external_id is None:
            raise _bad(loc, "reverses_external_id", "Cần chỉ ra bút toán cần đảo", "missing")
    elif body.amount_vnd is None:
        raise _bad(loc, "amount_vnd", "Cần nhập số tiền", "missing")
    elif body.reverses_external_id is not None:
        raise _bad(loc, "reverses_external_id", "Chỉ bút toán đảo mới chỉ ra bút toán cần đảo", "extra_forbidden")


def _same(entry: FundEntry, body: FundEntrySync, fund: Fund, original: FundEntry | None) -> bool:
    """Whether ``entry`` is what ``body`` would have recorded (a replay)."""
    if entry.fund_id != fund.id or entry.kind != body.kind or entry.occurred_on != body.occurred_on:
        return False
    if body.kind == "reversal":
        described = body.description or f"Đảo bút toán {entry.reverses_entry_id}"
        return original is not None and entry.reverses_entry_id == original.id and entry.description == described
    signed = body.amount_vnd if body.kind == "contribution" else -(body.amount_vnd or 0)
    return entry.amount_vnd == signed and entry.description == body.description


async def upsert(
    session: AsyncSession,
    principal: Principal,
    external_id: str,
    data: dict[str, Any],
    if_match: str | None,
    loc: str = "body",
) -> Upserted:
    body = _parse(FundEntrySync, data, loc)
    _check(body, loc)
    fund = await _fund(session, principal, body, loc)
    original = None
    if body.reverses_external_id is not None:
        original = await _mine(session, principal, body.reverses_external_id, fund_id=fund.id)
        if original is None:
            raise scope.not_found(
                f"Quỹ này không có bút toán {body.reverses_external_id} của hệ thống bạn.",
                field="reverses_external_id",
                loc=loc,
                msg="Không có bút toán này trong quỹ",
            )
        if body.amount_vnd is not None and body.amount_vnd != abs(original.amount_vnd):
            raise _bad(loc, "amount_vnd", "Bút toán đảo lấy đúng số tiền của bút toán gốc", "reversal_amount")
    entry = await _mine(session, principal, external_id)
    if entry is not None:
        scope.require(principal, entry.unit_path, _gone(external_id))
        check_if_match(if_match, etag_key(entry))
        if not _same(entry, body, fund, original):
            raise Conflict(f"Mã {external_id} đã dùng cho một bút toán khác. {APPEND_ONLY}", entry_id=entry.id)
        return Upserted(entry.id, make_etag(etag_key(entry), "json"), False, entry_out(entry))
    if original is not None:
        entry = await ledger.reverse(
            session,
            principal,
            fund,
            original.id,
            body.occurred_on,
            body.description,
            external_id=external_id,
            partner=principal.partner,
        )
    else:
        assert body.amount_vnd is not None  # _check
        entry = await ledger.post(
            session,
            principal,
            fund,
            body.kind,
            body.amount_vnd,
            body.occurred_on,
            body.description,
            external_id=external_id,
            partner=principal.partner,
        )
    return Upserted(entry.id, make_etag(etag_key(entry), "json"), True, entry_out(entry))


async def delete(session: AsyncSession, principal: Principal, external_id: str, if_match: str | None) -> None:
    """Never: 404 for an id the partner does not have (as for every resource), else 409 (append-only)."""
    entry = await _mine(session, principal, external_id)
    if entry is None:
        raise _gone(external_id)
    scope.require(principal, entry.unit_path, _gone(external_id))
    check_if_match(if_match, etag_key(entry))
    raise Conflict(APPEND_ONLY, entry_id=entry.id)
