"""Recognition of learning families, clans, communities, units and citizens: /api/v1/recognition/…"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, Response, UploadFile
from pydantic import Field

from api.auth.dependencies import CategoriesWrite, CurrentPrincipal, RegistriesRead, RegistriesWrite, UsersAdmin
from api.core import spreadsheet
from api.core.errors import Conflict, NotFound, PayloadTooLarge, problem_responses
from api.core.pagination import Page, PageDep
from api.core.representation import FormatDep, check_if_match, make_etag, represent
from api.db.engine import SessionDep
from api.models import EvidenceFile, Registration
from api.recognition import criteria, imports, service, stats, storage
from api.recognition.schemas import (
    BulkOut,
    BulkVerifyIn,
    CriteriaSetOut,
    CriteriaVersionOut,
    DecisionFilters,
    DecisionIn,
    DecisionOut,
    DistributionOut,
    EvidenceOut,
    FiguresOut,
    ImportOut,
    PublishIn,
    RatesOut,
    RegistrationIn,
    RegistrationOut,
    RegistrationUpdate,
    ScoresIn,
    VerifyIn,
)
from api.registries import kit
from api.registries.routing import ListFilters, crud_router, unit_filter

P = "/recognition"
router = APIRouter(tags=["recognition"])
REGS = service.REGISTRATIONS
MAX_UPLOAD = 50 * 1024 * 1024


class RegistrationFilters(ListFilters):
    year: int | None = Field(default=None, ge=2000, le=2100, description="Only this year.")
    title: criteria.Title | None = Field(default=None, description="Only this title.")
    target_group: criteria.TargetGroup | None = Field(default=None, description="Only this citizens' group.")
    status: str | None = Field(
        default=None, max_length=16, description="registered, scored, returned, verified, recognised."
    )
    decision_id: int | None = Field(default=None, description="Only those recognised by this decision.")
    village: str | None = Field(default=None, max_length=200, description="Only this village (thôn, tổ dân phố).")


registrations = crud_router(
    REGS,
    prefix=f"{P}/registrations",
    create_schema=RegistrationIn,
    update_schema=RegistrationUpdate,
    filters=RegistrationFilters,
    read=RegistriesRead,
    write=RegistriesWrite,
)


async def _reg(request: Request, session: SessionDep, obj: Registration) -> Response:
    return represent(request, (await service.registrations_out(session, [obj]))[0], etag=REGS.etag_key(obj))


@router.put(
    f"{P}/registrations/{{record_id:int}}/scores",
    response_model=RegistrationOut,
    responses=problem_responses(401, 403, 404, 409, 412, 422),
)
async def put_scores(
    request: Request, session: SessionDep, principal: RegistriesWrite, record_id: int, body: ScoresIn
) -> Response:
    """Score a registration (phiếu chấm điểm) on the newest criteria set of its year: an account of its commune
    or village does it; the total and the pass rule (e.g. ≥ 80 and no index below 5) are computed."""
    obj = await kit.get(session, principal, REGS, record_id, lock=True)
    check_if_match(request, make_etag(REGS.etag_key(obj), "json"))
    return await _reg(request, session, await service.score(session, principal, obj, body.scores, body.scored_on))


@router.post(
    f"{P}/registrations/{{record_id:int}}/verify",
    response_model=RegistrationOut,
    responses=problem_responses(401, 403, 404, 409, 412, 422),
)
async def verify(
    request: Request, session: SessionDep, principal: RegistriesWrite, record_id: int, body: VerifyIn
) -> Response:
    """The level above the scoring unit verifies a sheet, or returns it with a reason (never one's own sheet)."""
    obj = await kit.get(session, principal, REGS, record_id, lock=True)
    check_if_match(request, make_etag(REGS.etag_key(obj), "json"))
    return await _reg(request, session, await service.verify(session, principal, obj, body))


@router.post(f"{P}/verifications", response_model=BulkOut, responses=problem_responses(401, 403, 404, 422))
async def bulk_verify(session: SessionDep, principal: RegistriesWrite, body: BulkVerifyIn) -> BulkOut:
    """Verify (or return) every scored sheet of a filtered set that you may verify, in one request."""
    done, skipped = await service.bulk_verify(session, principal, body, body)
    return BulkOut(done=done, skipped=skipped)


@router.post(
    f"{P}/registrations/{{record_id:int}}/erase",
    response_model=RegistrationOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def erase(request: Request, session: SessionDep, principal: UsersAdmin, record_id: int) -> Response:
    """Erase a person's data (admins; Nghị định 13/2023): the name goes, the record still counts."""
    obj = await kit.get(session, principal, REGS, record_id, lock=True)
    return await _reg(request, session, await service.erase(session, principal, obj, _store(request)))


@router.get(f"{P}/decisions", response_model=Page[DecisionOut], responses=problem_responses(401, 403, 422))
async def list_decisions(
    request: Request,
    session: SessionDep,
    principal: RegistriesRead,
    page: PageDep,
    fmt: FormatDep,
    params: Annotated[DecisionFilters, Query()],
) -> Response:
    """Recognition decisions inside your unit scope (CSV too)."""
    unit = await unit_filter(session, params)
    objs, cursor = await kit.list_records(
        session, principal, service.DECISIONS, page, unit=unit, filters={"year": params.year, "title": params.title}
    )
    items = await service.decisions_out(session, objs)
    return represent(
        request, Page[DecisionOut](items=items, next_cursor=cursor), fmt=fmt, csv_rows=(DecisionOut, items)
    )


@router.post(
    f"{P}/decisions", response_model=DecisionOut, status_code=201, responses=problem_responses(401, 403, 404, 409, 422)
)
async def create_decision(
    request: Request, session: SessionDep, principal: RegistriesWrite, body: DecisionIn
) -> Response:
    """Record a recognition decision (authority, number, date) and recognise its batch in one request: the
    verified registrations passing their rule in the unit's subtree (or the ids listed)."""
    decision = await service.decide(session, principal, body)
    out = (await service.decisions_out(session, [decision]))[0]
    response = represent(request, out, etag=service.DECISIONS.etag_key(decision))
    response.status_code = 201
    response.headers["Location"] = f"/api/v1{P}/decisions/{decision.id}"
    return response


@router.get(
    f"{P}/decisions/{{record_id:int}}", response_model=DecisionOut, responses=problem_responses(401, 403, 404, 422)
)
async def get_decision(request: Request, session: SessionDep, principal: RegistriesRead, record_id: int) -> Response:
    """One recognition decision (its list: /recognition/registrations?decision_id=…)."""
    obj = await kit.get(session, principal, service.DECISIONS, record_id)
    out = (await service.decisions_out(session, [obj]))[0]
    return represent(request, out, etag=service.DECISIONS.etag_key(obj))


@router.get(f"{P}/criteria", response_model=list[CriteriaVersionOut], responses=problem_responses(401))
async def list_criteria(session: SessionDep, _: CurrentPrincipal) -> list[CriteriaVersionOut]:
    """Every criteria set version: the shipped ones (version 1) and those published since."""
    return [CriteriaVersionOut(**v) for v in await criteria.versions(session)]


@router.get(
    f"{P}/criteria/{{title}}/{{version:int}}", response_model=CriteriaSetOut, responses=problem_responses(401, 404, 422)
)
async def get_criteria(
    session: SessionDep,
    _: CurrentPrincipal,
    title: criteria.Title,
    version: int,
    target_group: Annotated[criteria.TargetGroup | None, Query(description="Citizens: the target group.")] = None,
) -> CriteriaSetOut:
    """A criteria set version: criteria, indices with Vietnamese names and maximum points, the pass rule."""
    criteria.check_group(title, target_group, ("query", "target_group"))
    content = await criteria.get(session, title, target_group, version)
    year = None if version == 1 else await criteria.year_of(session, title, target_group, version)
    return CriteriaSetOut(version=version, year=year, content=content, max_total=content.max_total)


@router.post(
    f"{P}/criteria", response_model=CriteriaSetOut, status_code=201, responses=problem_responses(401, 403, 422)
)
async def publish_criteria(session: SessionDep, principal: CategoriesWrite, body: PublishIn) -> CriteriaSetOut:
    """Publish a new version of a criteria set from a year on (admins). Sheets scored earlier keep theirs."""
    row = await criteria.publish(session, body.content, body.year, principal.display_name)
    await criteria.audit_publish(session, principal, row)
    return CriteriaSetOut(version=row.version, year=row.year, content=body.content, max_total=body.content.max_total)


@router.get(f"{P}/figures", response_model=FiguresOut, responses=problem_responses(401, 403, 404, 422))
async def figures(
    session: SessionDep,
    principal: RegistriesRead,
    unit: Annotated[str, Query(pattern=r"^\d{2,5}(-[0-9A-Za-z]{1,12})?$", description="Unit code.")],
    year: Annotated[int, Query(ge=2000, le=2100)],
) -> FiguresOut:
    """The annual report's registered and recognised counts derived from the records of a unit's subtree."""
    place = await stats.place(session, principal, unit, year)
    found = await service.figures(session, place.paths, year, every_title=True)
    return FiguresOut(
        unit_code=place.code,
        year=year,
        keeps_records=found is not None,
        figures=found or dict.fromkeys(service.FIGURE_NAMES, 0),
    )


@router.get(f"{P}/stats/rates", response_model=RatesOut, responses=problem_responses(401, 403, 404, 422))
async def rates(
    request: Request,
    session: SessionDep,
    principal: RegistriesRead,
    unit: Annotated[str, Query(pattern=r"^\d{2,5}(-[0-9A-Za-z]{1,12})?$", description="Unit code.")],
    year: Annotated[int, Query(ge=2000, le=2100)],
    fmt: FormatDep,
) -> Response:
    """Recognition rates by title and citizens' group (counts only), and how many units keep records."""
    result = await stats.rates(session, principal, unit, year)
    return represent(request, result, fmt=fmt, csv_rows=(stats.RateOut, result.rates))


@router.get(f"{P}/stats/distribution", response_model=DistributionOut, responses=problem_responses(401, 403, 404, 422))
async def distribution(
    request: Request,
    session: SessionDep,
    principal: RegistriesRead,
    unit: Annotated[str, Query(pattern=r"^\d{2,5}(-[0-9A-Za-z]{1,12})?$", description="Unit code.")],
    year: Annotated[int, Query(ge=2000, le=2100)],
    title: criteria.Title,
    fmt: FormatDep,
    target_group: criteria.TargetGroup | None = None,
    version: Annotated[int | None, Query(ge=1, description="Criteria set version (default: the year's).")] = None,
) -> Response:
    """Distribution of the points of each index over the sheets scored: which criteria hold registrants back."""
    result = await stats.distribution(session, principal, unit, year, title, target_group, version)
    return represent(request, result, fmt=fmt, csv_rows=(stats.IndexStat, result.indices))


@router.get(
    f"{P}/templates/{{title}}",
    response_class=Response,
    responses={
        200: {
            "description": "The sheet (XLSX by default, or CSV).",
            "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}, "text/csv": {}},
        },
        **problem_responses(401, 403, 422),
    },
)
async def template(
    session: SessionDep,
    _: RegistriesWrite,
    title: criteria.Title,
    year: Annotated[int, Query(ge=2000, le=2100)],
    target_group: criteria.TargetGroup | None = None,
    format: Annotated[str, Query(pattern="^(csv|xlsx)$", description="csv or xlsx.")] = "xlsx",
) -> Response:
    """The sheet a village volunteer fills: one row per household or person, one column per index."""
    criteria.check_group(title, target_group, ("query", "target_group"))
    return await imports.template(session, title, target_group, year, format)


@router.post(f"{P}/imports", response_model=ImportOut, responses=problem_responses(401, 403, 404, 413, 422))
async def import_sheet(
    session: SessionDep,
    principal: RegistriesWrite,
    file: Annotated[UploadFile, File(description="CSV (UTF-8) or XLSX from the template.")],
    title: Annotated[criteria.Title, Query()],
    year: Annotated[int, Query(ge=2000, le=2100)],
    target_group: Annotated[criteria.TargetGroup | None, Query()] = None,
    dry_run: Annotated[bool, Query(description="Only check the file; save nothing.")] = False,
) -> ImportOut:
    """Import a scored sheet: registrations with their scores, all rows or none, every bad cell named."""
    criteria.check_group(title, target_group, ("query", "target_group"))
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise PayloadTooLarge(f"Tệp lớn hơn {MAX_UPLOAD // (1024 * 1024)} MB.")
    spreadsheet.guard(data)  # 413 for a zip bomb, before anything is read
    return await imports.run(session, principal, data, title, target_group, year, dry_run=dry_run)


def _store(request: Request) -> storage.Store:
    store: storage.Store | None = getattr(request.app.state, "evidence_store", None)
    if store is None:
        store = storage.store_for(request.app.state.settings)
        request.app.state.evidence_store = store
    return store


@router.post(
    f"{P}/registrations/{{record_id:int}}/evidence",
    response_model=EvidenceOut,
    status_code=201,
    responses=problem_responses(401, 403, 404, 409, 413, 422),
)
async def add_evidence(
    request: Request,
    session: SessionDep,
    principal: RegistriesWrite,
    record_id: int,
    file: Annotated[UploadFile, File(description="A photo (JPEG, PNG, WebP) or a scanned sheet (PDF), ≤ 10 MB.")],
    index_code: Annotated[
        str, Query(pattern=r"^[0-9A-Za-z.]{0,16}$", description="The index it proves (optional).")
    ] = "",
) -> EvidenceOut:
    """Attach evidence (minh chứng) to a registration's sheet; kept by the configured file store."""
    obj = await kit.get(session, principal, REGS, record_id)
    data = await file.read(service.MAX_EVIDENCE + 1)
    if len(data) > service.MAX_EVIDENCE:
        raise PayloadTooLarge("Minh chứng lớn hơn 10 MB.")
    row = await service.add_evidence(
        session,
        principal,
        _store(request),
        obj,
        data=data,
        filename=file.filename or "minh-chung",
        content_type=(file.content_type or "").split(";")[0].strip().lower(),
        index_code=index_code,
    )
    return service.evidence_out(row)


@router.get(
    f"{P}/registrations/{{record_id:int}}/evidence",
    response_model=list[EvidenceOut],
    responses=problem_responses(401, 403, 404, 422),
)
async def list_evidence(session: SessionDep, principal: RegistriesRead, record_id: int) -> list[EvidenceOut]:
    """The evidence files of a registration."""
    obj = await kit.get(session, principal, REGS, record_id)
    return [service.evidence_out(e) for e in await service.evidence_of(session, obj)]


async def _evidence(session: SessionDep, principal: Any, evidence_id: int) -> tuple[EvidenceFile, Registration]:
    row = await session.get(EvidenceFile, evidence_id)
    if row is None:
        raise NotFound(f"Không có minh chứng {evidence_id}.")
    try:
        reg = await kit.get(session, principal, REGS, row.registration_id)
    except NotFound:
        raise NotFound(f"Không có minh chứng {evidence_id}.") from None
    return row, reg


@router.get(
    f"{P}/evidence/{{evidence_id:int}}",
    responses={200: {"content": {"application/octet-stream": {}}}, **problem_responses(401, 403, 404, 422)},
)
async def get_evidence(request: Request, session: SessionDep, principal: RegistriesRead, evidence_id: int) -> Response:
    """The evidence file itself (inside your unit scope only)."""
    row, _ = await _evidence(session, principal, evidence_id)
    try:
        data = await _store(request).get(row.storage_key)
    except storage.Missing:
        raise NotFound(f"Tệp của minh chứng {evidence_id} không còn trong kho lưu trữ.") from None
    return Response(
        data,
        media_type=row.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="minh-chung-{row.id}.{row.storage_key.rsplit(".", 1)[-1]}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.delete(
    f"{P}/evidence/{{evidence_id:int}}", status_code=204, responses=problem_responses(401, 403, 404, 409, 422)
)
async def delete_evidence(
    request: Request, session: SessionDep, principal: RegistriesWrite, evidence_id: int
) -> Response:
    """Remove an evidence file (not once the sheet is verified)."""
    row, reg = await _evidence(session, principal, evidence_id)
    if reg.status in ("verified", "recognised"):
        raise Conflict(f"Đăng ký {reg.id} đã thẩm định: không xoá minh chứng.")
    await service.drop_evidence(session, principal, _store(request), reg, [row])
    return Response(status_code=204)
