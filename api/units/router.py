"""Administrative units: /api/v1/units."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.auth.dependencies import CurrentPrincipal, UnitsWrite
from api.core.errors import problem_responses
from api.core.pagination import Page, PageDep
from api.core.representation import FormatDep, represent
from api.core.text import ADMIN_CODE_PATTERN, IsoDate, today_vn
from api.db.engine import SessionDep
from api.models import UnitLevel
from api.units import service
from api.units.schemas import UnitCodePath, UnitOut, UnitRow, VillageCreate

router = APIRouter(prefix="/units", tags=["units"])

AsOf = Annotated[
    IsoDate | None,
    Query(description="The date the codes are read on (YYYY-MM-DD); default today. Units changed on 2025-07-01."),
]


def _day(as_of: dt.date | None) -> dt.date:
    return as_of or today_vn()


@router.get("", response_model=Page[UnitOut], responses=problem_responses(401, 422))
async def list_units(
    request: Request,
    session: SessionDep,
    _: CurrentPrincipal,
    page: PageDep,
    fmt: FormatDep,
    as_of: AsOf = None,
    level: Annotated[UnitLevel | None, Query(description="Only units of this level.")] = None,
    parent: Annotated[
        str | None, Query(pattern=ADMIN_CODE_PATTERN, description="Only the children of this unit.")
    ] = None,
    q: Annotated[
        str | None, Query(min_length=1, max_length=100, description="Name contains this; accents and case ignored.")
    ] = None,
) -> Response:
    """List administrative units valid on a date (đơn vị hành chính)."""
    result = await service.list_units(session, as_of=_day(as_of), page=page, level=level, parent=parent, q=q)
    return represent(request, result, fmt=fmt, csv_rows=(UnitRow, result.items))


@router.get("/{code}", response_model=UnitOut, responses=problem_responses(401, 404, 422))
async def get_unit(
    request: Request, session: SessionDep, _: CurrentPrincipal, code: UnitCodePath, fmt: FormatDep, as_of: AsOf = None
) -> Response:
    """One unit, as the code names it on the date."""
    return represent(request, await service.get_unit(session, code, as_of=_day(as_of)), fmt=fmt)


@router.get("/{code}/children", response_model=Page[UnitOut], responses=problem_responses(401, 404, 422))
async def list_children(
    request: Request,
    session: SessionDep,
    _: CurrentPrincipal,
    code: UnitCodePath,
    page: PageDep,
    fmt: FormatDep,
    as_of: AsOf = None,
) -> Response:
    """The units directly below a unit on the date."""
    result = await service.children(session, code, as_of=_day(as_of), page=page)
    return represent(request, result, fmt=fmt, csv_rows=(UnitRow, result.items))


@router.post("", response_model=UnitOut, status_code=201, responses=problem_responses(401, 403, 404, 409, 422))
async def create_village(request: Request, session: SessionDep, principal: UnitsWrite, body: VillageCreate) -> Response:
    """Add a village or residential group (thôn, tổ dân phố) below a commune in your scope."""
    unit = await service.create_village(session, principal, body)
    response = represent(request, unit)
    response.status_code = 201
    response.headers["Location"] = f"/api/v1/units/{unit.code}"
    return response
