"""A router for one registry: list (filters, pagination, CSV), create, read, update, delete.

No ``from __future__ import annotations`` here: the endpoints' annotations are the registry's own
classes, read by FastAPI when the router is built.
"""

# mypy: disable-error-code="valid-type"
from typing import Annotated, Any, cast

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from api.core.errors import problem_responses
from api.core.pagination import Page, PageDep
from api.core.representation import FormatDep, check_if_match, make_etag, represent
from api.core.text import UNIT_CODE_PATTERN, IsoDate
from api.db.engine import SessionDep
from api.registries import kit
from api.units import dating


class ListFilters(BaseModel):
    """Filters every registry list takes; registries add their own."""

    unit: str | None = Field(
        default=None,
        pattern=UNIT_CODE_PATTERN,
        description="Only this unit's subtree, and the units it was formed from (with year: that year's units).",
    )
    as_of: IsoDate | None = Field(
        default=None,
        description="Date unit is read on (default today's map, and the year's own where a year is given).",
    )


async def unit_filter(session: SessionDep, flt: ListFilters) -> dating.UnitFilter | None:
    """The ``unit`` filter read by the dating rule (api.units.dating), on the list's ``year`` if it has one."""
    if not flt.unit:
        return None
    year = getattr(flt, "year", None)
    return await dating.resolve_filter(session, flt.unit, as_of=flt.as_of, year=year)


def crud_router(
    reg: kit.Registry[Any],
    *,
    prefix: str,
    create_schema: type[kit.RecordIn],
    update_schema: type[BaseModel],
    filters: type[ListFilters],
    read: Any,
    write: Any,
) -> APIRouter:
    router = APIRouter(prefix=prefix, tags=[prefix.strip("/")])
    out = reg.out
    label = reg.label

    async def respond(request: Request, session: SessionDep, obj: Any, status_code: int = 200) -> Response:
        out_ = (await kit.to_out(session, reg, [obj]))[0]
        return represent(request, out_, etag=reg.etag_key(obj), status_code=status_code)

    @router.get("", response_model=Page[out], responses=problem_responses(401, 403, 422), summary=f"List {reg.entity}s")
    async def list_records(
        request: Request,
        session: SessionDep,
        principal: read,
        page: PageDep,
        fmt: FormatDep,
        params: Annotated[filters, Query()],
    ) -> Response:
        flt = cast(ListFilters, params)
        unit = await unit_filter(session, flt)
        values = {k: v for k, v in flt.model_dump().items() if k in reg.filters}
        objs, cursor = await kit.list_records(session, principal, reg, page, unit=unit, filters=values)
        items = await kit.to_out(session, reg, objs)
        return represent(request, Page[out](items=items, next_cursor=cursor), fmt=fmt, csv_rows=(out, items))

    list_records.__doc__ = f"{label.capitalize()} inside your unit scope, filtered and paginated (CSV too)."

    @router.post(
        "",
        response_model=out,
        status_code=201,
        responses=problem_responses(401, 403, 404, 409, 422),
        summary=f"Create a {reg.entity}",
    )
    async def create_record(request: Request, session: SessionDep, principal: write, body: create_schema) -> Response:
        obj = await kit.create(session, principal, reg, body)
        response = await respond(request, session, obj, 201)
        response.headers["Location"] = f"/api/v1{prefix}/{obj.id}"
        return response

    create_record.__doc__ = f"Record a new {label} in a unit inside your scope."

    @router.get(
        "/{record_id:int}",
        response_model=out,
        responses=problem_responses(401, 403, 404, 422),
        summary=f"Read a {reg.entity}",
    )
    async def get_record(request: Request, session: SessionDep, principal: read, record_id: int) -> Response:
        return await respond(request, session, await kit.get(session, principal, reg, record_id))

    get_record.__doc__ = f"One {label}."

    @router.patch(
        "/{record_id:int}",
        response_model=out,
        responses=problem_responses(401, 403, 404, 409, 412, 422),
        summary=f"Update a {reg.entity}",
    )
    async def update_record(
        request: Request, session: SessionDep, principal: write, record_id: int, body: update_schema
    ) -> Response:
        obj = await kit.get(session, principal, reg, record_id, lock=True)
        check_if_match(request, make_etag(reg.etag_key(obj), "json"))
        return await respond(request, session, await kit.update(session, principal, reg, obj, body))

    update_record.__doc__ = f"Change a {label} (only the fields sent). Honours If-Match."

    @router.delete(
        "/{record_id:int}",
        status_code=204,
        responses=problem_responses(401, 403, 404, 409, 412, 422),
        summary=f"Delete a {reg.entity}",
    )
    async def delete_record(request: Request, session: SessionDep, principal: write, record_id: int) -> Response:
        obj = await kit.get(session, principal, reg, record_id, lock=True)
        check_if_match(request, make_etag(reg.etag_key(obj), "json"))
        await kit.delete(session, principal, reg, obj)
        return Response(status_code=204)

    delete_record.__doc__ = f"Delete a {label} (the audit trail keeps it). Honours If-Match."
    return router
