"""Annual reports: /api/v1/reports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from api.auth.dependencies import ReportsApprove, ReportsRead, ReportsWrite
from api.core.errors import PreconditionFailed, problem_responses
from api.core.pagination import Page, PageDep
from api.core.representation import FormatDep, check_if_match, make_etag, represent
from api.db.engine import SessionDep
from api.models import ReportStatus
from api.reports import service
from api.reports.schemas import ReportHistoryEntry, ReportIn, ReportOut
from api.units import service as units_service
from api.units.schemas import UnitCodePath

router = APIRouter(prefix="/reports", tags=["reports"])

Year = Annotated[int, Path(ge=1990, le=2100, description="Year of the figures.")]


def _respond(request: Request, report: object, unit: object, status_code: int = 200) -> Response:
    response = represent(request, service.to_out(report, unit), etag=service.etag_key(report))  # type: ignore[arg-type]
    response.status_code = status_code
    return response


@router.get("", response_model=Page[ReportOut], responses=problem_responses(401, 403, 422))
async def list_reports(
    request: Request,
    session: SessionDep,
    principal: ReportsRead,
    page: PageDep,
    fmt: FormatDep,
    year: Annotated[int | None, Query(ge=1990, le=2100, description="Only this year.")] = None,
    unit: Annotated[
        str | None, Query(pattern=r"^\d{2,5}(-[0-9A-Za-z]{1,12})?$", description="Only this unit's subtree.")
    ] = None,
    status: Annotated[ReportStatus | None, Query(description="Only reports in this state.")] = None,
) -> Response:
    """Reports inside your unit scope, filtered by year, unit subtree and state."""
    unit_path = None
    if unit is not None:
        day = service.year_end(year) if year else None
        unit_path = (await units_service.resolve_for_filter(session, unit, day)).path
    items, cursor = await service.list_reports(session, principal, page, year=year, unit_path=unit_path, status=status)
    result = Page[ReportOut](items=items, next_cursor=cursor)
    return represent(request, result, fmt=fmt, csv_rows=(ReportOut, items))


@router.get("/{unit_code}/{year}", response_model=ReportOut, responses=problem_responses(401, 403, 404, 422))
async def get_report(
    request: Request, session: SessionDep, principal: ReportsRead, unit_code: UnitCodePath, year: Year, fmt: FormatDep
) -> Response:
    """The annual report of a unit for a year (the code is read on 31 December of that year)."""
    report, unit = await service.get(session, principal, unit_code, year)
    return represent(request, service.to_out(report, unit), fmt=fmt, etag=service.etag_key(report))


@router.put(
    "/{unit_code}/{year}",
    response_model=ReportOut,
    responses={201: {"model": ReportOut, "description": "Created"}, **problem_responses(401, 403, 404, 409, 412, 422)},
)
async def put_report(
    request: Request, session: SessionDep, principal: ReportsWrite, unit_code: UnitCodePath, year: Year, body: ReportIn
) -> Response:
    """Create or replace the draft report (201 created, 200 replaced). Honours If-Match; every violation is listed."""
    unit = await service.unit_for(session, principal, unit_code, year)
    existing = await service.find(session, unit.id, year)
    if existing is not None:
        check_if_match(request, make_etag(service.etag_key(existing), "json"))
    elif request.headers.get("if-match", "*").strip() != "*":
        raise PreconditionFailed("Báo cáo chưa tồn tại, không khớp If-Match.")
    report, unit, created = await service.put_draft(session, principal, unit_code, year, body.model_dump())
    return _respond(request, report, unit, 201 if created else 200)


@router.get(
    "/{unit_code}/{year}/history",
    response_model=list[ReportHistoryEntry],
    responses=problem_responses(401, 403, 404, 422),
)
async def report_history(
    session: SessionDep, principal: ReportsRead, unit_code: UnitCodePath, year: Year
) -> list[ReportHistoryEntry]:
    """Every change and workflow step of the report, from the audit trail."""
    report, _ = await service.get(session, principal, unit_code, year)
    return await service.history(session, report)


async def _transition(
    request: Request, session: SessionDep, principal: object, code: str, year: int, action: str
) -> Response:
    report, unit = await service.get(session, principal, code, year)  # type: ignore[arg-type]
    check_if_match(request, make_etag(service.etag_key(report), "json"))
    report, unit = await service.transition(session, principal, code, year, action)  # type: ignore[arg-type]
    return _respond(request, report, unit)


@router.post(
    "/{unit_code}/{year}/submit", response_model=ReportOut, responses=problem_responses(401, 403, 404, 409, 412, 422)
)
async def submit_report(
    request: Request, session: SessionDep, principal: ReportsWrite, unit_code: UnitCodePath, year: Year
) -> Response:
    """Submit the draft for approval (every figure required, every rule checked)."""
    return await _transition(request, session, principal, unit_code, year, "submit")


@router.post(
    "/{unit_code}/{year}/approve", response_model=ReportOut, responses=problem_responses(401, 403, 404, 409, 412, 422)
)
async def approve_report(
    request: Request, session: SessionDep, principal: ReportsApprove, unit_code: UnitCodePath, year: Year
) -> Response:
    """Approve a submitted report (editors and admins of a unit above). It is then locked until reopened."""
    return await _transition(request, session, principal, unit_code, year, "approve")


@router.post(
    "/{unit_code}/{year}/reopen", response_model=ReportOut, responses=problem_responses(401, 403, 404, 409, 412, 422)
)
async def reopen_report(
    request: Request, session: SessionDep, principal: ReportsApprove, unit_code: UnitCodePath, year: Year
) -> Response:
    """Reopen a submitted or approved report as a draft (approvers and admins)."""
    return await _transition(request, session, principal, unit_code, year, "reopen")
