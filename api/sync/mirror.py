"""Applying a partner's change feed here (``khuyenhoc sync pull``): a mirror copy of each record, owned by
the partner ``mirror:<source>`` under the external id ``<type>:<remote id>``, written through the same
service functions as a partner's own upserts (scope, validation, audit, and this instance's feed)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.associations import registry as association_registry
from api.associations import service as associations
from api.auth.principal import SYSTEM, Principal
from api.awards import service as awards
from api.awards.schemas import AwardIn
from api.core.errors import AppError
from api.core.text import today_vn
from api.funds import ledger
from api.models import Award, Fund, FundEntry, Report, Unit, UnitSuccession
from api.registries import kit
from api.reports import service as reports
from api.reports.fields import FIGURE_NAMES
from api.sync import service
from api.units import service as units_service

MIRROR_PREFIX = "mirror:"
PARTNER_MAX = 64  # the partner columns' length

# Feed type → the resource of PUT /sync/{resource}/{external_id}.
RESOURCE_OF: dict[str, str] = {"report": "reports", "award": "awards"} | {
    reg.entity: name for name, (reg, _) in service.REGISTRIES.items()
}
# Fields that hold the remote id of another record (declared once, on the registries): mapped to the
# local mirror copy of that record.
_ENTITY_OF = {reg.model: reg.entity for reg, _ in service.REGISTRIES.values()}
REFERENCES: dict[tuple[str, str], str] = {
    (reg.entity, name): _ENTITY_OF[model]
    for reg, _ in service.REGISTRIES.values()
    for name, (model, _label) in reg.references.items()
}
# Dates that tell which unit an ambiguous code meant (a code can name an old and a new unit).
DATE_HINTS = ("decision_date", "inspected_on", "held_on", "signed_on", "awarded_on", "plan_date", "founded_on")


def mirror_partner(source: str) -> str:
    """The partner name that owns the copies of ``source``'s records (at most 64 characters)."""
    name = MIRROR_PREFIX + source
    if len(name) <= PARTNER_MAX:
        return name
    digest = hashlib.sha256(source.encode()).hexdigest()[:12]
    return f"{name[: PARTNER_MAX - 13]}~{digest}"


def mirror_principal(source: str) -> Principal:
    """A SYSTEM-like principal (national, every scope) whose records belong to ``mirror:<source>``."""
    partner = mirror_partner(source)
    return Principal(
        kind="system",
        id=None,
        name=partner,
        display_name=f"Đồng bộ từ {source}",
        role=SYSTEM.role,
        scopes=SYSTEM.scopes,
        unit_id=None,
        partner=partner,
    )


@dataclass
class Outcome:
    """What happened to one change: applied, skipped (with the reason) or failed (with the error)."""

    kind: str  # applied, skipped, failed
    reason: str = ""
    quiet: bool = False  # a skip too common to print one line each (mirror copies, ledger entries)


async def scope_prefixes(session: AsyncSession, me: dict[str, Any]) -> tuple[str, ...]:
    """Local unit paths of the remote key's scope (from its GET /me): they tell ambiguous codes apart."""
    code = me.get("unit_code")
    if not code:
        return ()
    stmt = select(Unit.id, Unit.path).where(Unit.code == code)
    if me.get("unit_level"):
        stmt = stmt.where(Unit.level == me["unit_level"])
    rows = (await session.execute(stmt)).all()
    if len(rows) > 1 and me.get("unit_name"):
        named = (await session.execute(stmt.where(Unit.name == me["unit_name"]))).all()
        rows = named or rows
    ids = [r.id for r in rows]
    before = (
        await session.scalars(
            select(Unit.path)
            .join(UnitSuccession, UnitSuccession.predecessor_id == Unit.id)
            .where(UnitSuccession.successor_id.in_(ids))
        )
    ).all()
    return tuple(sorted({r.path for r in rows} | set(before)))


async def unit_as_of(session: AsyncSession, code: str, data: dict[str, Any], prefixes: Sequence[str]) -> dt.date | None:
    """A date on which ``code`` names the unit the remote record belongs to.

    Units are the same official lists on both instances, but a code can name an old unit (before
    2025-07-01) and a new one; the remote key's scope, then the record's own dates, tell them apart.
    """
    rows = list(
        (
            await session.execute(
                select(Unit.path, Unit.valid_from, Unit.valid_to)
                .where(Unit.code == code)
                .order_by(Unit.valid_from.desc().nulls_last())
            )
        ).all()
    )
    if not rows:
        return None  # the service answers with a clear 422
    inside = [r for r in rows if any(r.path.startswith(p) for p in prefixes)]
    rows = inside or rows

    def valid(r: Any, day: dt.date) -> bool:
        return (r.valid_from is None or r.valid_from <= day) and (r.valid_to is None or r.valid_to >= day)

    hints = [dt.date.fromisoformat(str(data[k])) for k in DATE_HINTS if data.get(k)]
    if isinstance(data.get("year"), int):
        hints.append(dt.date(data["year"], 12, 31))
    hints.append(today_vn())
    for day in hints:
        matching = [r for r in rows if valid(r, day)]
        if matching:
            rows = matching
            break
    chosen = rows[0]
    return chosen.valid_to if chosen.valid_to is not None else max(today_vn(), chosen.valid_from or today_vn())


def _external_id(kind: str, remote_id: int) -> str:
    return f"{kind}:{remote_id}"


async def _local_id(session: AsyncSession, partner: str, kind: str, remote_id: int) -> int | None:
    model = Award if kind == "award" else service.REGISTRIES[RESOURCE_OF[kind]][0].model
    found = await session.scalar(
        select(model.id).where(model.partner == partner, model.external_id == _external_id(kind, remote_id))
    )
    return int(found) if found is not None else None


async def _report_body(session: AsyncSession, data: dict[str, Any]) -> dict[str, Any]:
    code = data.get("unit_code")
    if not code and data.get("unit_path"):  # feeds written before reports carried unit_code
        code = await session.scalar(select(Unit.code).where(Unit.path == data["unit_path"]))
    body = {n: data.get(n) for n in FIGURE_NAMES}
    return body | {"unit_code": code, "year": data.get("year"), "status": data.get("status")}


async def _registry_body(
    session: AsyncSession, kind: str, partner: str, data: dict[str, Any], prefixes: Sequence[str]
) -> tuple[dict[str, Any], list[str]]:
    """The PUT body of a registry record from the remote's view of it, and notes on what did not map."""
    schema = service.REGISTRIES[RESOURCE_OF[kind]][1] if kind != "award" else AwardIn
    wanted = set(schema.model_fields) - {"external_id", "unit_as_of"}
    body = {k: v for k, v in data.items() if k in wanted}
    notes: list[str] = []
    for (owner, field), target in REFERENCES.items():
        if owner == kind and body.get(field) is not None:
            local = await _local_id(session, partner, target, int(body[field]))
            if local is None:
                notes.append(f"{field}={body[field]} chưa có bản sao ở đây")
            body[field] = local
    if kind == "award" and body.get("fund_id") is not None:
        # The fund's copy here; the copy pays nothing (upsert pay=False): its disbursement is a fund entry of its own.
        local = await _local_id(session, partner, "fund", int(body["fund_id"]))
        if local is None:
            notes.append(f"fund_id={body['fund_id']} chưa có bản sao ở đây")
        body["fund_id"] = local
    as_of = await unit_as_of(session, str(body.get("unit_code")), data, prefixes)
    if as_of is not None:
        body["unit_as_of"] = as_of.isoformat()
    return body, notes


async def _delete(session: AsyncSession, principal: Principal, kind: str, external_id: str) -> Outcome:
    partner = principal.partner
    if kind == "award":
        award = await session.scalar(select(Award).where(Award.partner == partner, Award.external_id == external_id))
        if award is None:
            return Outcome("skipped", "đã xoá hoặc chưa từng sao chép", quiet=True)
        await awards.delete(session, principal, award)
        return Outcome("applied")
    if kind == "report":
        # Reports have no delete in the API; a tombstone would only come from a newer server.
        report = await session.scalar(
            select(Report).where(Report.partner == partner, Report.external_id == external_id)
        )
        if report is None:
            return Outcome("skipped", "đã xoá hoặc chưa từng sao chép", quiet=True)
        return Outcome("skipped", "báo cáo không xoá qua đồng bộ; hãy xử lý bằng tay")
    reg = service.REGISTRIES[RESOURCE_OF[kind]][0]
    obj = await session.scalar(
        select(reg.model).where(reg.model.partner == partner, reg.model.external_id == external_id)
    )
    if obj is None:
        return Outcome("skipped", "đã xoá hoặc chưa từng sao chép", quiet=True)
    await kit.delete(session, principal, reg, obj)
    return Outcome("applied")


async def apply_change(
    session: AsyncSession, principal: Principal, change: dict[str, Any], prefixes: Sequence[str] = ()
) -> Outcome:
    """Apply one item of a partner's feed here, in a savepoint: a failure undoes this item only."""
    kind, partner = str(change.get("type")), change.get("partner") or ""
    if partner.startswith(MIRROR_PREFIX):
        # A copy of someone else's data: its owner publishes it; copying it again would echo between instances.
        return Outcome("skipped", "bản sao dữ liệu của nơi khác", quiet=True)
    if kind == "fund_entry":
        return await _fund_entry(session, principal, change)
    if kind == "association_year":
        return await _association_year(session, principal, change)
    if kind not in RESOURCE_OF:
        return Outcome("skipped", f"loại {kind} chưa được hỗ trợ")
    own = str(principal.partner)
    external_id = _external_id(kind, int(change["id"]))
    try:
        async with session.begin_nested():
            if change.get("op") == "delete":
                return await _delete(session, principal, kind, external_id)
            data = change.get("data") or {}
            notes: list[str] = []
            if kind == "report":
                body = await _report_body(session, data)
                clash = await _local_report(session, own, external_id, body)
                if clash:
                    return Outcome("skipped", clash)
            else:
                body, notes = await _registry_body(session, kind, own, data, prefixes)
            await service.upsert(session, principal, RESOURCE_OF[kind], external_id, body, None, pay=False)
            return Outcome("applied", "; ".join(notes))
    except AppError as exc:
        detail = exc.detail
        if exc.errors:
            detail += " (" + "; ".join(f"{'.'.join(map(str, e.loc))}: {e.msg}" for e in exc.errors[:5]) + ")"
        return Outcome("failed", detail)


async def _association_year(session: AsyncSession, principal: Principal, change: dict[str, Any]) -> Outcome:
    """An association's members and rating in a year, on the local copy of the association."""
    data = change.get("data") or {}
    if change.get("op") == "delete" or not isinstance(data.get("year"), int):
        return Outcome("skipped", "năm của hội không xoá qua đồng bộ", quiet=True)
    local = await _local_id(session, str(principal.partner), "association", int(data.get("association_id") or 0))
    if local is None:
        return Outcome("skipped", f"hội {data.get('association_id')} chưa có bản sao ở đây")
    try:
        async with session.begin_nested():
            assoc = await kit.get(session, principal, association_registry.REGISTRY, local, lock=True)
            body = associations.AssociationYearIn(members=data.get("members"), rating=data.get("rating"))
            await associations.save_year(session, principal, assoc, data["year"], body)
    except (AppError, ValueError) as exc:
        return Outcome("failed", str(exc))
    return Outcome("applied")


async def _local_report(session: AsyncSession, partner: str, external_id: str, body: dict[str, Any]) -> str:
    """Why a remote report must not be copied over a report of the same unit and year here ('' if it may)."""
    mine = await session.scalar(select(Report.id).where(Report.partner == partner, Report.external_id == external_id))
    if mine is not None or not body.get("unit_code") or not isinstance(body.get("year"), int):
        return ""
    try:
        unit = await units_service.resolve(session, str(body["unit_code"]), reports.year_end(body["year"]))
    except AppError:
        return ""  # the upsert reports it
    local = await reports.find(session, unit.id, body["year"])
    if local is None:
        return ""
    owner = f"hệ thống {local.partner}" if local.partner else "nơi này"
    return f"báo cáo {body['unit_code']}/{body['year']} đã có ở đây, do {owner} quản lý: giữ nguyên"


async def _entry_links(
    session: AsyncSession, partner: str, data: dict[str, Any]
) -> tuple[dict[str, int | None], list[str]]:
    """The entry's references mapped to the local copies (None, with a note, where the target is not copied)."""
    links: dict[str, int | None] = {}
    notes: list[str] = []
    for field, target in (("counterpart_fund_id", "fund"), ("reverses_entry_id", "fund_entry"), ("award_id", "award")):
        remote = data.get(field)
        if remote is None:
            links[field] = None
            continue
        if target == "fund_entry":
            found = await session.scalar(
                select(FundEntry.id).where(
                    FundEntry.partner == partner, FundEntry.external_id == _external_id(target, int(remote))
                )
            )
            local = int(found) if found is not None else None
        else:
            local = await _local_id(session, partner, target, int(remote))
        if local is None:
            notes.append(f"{field}={remote} chưa có bản sao ở đây")
        links[field] = local
    return links, notes


async def _fund_entry(session: AsyncSession, principal: Principal, change: dict[str, Any]) -> Outcome:
    """A ledger entry, replayed once on the local copy of its fund (entries are append-only: no update, no delete)."""
    data, partner = change.get("data") or {}, str(principal.partner)
    if change.get("op") == "delete":
        return Outcome("skipped", "bút toán quỹ không bị xoá (sửa sai bằng bút toán đảo)", quiet=True)
    external_id = _external_id("fund_entry", int(change["id"]))
    if await session.scalar(
        select(FundEntry.id).where(FundEntry.partner == partner, FundEntry.external_id == external_id)
    ):
        return Outcome("skipped", "bút toán quỹ đã sao chép", quiet=True)
    local_fund = await _local_id(session, partner, "fund", int(data.get("fund_id") or 0))
    if local_fund is None:
        return Outcome("skipped", f"quỹ {data.get('fund_id')} chưa có bản sao ở đây")
    try:
        async with session.begin_nested():
            links, notes = await _entry_links(session, partner, data)
            fund = await session.get_one(Fund, local_fund)
            await ledger.copy(
                session,
                principal,
                fund,
                str(data["kind"]),
                int(data["amount_vnd"]),
                dt.date.fromisoformat(str(data["occurred_on"])),
                str(data.get("description") or ""),
                external_id=external_id,
                links=links,
            )
    except AppError as exc:
        return Outcome("failed", exc.detail)
    return Outcome("applied", "; ".join(notes))
