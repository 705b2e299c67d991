"""Awards and scholarships: /api/v1/awards, /api/v1/award-categories, /api/v1/awards/imports."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, Request, Response, UploadFile
from sqlalchemy import select

from api import journal
from api.auth import scope
from api.auth.dependencies import CategoriesWrite, CurrentPrincipal, RegistriesRead, RegistriesWrite
from api.awards import imports, service, template
from api.awards.schemas import AwardFilters, AwardIn, AwardOut, AwardUpdate, CategoryIn, CategoryOut, ImportJobOut
from api.core import language, spreadsheet
from api.core.errors import Conflict, ErrorItem, PayloadTooLarge, ValidationFailed, problem_responses
from api.core.pagination import Page, PageDep
from api.core.representation import FormatDep, check_if_match, make_etag, represent
from api.core.text import today_vn
from api.db.engine import SessionDep
from api.models import Award, AwardCategory, ImportJob
from api.registries import kit
from api.registries.routing import unit_filter
from api.reports.excel import XLSX_MEDIA_TYPE
from api.units import service as units_service

router = APIRouter(tags=["awards"])
MAX_UPLOAD = 50 * 1024 * 1024


async def _respond(request: Request, session: SessionDep, award: Award, status_code: int = 200) -> Response:
    out = (await service.to_out(session, [award]))[0]
    return represent(request, out, etag=service.REGISTRY.etag_key(award), status_code=status_code)


@router.get("/awards", response_model=Page[AwardOut], responses=problem_responses(401, 403, 422))
async def list_awards(
    request: Request,
    session: SessionDep,
    principal: RegistriesRead,
    page: PageDep,
    fmt: FormatDep,
    params: Annotated[AwardFilters, Query()],
) -> Response:
    """Awards and scholarships inside your unit scope (recipients' names never leave it)."""
    unit = await unit_filter(session, params)
    extra = []
    if params.category:
        extra.append(Award.category_id == (await service.category_ids(session)).get(params.category, -1))
    objs, cursor = await kit.list_records(
        session,
        principal,
        service.REGISTRY,
        page,
        unit=unit,
        filters={"year": params.year, "recipient_kind": params.recipient_kind},
        extra=extra,
    )
    items = await service.to_out(session, objs)
    return represent(request, Page[AwardOut](items=items, next_cursor=cursor), fmt=fmt, csv_rows=(AwardOut, items))


@router.post("/awards", response_model=AwardOut, status_code=201, responses=problem_responses(401, 403, 404, 409, 422))
async def create_award(request: Request, session: SessionDep, principal: RegistriesWrite, body: AwardIn) -> Response:
    """Record an award; with fund_id its cash is disbursed from that fund in the same transaction (409 if short)."""
    award = await service.create(session, principal, body)
    response = await _respond(request, session, award, 201)
    response.headers["Location"] = f"/api/v1/awards/{award.id}"
    return response


@router.get("/awards/{award_id:int}", response_model=AwardOut, responses=problem_responses(401, 403, 404, 422))
async def get_award(request: Request, session: SessionDep, principal: RegistriesRead, award_id: int) -> Response:
    """One award."""
    return await _respond(request, session, await kit.get(session, principal, service.REGISTRY, award_id))


@router.patch(
    "/awards/{award_id:int}", response_model=AwardOut, responses=problem_responses(401, 403, 404, 409, 412, 422)
)
async def update_award(
    request: Request, session: SessionDep, principal: RegistriesWrite, award_id: int, body: AwardUpdate
) -> Response:
    """Change an award (not the cash of one paid from a fund). Honours If-Match."""
    award = await kit.get(session, principal, service.REGISTRY, award_id, lock=True)
    check_if_match(request, make_etag(service.REGISTRY.etag_key(award), "json"))
    return await _respond(request, session, await service.update(session, principal, award, body))


@router.delete("/awards/{award_id:int}", status_code=204, responses=problem_responses(401, 403, 404, 409, 412, 422))
async def delete_award(request: Request, session: SessionDep, principal: RegistriesWrite, award_id: int) -> Response:
    """Delete an award; cash it took from a fund returns through a reversal entry. Honours If-Match."""
    award = await kit.get(session, principal, service.REGISTRY, award_id, lock=True)
    check_if_match(request, make_etag(service.REGISTRY.etag_key(award), "json"))
    await service.delete(session, principal, award)
    return Response(status_code=204)


@router.post(
    "/awards/imports",
    response_model=ImportJobOut,
    status_code=202,
    responses={
        201: {"model": ImportJobOut, "description": "Done (wait=true)"},
        **problem_responses(401, 403, 413, 422),
    },
)
async def import_awards(
    request: Request,
    session: SessionDep,
    principal: RegistriesWrite,
    file: Annotated[UploadFile, File(description="CSV (UTF-8) or XLSX: a header row, then one award per row.")],
    dry_run: Annotated[bool, Query(description="Only check the file; save nothing.")] = False,
    wait: Annotated[bool, Query(description="Answer when done (201) instead of at once (202, poll the job).")] = False,
    duplicates: Annotated[
        Literal["skip", "import"],
        Query(
            description="Rows that repeat an earlier row or an award already recorded (same person, category, "
            "year and unit): `skip` leaves them out (the default), `import` records them as well."
        ),
    ] = "skip",
) -> Response:
    """Import awards from a file: all rows or none, every bad cell named, possible duplicates reported."""
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise PayloadTooLarge(f"Tệp lớn hơn {MAX_UPLOAD // (1024 * 1024)} MB.")
    spreadsheet.guard(data)  # 413 for a zip bomb, before a job is made
    filename = file.filename or "awards"
    skip = duplicates == "skip"
    lang = language.choose(request.headers.get("accept-language"))
    if wait:
        job = await imports.run_inline(session, principal, data, filename, dry_run, skip_duplicates=skip)
        if job.status == "failed":
            raise ValidationFailed(language.localize(job.message, lang), errors=[_item(e, lang) for e in job.errors])
        return _job_response(job, 201, lang)
    job = await imports.new_job(session, principal, filename, dry_run)
    await session.commit()  # the job must exist before the work starts
    imports.start(request.app.state.db, principal, job.id, data, filename, dry_run, skip_duplicates=skip)
    return _job_response(job, 202, lang)


def _item(e: dict[str, object], lang: str) -> ErrorItem:
    column = str(e.get("column") or "")
    row = int(str(e.get("row") or 0))
    return ErrorItem(
        loc=["file", row, column.split(" ")[0]] if row else ["file"],
        msg=language.localize(str(e["msg"]), lang),
        type=str(e["type"]),
        row=row or None,
        column=column or None,
    )


def _job_response(job: ImportJob, status_code: int, lang: str) -> Response:
    """The job as JSON, its messages in the language the caller asked for (Accept-Language)."""
    out = imports.job_out(job)
    if lang != language.VIETNAMESE:
        out = out.model_copy(
            update={
                "message": language.localize(out.message, lang),
                "errors": language.localize_errors(out.errors, lang),
            }
        )
    response = Response(out.model_dump_json(), media_type="application/json", status_code=status_code)
    response.headers["Location"] = f"/api/v1/awards/imports/{job.id}"
    response.headers["Content-Language"] = lang
    response.headers["Vary"] = "Accept-Language"
    return response


@router.get(
    "/awards/imports/template.xlsx",
    response_class=Response,
    responses={
        200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "The import template"},
        **problem_responses(401, 403),
    },
)
async def import_template(session: SessionDep, principal: RegistriesWrite) -> Response:
    """An Excel file with the columns the award import reads (Vietnamese names), drop-downs of your units (when
    they are a few thousand at most), the categories, the recipient kinds and recent years, and a hint on each."""
    today = today_vn()
    units = await units_service.template_choices(session, principal, today)
    categories = [name for _, name in (await service.category_names(session)).values()]
    data = template.workbook(units, sorted(categories), today.year)
    return Response(
        data, media_type=XLSX_MEDIA_TYPE, headers={"Content-Disposition": 'attachment; filename="mau-khen-thuong.xlsx"'}
    )


@router.get(
    "/awards/imports/{job_id:int}", response_model=ImportJobOut, responses=problem_responses(401, 403, 404, 422)
)
async def import_status(request: Request, session: SessionDep, principal: RegistriesRead, job_id: int) -> Response:
    """An import's state and progress (rows done of total), its errors and possible duplicates; messages in
    English when Accept-Language asks for it (their `type` stays the same)."""
    job = await session.get(ImportJob, job_id)
    # Recipients' names are in it: its owner (kind and id) and those whose scope covers its unit may read it.
    if job is None or not (
        scope.owns(principal, job.created_by_kind, job.created_by_id) or scope.visible(principal, job.unit_path)
    ):
        raise scope.not_found(f"Không có lượt nhập {job_id}.")
    return _job_response(job, 200, language.choose(request.headers.get("accept-language")))


@router.get("/award-categories", response_model=Page[CategoryOut], responses=problem_responses(401))
async def list_categories(session: SessionDep, _: CurrentPrincipal) -> Page[CategoryOut]:
    """Categories of awards and scholarships (one page: a few dozen at most)."""
    rows = await session.scalars(select(AwardCategory).order_by(AwardCategory.id))
    return Page(items=[CategoryOut(id=c.id, code=c.code, name=c.name) for c in rows], next_cursor=None)


@router.post(
    "/award-categories", response_model=CategoryOut, status_code=201, responses=problem_responses(401, 403, 409, 422)
)
async def create_category(session: SessionDep, principal: CategoriesWrite, body: CategoryIn) -> CategoryOut:
    """Add a category (admins): a named scholarship, a local prize."""
    if await session.scalar(select(AwardCategory.id).where(AwardCategory.code == body.code)) is not None:
        raise Conflict(f"Đã có loại {body.code}.")
    category = AwardCategory(code=body.code, name=body.name)
    session.add(category)
    await session.flush()
    await journal.audit(
        session,
        principal,
        action="create",
        entity="award_category",
        entity_id=category.id,
        changes={"code": [None, body.code], "name": [None, body.name]},
    )
    return CategoryOut(id=category.id, code=category.code, name=category.name)
