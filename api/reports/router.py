"""Annual reports: /api/v1/reports."""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter, File, Path, Query, Request, Response, UploadFile

from api.auth import scope
from api.auth.dependencies import ReportsApprove, ReportsPublish, ReportsRead, ReportsWrite, StatsRead
from api.auth.principal import Principal
from api.core import language, spreadsheet
from api.core.errors import ErrorItem, PayloadTooLarge, PreconditionFailed, ValidationFailed, problem_responses
from api.core.pagination import Page, PageDep
from api.core.representation import FormatDep, OutputFormat, check_if_match, make_etag, represent
from api.core.text import UNIT_CODE_PATTERN, IsoDate, today_vn
from api.db.engine import SessionDep
from api.models import ReportStatus
from api.public import publications
from api.public.schemas import PublicationOut, UnpublishIn
from api.reports import derived, excel, imports, reconciliation, service
from api.reports.excel import XLSX_MEDIA_TYPE
from api.reports.schemas import ApproveIn, ImportResult, ReopenIn, ReportHistoryEntry, ReportIn, ReportOut
from api.stats import service as stats_service
from api.stats.indicators import BY_NAME, INDICATORS
from api.stats.schemas import Rate
from api.units import dating
from api.units import service as units_service
from api.units.schemas import UnitCodePath

router = APIRouter(prefix="/reports", tags=["reports"])

Year = Annotated[int, Path(ge=1990, le=2100, description="Year of the figures.")]
MAX_UPLOAD = 20 * 1024 * 1024


def _respond(request: Request, report: object, unit: object, status_code: int = 200) -> Response:
    out = service.to_out(report, unit)  # type: ignore[arg-type]
    return represent(request, out, etag=service.etag_key(report), status_code=status_code)  # type: ignore[arg-type]


@router.get("", response_model=Page[ReportOut], responses=problem_responses(401, 403, 422))
async def list_reports(
    request: Request,
    session: SessionDep,
    principal: ReportsRead,
    page: PageDep,
    fmt: FormatDep,
    year: Annotated[int | None, Query(ge=1990, le=2100, description="Only this year.")] = None,
    unit: Annotated[
        str | None,
        Query(
            pattern=UNIT_CODE_PATTERN,
            description="This unit's subtree and the units it was formed from (with year: that year's, as /stats).",
        ),
    ] = None,
    as_of: Annotated[
        IsoDate | None, Query(description="Date unit is read on (default today's map, and the year's own).")
    ] = None,
    status: Annotated[ReportStatus | None, Query(description="Only reports in this state.")] = None,
    awaiting: Annotated[
        Literal["me"] | None,
        Query(
            description="`me`: only the submitted reports waiting for your decision (units strictly below yours "
            "on the report's map, not submitted by you; empty without the reports:approve scope)."
        ),
    ] = None,
    exact: Annotated[
        bool,
        Query(
            description="With unit and year: only that unit's own report (its code read on 31 December of the year, "
            "as GET /reports/{unit}/{year} reads it), an empty list when it has none yet: asking without a 404."
        ),
    ] = False,
) -> Response:
    """Reports inside your unit scope, filtered by year, unit subtree and state."""
    if exact:
        return await _exact(request, session, principal, unit, year, fmt)
    place = await dating.resolve_filter(session, unit, as_of=as_of, year=year) if unit is not None else None
    items, cursor = await service.list_reports(
        session, principal, page, year=year, unit=place, status=status, awaiting_me=awaiting == "me"
    )
    result = Page[ReportOut](items=items, next_cursor=cursor)
    return represent(request, result, fmt=fmt, csv_rows=(ReportOut, items))


async def _exact(
    request: Request, session: SessionDep, principal: Principal, unit: str | None, year: int | None, fmt: OutputFormat
) -> Response:
    """``?exact=true``: the unit's own report of the year, or none (the unit read as the GET of one reads it; a
    code that names no unit that year, or a unit outside your scope, has none, as in every list)."""
    if unit is None or year is None:
        missing = [name for name, v in (("unit", unit), ("year", year)) if v is None]
        raise ValidationFailed(
            "Cần cả unit và year khi exact=true.",
            errors=[ErrorItem(loc=["query", n], msg="Cần khi exact=true", type="missing") for n in missing],
        )
    day = dating.year_end(year)
    row = (await dating.resolve_many(session, {(unit, day)})).get((unit, day))
    report = (
        await service.find(session, row.id, year) if row is not None and scope.visible(principal, row.path) else None
    )
    items = [service.to_out(report, row)] if report is not None else []
    return represent(request, Page[ReportOut](items=items, next_cursor=None), fmt=fmt, csv_rows=(ReportOut, items))


@router.get(
    "/template.xlsx",
    response_class=Response,
    responses={
        200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "The import template"},
        **problem_responses(401, 403, 422),
    },
)
async def import_template(
    session: SessionDep,
    principal: ReportsWrite,
    year: Annotated[
        int | None,
        Query(ge=1990, le=2100, description="The units offered are those of this year's map (default today's)."),
    ] = None,
) -> Response:
    """An Excel file with the columns the report import reads (codes and Vietnamese labels), a drop-down of the
    units of your scope (when they are a few thousand at most) and each figure checked as a whole number."""
    day = dating.year_end(year) if year is not None else today_vn()
    units = await units_service.template_choices(session, principal, day)
    return _xlsx(excel.template_workbook(units), "mau-bao-cao-nam.xlsx")


@router.post("/imports", response_model=ImportResult, responses=problem_responses(401, 403, 413, 422))
async def import_reports(
    request: Request,
    session: SessionDep,
    principal: ReportsWrite,
    file: Annotated[
        UploadFile, File(description="An .xlsx file: a header row (unit_code and figures), then one row per unit.")
    ],
    year: Annotated[int, Query(ge=1990, le=2100, description="Year of the reports.")],
    dry_run: Annotated[bool, Query(description="Only check the file; save nothing.")] = False,
) -> ImportResult:
    """Import many units' draft reports from Excel: all rows or none; every bad cell named by row and column
    (in English when Accept-Language asks for it; each error's `type` stays the same)."""
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise PayloadTooLarge(f"Tệp lớn hơn {MAX_UPLOAD // (1024 * 1024)} MB.")
    spreadsheet.guard(data)  # 413 for a zip bomb, before anything is inflated
    parsed = await asyncio.to_thread(excel.read_import, data)  # seconds of CPU for a large file: off the event loop
    try:
        return await imports.import_reports(session, principal, year, parsed, dry_run=dry_run)
    except ValidationFailed as exc:
        lang = language.choose(request.headers.get("accept-language"))
        if lang == language.VIETNAMESE:
            raise
        errors = [e.model_copy(update={"msg": language.english(e.msg)}) for e in exc.errors or []]
        raise ValidationFailed(language.english(exc.detail), errors=errors) from None


@router.get(
    "/{unit_code}/{year}/summary.xlsx",
    response_class=Response,
    responses={
        200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "The summary workbook"},
        **problem_responses(401, 403, 404, 422),
    },
)
async def summary_xlsx(
    session: SessionDep,
    _: StatsRead,
    unit_code: UnitCodePath,
    year: Year,
    as_of: Annotated[IsoDate | None, Query(description="Date the unit code is read on (default as in /stats).")] = None,
) -> Response:
    """The figures of a unit and of each of its children (approved reports) as an Excel workbook."""
    place, rows = await stats_service.summary_rows(session, code=unit_code, year=year, as_of=as_of)
    rates = {i.name: i.label for i in INDICATORS if i.kind == "rate"}
    table = []
    for n, (p, totals) in enumerate(rows):
        values = {name: stats_service.value_of(BY_NAME[name], totals) for name in rates}
        table.append(
            excel.SummaryRow(
                code=p.code,
                name=p.name,
                covered=totals.covered,
                expected=totals.expected,
                figures=totals.figures,
                rates={k: (v.value if isinstance(v, Rate) else None) for k, v in values.items()},
                bold=n == 0,
            )
        )
    title = f"Số liệu khuyến học năm {year} — {place.name} (báo cáo đã phê duyệt)"
    return _xlsx(excel.summary_workbook(title, rates, table), f"tong-hop-{place.code}-{year}.xlsx")


def _xlsx(data: bytes, filename: str) -> Response:
    return Response(
        data, media_type=excel.XLSX_MEDIA_TYPE, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@router.get(
    "/{unit_code}/{year}/reconciliation",
    response_model=reconciliation.Reconciliation,
    responses=problem_responses(401, 403, 404, 422),
)
async def reconcile(
    request: Request, session: SessionDep, principal: ReportsRead, unit_code: UnitCodePath, year: Year, fmt: FormatDep
) -> Response:
    """Each figure the registries can derive, beside the report's (members, branches, funds, awards, …)."""
    unit = await service.unit_for(session, principal, unit_code, year)
    report = await service.find(session, unit.id, year)
    registry = await reconciliation.registry_figures(session, unit.path, year)
    result = reconciliation.Reconciliation(
        unit_code=unit.code,
        year=year,
        report_status=report.status if report else None,
        items=reconciliation.compare(service.figures_of(report) if report else {}, registry),
    )
    return represent(request, result, fmt=fmt, csv_rows=(reconciliation.ReconciliationItem, result.items))


@router.post(
    "/{unit_code}/{year}/prefill",
    response_model=ReportOut,
    responses={201: {"model": ReportOut, "description": "Created"}, **problem_responses(401, 403, 404, 409, 412, 422)},
)
async def prefill(
    request: Request, session: SessionDep, principal: ReportsWrite, unit_code: UnitCodePath, year: Year
) -> Response:
    """Fill the draft's registry-derived figures from the registries (other figures stay as they are)."""
    unit = await service.unit_for(session, principal, unit_code, year)
    existing = await service.find(session, unit.id, year)
    if existing is not None:
        check_if_match(request, make_etag(service.etag_key(existing), "json"))
    figures = service.figures_of(existing) if existing else {}
    figures |= await reconciliation.registry_figures(session, unit.path, year)
    report, unit, created = await service.put_draft(session, principal, unit_code, year, figures)
    return _respond(request, report, unit, 201 if created else 200)


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
    # The figures that follow the recognition records: empty is filled in, another value is refused.
    figures, derived_errors = await derived.fill(session, unit, year, body.model_dump())
    service.check_draft(unit, figures, body.shape_errors + derived_errors)
    existing = await service.find(session, unit.id, year)
    if existing is not None:
        check_if_match(request, make_etag(service.etag_key(existing), "json"))
    elif request.headers.get("if-match", "*").strip() != "*":
        raise PreconditionFailed("Báo cáo chưa tồn tại, không khớp If-Match.")
    report, unit, created = await service.put_draft(session, principal, unit_code, year, figures)
    return _respond(request, report, unit, 201 if created else 200)


@router.get(
    "/{unit_code}/{year}/history",
    response_model=Page[ReportHistoryEntry],
    responses=problem_responses(401, 403, 404, 422),
)
async def report_history(
    session: SessionDep, principal: ReportsRead, unit_code: UnitCodePath, year: Year
) -> Page[ReportHistoryEntry]:
    """Every change and workflow step of the report, from the audit trail (one page)."""
    report, _ = await service.get(session, principal, unit_code, year)
    return Page(items=await service.history(session, report), next_cursor=None)


async def _transition(
    request: Request,
    session: SessionDep,
    principal: object,
    code: str,
    year: int,
    action: str,
    reason: str | None = None,
) -> Response:
    report, unit = await service.get(session, principal, code, year)  # type: ignore[arg-type]
    check_if_match(request, make_etag(service.etag_key(report), "json"))
    report, unit = await service.transition(session, principal, code, year, action, reason=reason)  # type: ignore[arg-type]
    return _respond(request, report, unit)


@router.post(
    "/{unit_code}/{year}/submit", response_model=ReportOut, responses=problem_responses(401, 403, 404, 409, 412, 422)
)
async def submit_report(
    request: Request, session: SessionDep, principal: ReportsWrite, unit_code: UnitCodePath, year: Year
) -> Response:
    """Submit the draft for approval (its own unit's editors or partner key; every figure and rule checked)."""
    return await _transition(request, session, principal, unit_code, year, "submit")


@router.post(
    "/{unit_code}/{year}/approve", response_model=ReportOut, responses=problem_responses(401, 403, 404, 409, 412, 422)
)
async def approve_report(
    request: Request,
    session: SessionDep,
    principal: ReportsApprove,
    unit_code: UnitCodePath,
    year: Year,
    body: ApproveIn | None = None,
) -> Response:
    """Approve a submitted report (a unit above it on its year's map, never its submitter); locked until reopened."""
    reason = body.reason if body is not None else None
    return await _transition(request, session, principal, unit_code, year, "approve", reason)


@router.post(
    "/{unit_code}/{year}/reopen", response_model=ReportOut, responses=problem_responses(401, 403, 404, 409, 412, 422)
)
async def reopen_report(
    request: Request,
    session: SessionDep,
    principal: ReportsApprove,
    unit_code: UnitCodePath,
    year: Year,
    body: ReopenIn,
) -> Response:
    """Reopen a submitted or approved report as a draft (a unit above it), with the reason the unit will see."""
    return await _transition(request, session, principal, unit_code, year, "reopen", body.reason)


@router.post(
    "/{unit_code}/{year}/publish",
    response_model=PublicationOut,
    responses={
        201: {"model": PublicationOut, "description": "Published"},
        **problem_responses(401, 403, 404, 409, 422),
    },
)
async def publish_year(session: SessionDep, principal: ReportsPublish, unit_code: UnitCodePath, year: Year) -> Response:
    """Make the unit's year open data (an admin of the unit or above; approved figures only): its figures and
    those of the units under it down to the communes answer /api/v1/public. 201 published, 200 already was."""
    publication, unit, created = await publications.publish(session, principal, unit_code, year)
    out = PublicationOut(
        unit_code=unit.code,
        unit_name=unit.name,
        unit_level=unit.level,
        year=publication.year,
        published_at=publication.published_at,
    )
    return Response(out.model_dump_json(), status_code=201 if created else 200, media_type="application/json")


@router.delete(
    "/{unit_code}/{year}/publish",
    status_code=204,
    response_class=Response,
    responses=problem_responses(401, 403, 404, 422),
)
async def unpublish_year(
    session: SessionDep,
    principal: ReportsPublish,
    unit_code: UnitCodePath,
    year: Year,
    body: UnpublishIn | None = None,
) -> Response:
    """Withdraw the unit's year from the open data (audited, with the reason when given): the next public
    request no longer has it."""
    await publications.unpublish(session, principal, unit_code, year, reason=body.reason if body else None)
    return Response(status_code=204)
