"""The audit trail: /api/v1/audit (admins, within their unit scope)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select

from api import journal
from api.audit.schemas import AuditEntryOut
from api.auth import scope
from api.auth.dependencies import AuditRead
from api.core.errors import problem_responses
from api.core.pagination import Page, PageDep, paginate_rows
from api.core.representation import FormatDep, represent
from api.core.text import IsoDateTime
from api.db.engine import SessionDep
from api.models import AuditEntry

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=Page[AuditEntryOut], responses=problem_responses(401, 403, 422))
async def list_audit(
    request: Request,
    session: SessionDep,
    principal: AuditRead,
    page: PageDep,
    fmt: FormatDep,
    entity: Annotated[str | None, Query(max_length=40, description="Kind of record, e.g. report.")] = None,
    id: Annotated[str | None, Query(max_length=80, description="Id of the record (with entity).")] = None,
    actor: Annotated[str | None, Query(max_length=200, description="Username or API key name.")] = None,
    since: Annotated[IsoDateTime | None, Query(description="Entries at or after this time (RFC 3339).")] = None,
    order: Annotated[
        Literal["asc", "desc"],
        Query(description="asc: oldest first (the default, for clients that follow the trail); desc: newest first."),
    ] = "asc",
) -> Response:
    """The audit trail, oldest first unless order=desc (nhật ký thay đổi)."""
    stmt = select(AuditEntry)
    if not principal.national:  # entries of records outside every unit are for national admins only
        stmt = stmt.where(AuditEntry.unit_path.is_not(None), scope.condition(principal, AuditEntry.unit_path))
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    if id:
        stmt = stmt.where(AuditEntry.entity_id == id)
    if actor:
        stmt = stmt.where(AuditEntry.actor_name == actor)
    if since:
        stmt = stmt.where(AuditEntry.at >= since)
    rows, cursor = await paginate_rows(session, stmt, order=[AuditEntry.id], page=page, descending=order == "desc")
    entries = [r[0] for r in rows]
    shown = await journal.trail(session, entries)  # a bulk creation's entry: the values of its feed version
    result = Page[AuditEntryOut](
        items=[
            AuditEntryOut.model_validate(e, from_attributes=True).model_copy(update={"changes": changes})
            for e, changes in zip(entries, shown, strict=True)
        ],
        next_cursor=cursor,
    )
    return represent(request, result, fmt=fmt, csv_rows=(AuditEntryOut, result.items))
