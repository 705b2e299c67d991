"""Annual reports: drafts, the submit → approve → reopen workflow, scope and audit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api import journal
from api.auth import scope
from api.auth.principal import Principal
from api.core.errors import Conflict, ErrorItem, NotFound, ValidationFailed
from api.core.pagination import PageParams, paginate_rows
from api.db.base import AnyRow, utcnow
from api.models import AuditEntry, Report, ReportStatus, Unit
from api.reports import derived, duties
from api.reports.fields import FIGURE_NAMES
from api.reports.schemas import ReportHistoryEntry, ReportOut
from api.reports.validation import check, effective
from api.units import dating
from api.units import service as units_service


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def etag_key(report: Report) -> str:
    return f"report-{report.id}-{report.version}"


def figures_of(report: Report) -> dict[str, int | None]:
    return {name: getattr(report, name) for name in FIGURE_NAMES}


def to_out(report: Report, unit: Any) -> ReportOut:
    return ReportOut(
        unit_code=unit.code,
        unit_name=unit.name,
        unit_level=unit.level,
        year=report.year,
        status=ReportStatus(report.status),
        submitted_at=report.submitted_at,
        submitted_by=report.submitted_by,
        approved_at=report.approved_at,
        approved_by=report.approved_by,
        approval_reason=report.approval_reason,
        reopen_reason=report.reopen_reason,
        updated_at=report.updated_at,
        version=report.version,
        **figures_of(report),
    )


async def _serialize(session: AsyncSession, reports: Sequence[Report]) -> list[ReportOut]:
    """The reports as GET /reports/{unit}/{year} shows them (their unit read as filed)."""
    ids = {r.unit_id for r in reports}
    units = {u.id: u for u in (await session.execute(select(Unit).where(Unit.id.in_(ids)))).scalars()}
    return [to_out(r, units[r.unit_id]) for r in reports]


journal.register("report", _serialize)


async def write_figures(
    session: AsyncSession,
    principal: Principal,
    unit: AnyRow,
    year: int,
    report: Report | None,
    figures: dict[str, int | None],
    *,
    action: str,
    also: Callable[[Report], None] | None = None,
    loc: str = "body",
) -> tuple[Report, dict[str, Any]]:
    """The one writer of report figures (the form, the Excel import and partner sync): store the
    figures as they count (``effective``) with the figures derived from recognition records in place (a
    typed value contradicting them is a 422: api/reports/derived.py), apply ``also`` (status changes),
    journal the change. Returns the report and its audited changes (empty when nothing changed)."""
    figures, errors = await derived.fill(session, unit, year, figures, loc=loc)
    if errors:
        raise ValidationFailed(_errors_detail(errors), errors=errors)
    before = None if report is None else await journal.snapshot(session, "report", report)
    if report is None:
        report = Report(unit_id=unit.id, year=year, status=ReportStatus.draft.value)
        session.add(report)
    stored = effective(figures)
    for name in FIGURE_NAMES:
        setattr(report, name, stored[name])
    if also is not None:
        also(report)
    await session.flush()
    changes = await journal.write(
        session,
        principal,
        action=action,
        kind="report",
        obj=report,
        before=before,
        unit_path=unit.path,
        always=action == "import",
    )
    return report, changes


async def unit_for(session: AsyncSession, principal: Principal, code: str, year: int) -> AnyRow:
    """The unit a report is filed on (the code read on 31 December of the year), inside the caller's scope."""
    unit = await units_service.resolve(session, code, year_end(year))
    if not scope.visible(principal, unit.path):
        raise NotFound(f"Không có báo cáo của đơn vị {code} năm {year}.")
    return unit


async def find(session: AsyncSession, unit_id: int, year: int, *, lock: bool = False) -> Report | None:
    stmt = select(Report).where(Report.unit_id == unit_id, Report.year == year)
    if lock:
        stmt = stmt.with_for_update()
    return await session.scalar(stmt)


async def get(session: AsyncSession, principal: Principal, code: str, year: int) -> tuple[Report, AnyRow]:
    unit = await unit_for(session, principal, code, year)
    report = await find(session, unit.id, year)
    if report is None:
        raise NotFound(f"Đơn vị {code} chưa có báo cáo năm {year}.")
    return report, unit


def check_draft(unit: AnyRow, figures: dict[str, int | None], shape_errors: list[ErrorItem]) -> None:
    """Every error of a draft at once: the fields of the wrong shape, and the rules on the fields that parsed."""
    errors = shape_errors + check(figures, level=unit.level, complete=False)
    if errors:
        raise ValidationFailed(_errors_detail(errors), errors=errors)


async def put_draft(
    session: AsyncSession, principal: Principal, code: str, year: int, figures: dict[str, int | None]
) -> tuple[Report, AnyRow, bool]:
    """Create or replace the draft; returns (report, unit, created). Approved and submitted reports are locked."""
    unit = await unit_for(session, principal, code, year)
    figures, errors = await derived.fill(session, unit, year, figures)
    errors += check(figures, level=unit.level, complete=False)
    if errors:
        raise ValidationFailed(_errors_detail(errors), errors=errors)
    report = await find(session, unit.id, year, lock=True)
    created = report is None
    if report is not None and report.status != ReportStatus.draft:
        raise Conflict(
            f"Báo cáo đang ở trạng thái {_STATUS_VI[report.status]}: cần mở lại trước khi sửa.",
            current_status=report.status,
        )
    action = "create" if created else "update"
    report, _ = await write_figures(session, principal, unit, year, report, figures, action=action)
    return report, unit, created


_STATUS_VI = {"draft": "nháp", "submitted": "đã nộp", "approved": "đã phê duyệt"}


def _errors_detail(errors: list[Any]) -> str:
    return f"Báo cáo có {len(errors)} lỗi: " + "; ".join(f"{e.loc[-1]}: {e.msg}" for e in errors)


async def transition(
    session: AsyncSession, principal: Principal, code: str, year: int, action: str, *, reason: str | None = None
) -> tuple[Report, AnyRow]:
    """Submit, approve or reopen; duties are checked before the state, so a refusal says who, not when."""
    report, unit = await get(session, principal, code, year)
    await session.refresh(report, with_for_update=True)
    before = await journal.snapshot(session, "report", report)
    if action == "submit":
        _submit(principal, report, unit)
    elif action == "approve":
        await duties.check_approver(session, principal, unit, report, action=action)
        _approve(principal, report, reason)
    elif action == "reopen":
        await duties.check_approver(session, principal, unit, report, action=action)
        _reopen(report, reason)
    await session.flush()
    await journal.write(
        session, principal, action=action, kind="report", obj=report, before=before, unit_path=unit.path
    )
    return report, unit


def _submit(principal: Principal, report: Report, unit: AnyRow) -> None:
    duties.check_submitter(principal, unit)
    status = ReportStatus(report.status)
    if status is not ReportStatus.draft:
        raise Conflict(f"Chỉ nộp được báo cáo nháp; báo cáo này {_STATUS_VI[status]}.", current_status=status.value)
    errors = check(figures_of(report), level=unit.level, complete=True, loc="report")
    if errors:
        raise ValidationFailed(_errors_detail(errors), errors=errors)
    report.status, report.submitted_at, report.submitted_by = ReportStatus.submitted.value, utcnow(), principal.name
    report.submitted_by_key = duties.principal_key(principal)


def _approve(principal: Principal, report: Report, reason: str | None) -> None:
    status = ReportStatus(report.status)
    if status is not ReportStatus.submitted:
        raise Conflict(
            f"Chỉ phê duyệt được báo cáo đã nộp; báo cáo này {_STATUS_VI[status]}.", current_status=status.value
        )
    report.status, report.approved_at, report.approved_by = ReportStatus.approved.value, utcnow(), principal.name
    report.approval_reason, report.reopen_reason = reason, None


def _reopen(report: Report, reason: str | None) -> None:
    status = ReportStatus(report.status)
    if status is ReportStatus.draft:
        raise Conflict("Báo cáo đang là nháp, không cần mở lại.", current_status=status.value)
    report.status, report.approved_at, report.approved_by = ReportStatus.draft.value, None, None
    report.submitted_at = report.submitted_by = report.submitted_by_key = None
    report.approval_reason, report.reopen_reason = None, reason


async def list_reports(
    session: AsyncSession,
    principal: Principal,
    page: PageParams,
    *,
    year: int | None,
    unit: dating.UnitFilter | None,
    status: ReportStatus | None,
    awaiting_me: bool = False,
) -> tuple[list[ReportOut], str | None]:
    stmt = select(Report, Unit).join(Unit, Unit.id == Report.unit_id).where(scope.condition(principal, Unit.path))
    if awaiting_me:
        stmt = stmt.where(*await duties.awaiting_conditions(session, principal))
    if year is not None:
        stmt = stmt.where(Report.year == year)
    if unit is not None:
        stmt = stmt.where(unit.condition(Unit.path))
    if status is not None:
        stmt = stmt.where(Report.status == status.value)
    rows, cursor = await paginate_rows(session, stmt, order=[Report.id], page=page)
    return [to_out(r[0], r[1]) for r in rows], cursor


async def history(session: AsyncSession, report: Report) -> list[ReportHistoryEntry]:
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.entity == "report", AuditEntry.entity_id == str(report.id))
        .order_by(AuditEntry.id)
    )
    entries = (await session.scalars(stmt)).all()
    return [
        ReportHistoryEntry(at=e.at, actor_name=e.actor_name, action=e.action, reason=_reason(changes), changes=changes)
        for e, changes in zip(entries, await journal.trail(session, entries), strict=True)
    ]


def _reason(changes: dict[str, Any]) -> str | None:
    """The reason an approval or reopening gave: the report's own reason field, as the journal recorded it."""
    for name in ("reason", "reopen_reason", "approval_reason"):
        given = changes.get(name)
        if isinstance(given, list) and len(given) == 2 and isinstance(given[1], str):
            return given[1]
    return None
