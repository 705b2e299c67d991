"""Partner upserts by external id: 201 created, 200 replaced; If-Match; only inside the partner's scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.activities.registry import REGISTRY as ACTIVITIES
from api.activities.registry import ActivityIn
from api.associations.registry import REGISTRY as ASSOCIATIONS
from api.associations.registry import AssociationIn
from api.auth import scope
from api.auth.principal import Principal
from api.auth.scopes import Scope
from api.awards import service as awards
from api.awards.schemas import AwardIn, AwardUpdate
from api.commendations.registry import REGISTRY as COMMENDATIONS
from api.commendations.registry import CommendationIn
from api.core.errors import (
    Conflict,
    ErrorItem,
    Forbidden,
    PreconditionFailed,
    ValidationFailed,
    validation_items,
)
from api.core.representation import make_etag
from api.db.base import utcnow
from api.funds.registry import REGISTRY as FUNDS
from api.funds.registry import FundIn
from api.inspections.registry import REGISTRY as INSPECTIONS
from api.inspections.registry import InspectionIn
from api.models import Award, Report, ReportStatus
from api.partnerships.registry import REGISTRY as PARTNERSHIPS
from api.partnerships.registry import PartnershipIn
from api.recognition.schemas import RegistrationIn
from api.recognition.service import REGISTRATIONS as RECOGNITION
from api.registries import kit
from api.reports import derived
from api.reports import service as reports
from api.reports.fields import FIGURE_NAMES
from api.reports.validation import check
from api.sync.schemas import ReportSync
from api.units import dating

REGISTRIES: dict[str, tuple[kit.Registry[Any], type[kit.RecordIn]]] = {
    "associations": (ASSOCIATIONS, AssociationIn),
    "funds": (FUNDS, FundIn),
    "commendations": (COMMENDATIONS, CommendationIn),
    "inspections": (INSPECTIONS, InspectionIn),
    "partnerships": (PARTNERSHIPS, PartnershipIn),
    "activities": (ACTIVITIES, ActivityIn),
    "recognition-registrations": (RECOGNITION, RegistrationIn),
}
# fund_entries: ledger entries, append-only (api/sync/money.py).
RESOURCES = ("reports", "awards", *REGISTRIES, "fund_entries")
FEED_TYPES = (
    "report",
    "award",
    "fund_entry",
    "association_year",
    "recognition_decision",
    *(r.entity for r, _ in REGISTRIES.values()),
)


ParsedT = TypeVar("ParsedT", bound=BaseModel)


@dataclass
class Upserted:
    id: int
    etag: str
    created: bool
    out: BaseModel


def _parse(schema: type[ParsedT], data: dict[str, Any], loc: str) -> ParsedT:
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        items = validation_items(exc.errors())
        for item in items:
            item.loc = [loc, *item.loc]
        raise ValidationFailed(
            "Dữ liệu không hợp lệ: " + ", ".join(".".join(map(str, i.loc)) for i in items), errors=items
        ) from exc


def check_if_match(if_match: str | None, key: str) -> None:
    if if_match and if_match.strip() != "*":
        tags = {t.strip().removeprefix("W/") for t in if_match.split(",")}
        if make_etag(key, "json") not in tags:
            raise PreconditionFailed("Bản ghi đã thay đổi từ lần đồng bộ trước.", current_etag=make_etag(key, "json"))


async def upsert(
    session: AsyncSession,
    principal: Principal,
    resource: str,
    external_id: str,
    data: dict[str, Any],
    if_match: str | None,
    loc: str = "body",
    *,
    pay: bool = True,
) -> Upserted:
    if resource == "reports":
        return await _upsert_report(session, principal, external_id, data, if_match, loc)
    if resource == "awards":
        return await _upsert_award(session, principal, external_id, data, if_match, loc, pay=pay)
    reg, schema = REGISTRIES[resource]
    parsed = _parse(schema, {**data, "external_id": external_id}, loc)
    obj = await session.scalar(
        select(reg.model).where(reg.model.partner == principal.partner, reg.model.external_id == external_id)
    )
    if obj is None:
        obj = await kit.create(session, principal, reg, parsed)
        created = True
    else:
        scope.require(principal, obj.unit_path, scope.not_found(f"Không có bản ghi {external_id}."))
        check_if_match(if_match, reg.etag_key(obj))
        obj = await kit.update(session, principal, reg, obj, parsed, replace=True)
        created = False
    await session.flush()
    return Upserted(obj.id, make_etag(reg.etag_key(obj), "json"), created, (await kit.to_out(session, reg, [obj]))[0])


async def _upsert_award(
    session: AsyncSession,
    principal: Principal,
    external_id: str,
    data: dict[str, Any],
    if_match: str | None,
    loc: str,
    *,
    pay: bool = True,  # False: a mirror copy, whose disbursement arrives as its own fund entry
) -> Upserted:
    parsed = _parse(AwardIn, {**data, "external_id": external_id}, loc)
    award = await session.scalar(
        select(Award).where(Award.partner == principal.partner, Award.external_id == external_id)
    )
    if award is None:
        award, created = await awards.create(session, principal, parsed, pay=pay), True
    else:
        scope.require(principal, award.unit_path, scope.not_found(f"Không có bản ghi {external_id}."))
        check_if_match(if_match, awards.REGISTRY.etag_key(award))
        fields = parsed.model_dump(include=set(AwardUpdate.model_fields))
        award, created = await awards.update(session, principal, award, AwardUpdate(**fields)), False
    await session.flush()
    return Upserted(
        award.id,
        make_etag(awards.REGISTRY.etag_key(award), "json"),
        created,
        (await awards.to_out(session, [award]))[0],
    )


async def _upsert_report(
    session: AsyncSession, principal: Principal, external_id: str, data: dict[str, Any], if_match: str | None, loc: str
) -> Upserted:
    parsed = _parse(ReportSync, data, loc)
    unit = await dating.resolve(
        session, dating.UnitRef(parsed.unit_code, dating.year_end(parsed.year), (loc, "unit_code"))
    )
    scope.require_unit(principal, unit.path, parsed.unit_code, field="unit_code", loc=loc)
    if parsed.status == ReportStatus.approved and not principal.has(Scope.reports_approve):
        raise Forbidden("Khoá này không được gửi báo cáo đã phê duyệt (cần quyền reports:approve).")
    figures, errors = await derived.fill(
        session, unit, parsed.year, {n: getattr(parsed, n) for n in FIGURE_NAMES}, loc=loc
    )
    errors += check(figures, level=unit.level, complete=parsed.status != "draft", loc=loc)
    if errors:
        raise ValidationFailed(f"Báo cáo có {len(errors)} lỗi.", errors=errors)
    report = await session.scalar(
        select(Report).where(Report.partner == principal.partner, Report.external_id == external_id)
    )
    if report is None:  # a report of the same unit and year is the same report
        report = await reports.find(session, unit.id, parsed.year, lock=True)
        if report is not None and report.partner is not None and report.partner != principal.partner:
            raise Conflict(f"Báo cáo {parsed.unit_code}/{parsed.year} do hệ thống khác gửi ({report.partner}).")
    created = report is None
    if report is not None:
        check_if_match(if_match, reports.etag_key(report))
        if report.status == ReportStatus.approved and not principal.has(Scope.reports_approve):
            raise Conflict("Báo cáo đã phê duyệt: cần mở lại trước khi gửi lại.")
        if report.unit_id != unit.id or report.year != parsed.year:
            raise Conflict("Mã ngoài này đã dùng cho báo cáo của đơn vị hoặc năm khác.")
    previous = None if report is None else report.status

    def take_status(report: Report) -> None:
        now = utcnow()
        report.partner, report.external_id, report.status = principal.partner, external_id, parsed.status
        # Times and names change with the status only: sending the same report again changes nothing (same ETag).
        if parsed.status == "draft":
            report.submitted_at = report.submitted_by = report.submitted_by_key = None
        elif previous in (None, "draft"):
            report.submitted_at, report.submitted_by = now, principal.name
            report.submitted_by_key = f"{principal.kind}:{principal.id}"
        if parsed.status != "approved":
            report.approved_at = report.approved_by = report.approval_reason = None
        elif previous != "approved":
            report.approved_at, report.approved_by = now, principal.name

    report, _ = await reports.write_figures(
        session, principal, unit, parsed.year, report, figures, action="sync", also=take_status, loc=loc
    )
    return Upserted(report.id, make_etag(reports.etag_key(report), "json"), created, reports.to_out(report, unit))


def unknown_resource(resource: str) -> ValidationFailed:
    return ValidationFailed(
        f"Không đồng bộ được loại {resource}.",
        errors=[ErrorItem(loc=["path", "resource"], msg=f"Chọn một trong: {', '.join(RESOURCES)}", type="enum")],
    )
