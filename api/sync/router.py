"""Partner sync: /api/v1/sync/changes, /api/v1/sync/{resource}/{external_id}, /api/v1/sync/{resource}:batch."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.dependencies import SyncRead, SyncWrite
from api.auth.principal import Principal
from api.core.errors import AppError, ErrorItem, ValidationFailed, problem_responses
from api.core.text import ExternalIdText
from api.db.base import utcnow
from api.db.engine import SessionDep
from api.ops.metrics import set_sync_lag
from api.sync import contract, deletes, feed, money, service
from api.sync.schemas import BatchIn, BatchItem, BatchOut, BatchResult, ChangesOut

router = APIRouter(prefix="/sync", tags=["sync"])

# An enum in the document; the router checks it itself, to answer with the Vietnamese list of resources.
Resource = Annotated[
    str,
    Path(description=f"One of: {', '.join(service.RESOURCES)}.", json_schema_extra={"enum": list(service.RESOURCES)}),
]
ExternalId = Annotated[ExternalIdText, Path(min_length=1, max_length=100, description="Your id for the record.")]
DryRun = Annotated[
    bool,
    Query(description="true: answer exactly what the call would do (status, body or errors) and write nothing."),
]


@asynccontextmanager
async def _dry(session: AsyncSession, dry_run: bool) -> AsyncIterator[None]:
    """Run the real write, then undo it (journal and feed rows included) when it is only a dry run.

    The real code runs in a SAVEPOINT so a dry run's answer cannot drift from what the write would do.
    """
    if not dry_run:
        yield
        return
    savepoint = await session.begin_nested()
    try:
        yield
    finally:
        if savepoint.is_active:
            await savepoint.rollback()


@router.get("/changes", response_model=ChangesOut, responses=problem_responses(401, 403, 422))
async def changes(
    session: SessionDep,
    principal: SyncRead,
    since: Annotated[
        str | None, Query(pattern=r"^\d{1,20}$", description="The next_cursor you stored (default: start).")
    ] = None,
    types: Annotated[str | None, Query(description="Comma-separated types, e.g. report,award (default: all).")] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="At most this many changes.")] = 100,
) -> Response:
    """Every create, update and delete of syncable records in your scope, in the order they became visible.

    A client that stores next_cursor and polls again never misses a change, even when writers commit
    concurrently and out of order, and never sees the same change twice.
    """
    wanted = [t.strip() for t in types.split(",") if t.strip()] if types else None
    unknown = [t for t in wanted or [] if t not in service.FEED_TYPES]
    if unknown:
        raise ValidationFailed(
            f"Không có loại: {', '.join(unknown)}.",
            errors=[ErrorItem(loc=["query", "types"], msg=f"Chọn trong: {', '.join(service.FEED_TYPES)}", type="enum")],
        )
    position = int(since or 0)
    if position and position > await feed.head(session):
        raise ValidationFailed(
            "Con trỏ since không phải con trỏ do nguồn thay đổi này cấp (vượt quá vị trí mới nhất).",
            errors=[ErrorItem(loc=["query", "since"], msg="Con trỏ không hợp lệ", type="cursor_invalid")],
        )
    rows, cursor = await feed.read(session, principal, position, wanted, limit)
    # A full page means more is waiting: the partner is as far behind as the newest change it got.
    behind = (utcnow() - rows[-1].changed_at).total_seconds() if len(rows) == limit else 0.0
    set_sync_lag(principal.partner or principal.name, max(behind, 0.0))
    # Serialised once here; a Response is sent as it is (response_model only declares the schema).
    return Response(feed.page_json(rows, cursor), media_type="application/json")


@router.put(
    "/{resource}/{external_id}",
    responses=problem_responses(401, 403, 404, 409, 412, 422),
    openapi_extra=contract.UPSERT_OPENAPI,
)
async def upsert(
    request: Request,
    session: SessionDep,
    principal: SyncWrite,
    resource: Resource,
    external_id: ExternalId,
    dry_run: DryRun = False,
) -> Response:
    """Create (201) or replace (200) your record with this external id; honours If-Match; reports are also
    keyed by unit and year, so filing a province's report twice updates it."""
    if resource not in service.RESOURCES:
        raise service.unknown_resource(resource)
    body = await contract.read_body(request)
    async with _dry(session, dry_run):
        done = await _upsert(session, principal, resource, external_id, body, request.headers.get("if-match"))
        out = done.out.model_dump(mode="json")
    return JSONResponse(out, status_code=201 if done.created else 200, headers={"ETag": done.etag})


@router.delete("/{resource}/{external_id}", status_code=204, responses=problem_responses(401, 403, 404, 409, 412, 422))
async def remove(
    request: Request,
    session: SessionDep,
    principal: SyncWrite,
    resource: Resource,
    external_id: ExternalId,
    dry_run: DryRun = False,
) -> Response:
    """Delete your record with this external id (a delete on the change feed); honours If-Match. 404 when you
    never sent it, already deleted it, or it is outside your unit. An approved report needs reports:approve (409)."""
    if resource not in service.RESOURCES:
        raise service.unknown_resource(resource)
    async with _dry(session, dry_run):
        await deletes.delete(session, principal, resource, external_id, request.headers.get("if-match"))
    return Response(status_code=204)


@router.post("/{resource}:batch", response_model=BatchOut, responses=problem_responses(401, 403, 422))
async def batch(
    session: SessionDep, principal: SyncWrite, resource: Resource, body: BatchIn, dry_run: DryRun = False
) -> BatchOut:
    """Up to 1,000 upserts and deletes in one request, all or none, with a result per item (201, 200, 204)."""
    if resource not in service.RESOURCES:
        raise service.unknown_resource(resource)
    async with _dry(session, dry_run):
        results = [await _batch_item(session, principal, resource, n, item) for n, item in enumerate(body.items)]
    if any(r.error is not None for r in results):
        # All or none: the rollback of this request's transaction undoes the items that went through.
        raise ValidationFailed(
            f"{sum(r.error is not None for r in results)} mục lỗi; không ghi mục nào.",
            results=[r.model_dump() for r in results],
        )
    return BatchOut(items=results)


async def _upsert(
    session: AsyncSession,
    principal: Principal,
    resource: str,
    external_id: str,
    body: dict[str, Any],
    if_match: str | None,
    loc: str = "body",
) -> service.Upserted:
    if resource == "fund_entries":
        return await money.upsert(session, principal, external_id, body, if_match, loc)
    return await service.upsert(session, principal, resource, external_id, body, if_match, loc)


async def _batch_item(
    session: AsyncSession, principal: Principal, resource: str, n: int, item: BatchItem
) -> BatchResult:
    try:
        async with session.begin_nested():
            if item.op == "delete":
                await deletes.delete(session, principal, resource, item.external_id, item.if_match)
                return BatchResult(external_id=item.external_id, status=204)
            done = await _upsert(
                session, principal, resource, item.external_id, item.data or {}, item.if_match, loc=f"items.{n}.data"
            )
        return BatchResult(
            external_id=item.external_id, status=201 if done.created else 200, id=done.id, etag=done.etag
        )
    except AppError as exc:
        error = {
            "status": exc.status,
            "title": exc.title,
            "detail": exc.detail,
            "errors": [e.model_dump(exclude_none=True) for e in exc.errors or []],
        }
        return BatchResult(external_id=item.external_id, status=exc.status, error=error)
