"""Separation of duties in the report workflow: who may submit, approve and reopen a unit's report.

A report is submitted by its own unit (its editors and admins, or a partner key whose scope holds
the unit), and approved or reopened from a unit strictly above it *on the report's own map* (the
units as they stood on 31 December of its year), by someone other than its submitter. Above on
that map means the approver's unit path is a strict prefix of the report's unit path (paths carry
their map, "vn-pre-2025:34/336/"): the successor of a merged province (new Hưng Yên) sees old
Thái Bình's reports through its scope, but did not stand above them.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import scope
from api.auth.principal import Principal
from api.auth.scopes import Role, Scope
from api.core.errors import Forbidden
from api.db.base import AnyRow
from api.models import Report, ReportStatus, Unit


class NotOwnUnit(Forbidden):
    slug = "report-submit-not-own-unit"


class NotAbove(Forbidden):
    slug = "report-approver-not-above"


class OwnSubmission(Forbidden):
    slug = "report-self-approval"


def principal_key(principal: Principal) -> str:
    return f"{principal.kind}:{principal.id}"


def check_submitter(principal: Principal, unit: AnyRow) -> None:
    if principal.unit_id is not None and principal.unit_id == unit.id:
        return
    if principal.role is Role.partner and scope.visible(principal, unit.path):
        return
    raise NotOwnUnit("Chỉ cán bộ của chính đơn vị (hoặc khoá đối tác của đơn vị) mới nộp được báo cáo này.")


async def is_above(session: AsyncSession, principal: Principal, unit: AnyRow) -> bool:
    """Whether the principal's unit is a strict ancestor of the report's unit (the country is above all)."""
    if principal.unit_id is None:
        return True
    own = await session.scalar(select(Unit.path).where(Unit.id == principal.unit_id))
    return own is not None and own != unit.path and unit.path.startswith(own)


async def check_approver(
    session: AsyncSession, principal: Principal, unit: AnyRow, report: Report, *, action: str
) -> None:
    if not await is_above(session, principal, unit):
        raise NotAbove(
            "Báo cáo phải được đơn vị cấp trên trực tiếp hoặc gián tiếp (theo địa giới của năm báo cáo) "
            + ("phê duyệt." if action == "approve" else "mở lại.")
        )
    if action == "approve" and _submitted_by(principal, report):
        raise OwnSubmission("Người nộp báo cáo không được tự phê duyệt báo cáo đó.")


def _submitted_by(principal: Principal, report: Report) -> bool:
    if report.submitted_by_key is not None:
        return report.submitted_by_key == principal_key(principal)
    # Reports submitted before identities were kept: the name is all there is.
    return report.submitted_by == principal.name


async def awaiting_conditions(session: AsyncSession, principal: Principal) -> list[ColumnElement[bool]]:
    """The approval inbox as SQL: the reports `check_approver` would let this principal approve now."""
    if not principal.has(Scope.reports_approve):
        return [false()]
    conditions: list[ColumnElement[bool]] = [Report.status == ReportStatus.submitted.value]
    if principal.unit_id is not None:
        own = await session.scalar(select(Unit.path).where(Unit.id == principal.unit_id))
        if own is None:
            return [false()]
        conditions += [Unit.path.startswith(own, autoescape=True), Unit.path != own]
    conditions.append(
        or_(
            and_(Report.submitted_by_key.is_not(None), Report.submitted_by_key != principal_key(principal)),
            and_(
                Report.submitted_by_key.is_(None),
                or_(Report.submitted_by.is_(None), Report.submitted_by != principal.name),
            ),
        )
    )
    return conditions
