"""Targets: /api/v1/targets/{indicator}/{year}."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from api.auth.dependencies import StatsRead, TargetsWrite
from api.core.errors import problem_responses
from api.core.representation import FormatDep, represent
from api.db.engine import SessionDep
from api.stats.schemas import IndicatorName
from api.targets import service
from api.targets.schemas import TargetIn, TargetOut, TargetsOut

router = APIRouter(prefix="/targets", tags=["targets"])

Year = Annotated[int, Path(ge=1990, le=2100, description="Target year.")]


@router.get("/{indicator}/{year}", response_model=TargetsOut, responses=problem_responses(401, 403, 422))
async def get_targets(
    request: Request, session: SessionDep, _: StatsRead, indicator: IndicatorName, year: Year, fmt: FormatDep
) -> Response:
    """The targets of an indicator for a year: the national one and units' own."""
    items = await service.list_targets(session, indicator.value, year)
    result = TargetsOut(indicator=indicator.value, year=year, items=items)
    return represent(request, result, fmt=fmt, csv_rows=(TargetOut, items))


@router.put(
    "/{indicator}/{year}",
    response_model=TargetOut,
    responses={201: {"model": TargetOut, "description": "Created"}, **problem_responses(401, 403, 404, 422)},
)
async def put_target(
    request: Request, session: SessionDep, principal: TargetsWrite, indicator: IndicatorName, year: Year, body: TargetIn
) -> Response:
    """Set a target: national (national admins) or a unit's own (admins of that unit or above)."""
    target, created = await service.put_target(session, principal, indicator.value, year, body)
    out = next(
        t
        for t in await service.list_targets(session, indicator.value, year)
        if t.variant == body.variant
        and t.version == target.version
        and t.value == target.value
        and (t.unit_code == body.unit_code)
    )
    response = represent(request, out)
    response.status_code = 201 if created else 200
    return response
