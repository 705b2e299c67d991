"""Partner deletes by external id: a tombstone on the feed, If-Match honoured, only the partner's own records."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api import journal
from api.auth import scope
from api.auth.principal import Principal
from api.auth.scopes import Scope
from api.awards import service as awards
from api.core.errors import Conflict, NotFound
from api.models import Award, Report, ReportStatus, Unit
from api.registries import kit
from api.reports import service as reports
from api.sync import money
from api.sync.service import REGISTRIES, check_if_match


def _gone(external_id: str) -> NotFound:
    # One answer for "never sent", "already deleted", "another partner's" and "outside your unit": a partner
    # must not learn which ids exist elsewhere.
    return scope.not_found(f"Không có bản ghi {external_id} của hệ thống bạn.")


async def delete(
    session: AsyncSession, principal: Principal, resource: str, external_id: str, if_match: str | None
) -> None:
    if resource == "fund_entries":
        await money.delete(session, principal, external_id, if_match)
        return
    if resource == "reports":
        await _delete_report(session, principal, external_id, if_match)
        return
    if resource == "awards":
        award = await session.scalar(
            select(Award).where(Award.partner == principal.partner, Award.external_id == external_id)
        )
        if award is None:
            raise _gone(external_id)
        scope.require(principal, award.unit_path, _gone(external_id))
        check_if_match(if_match, awards.REGISTRY.etag_key(award))
        await awards.delete(session, principal, award)
        return
    reg = REGISTRIES[resource][0]
    obj = await session.scalar(
        select(reg.model).where(reg.model.partner == principal.partner, reg.model.external_id == external_id)
    )
    if obj is None:
        raise _gone(external_id)
    scope.require(principal, obj.unit_path, _gone(external_id))
    check_if_match(if_match, reg.etag_key(obj))
    await kit.delete(session, principal, reg, obj)


async def _delete_report(session: AsyncSession, principal: Principal, external_id: str, if_match: str | None) -> None:
    report = await session.scalar(
        select(Report).where(Report.partner == principal.partner, Report.external_id == external_id)
    )
    if report is None:
        raise _gone(external_id)
    path = await session.scalar(select(Unit.path).where(Unit.id == report.unit_id))
    scope.require(principal, path, _gone(external_id))
    check_if_match(if_match, reports.etag_key(report))
    # As for a replace: an approved report counts in the statistics; only a key that may approve may withdraw it.
    if report.status == ReportStatus.approved and not principal.has(Scope.reports_approve):
        raise Conflict("Báo cáo đã phê duyệt: cần quyền reports:approve hoặc mở lại trước khi xoá.")
    before = await journal.snapshot(session, "report", report)
    await journal.write(
        session, principal, action="delete", kind="report", obj=report, before=before, delete=True, unit_path=path
    )
    await session.delete(report)
    await session.flush()
