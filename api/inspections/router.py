"""Inspections (kiểm tra): /api/v1/inspections."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import Query
from pydantic import BaseModel, Field
from sqlalchemy import and_, func, select

from api.auth import scope
from api.auth.dependencies import RegistriesRead, RegistriesWrite
from api.core.errors import problem_responses
from api.core.text import ADMIN_CODE_PATTERN
from api.db.engine import SessionDep
from api.inspections.registry import (
    REGISTRY,
    Filters,
    InspectionIn,
    InspectionUpdate,
)
from api.models import Inspection, Unit
from api.registries.routing import crud_router
from api.units import service as units_service
from api.units.repository import valid_on

router = crud_router(
    REGISTRY,
    prefix="/inspections",
    create_schema=InspectionIn,
    update_schema=InspectionUpdate,
    filters=Filters,
    read=RegistriesRead,
    write=RegistriesWrite,
)


class InspectionCoverage(BaseModel):
    """How many units of a level a year's inspections reached (e.g. 100 % of communes inspected by districts)."""

    unit_code: str = Field(description="The place.")
    year: int = Field(description="Year.")
    level: str = Field(description="district, commune or village.")
    units: int = Field(description="Units of that level in the place on 31 December.")
    inspected: int = Field(description="Of them, units with at least one inspection that year.")
    share: float | None = Field(description="inspected / units (null when there are none).")


@router.get("/coverage", response_model=InspectionCoverage, responses=problem_responses(401, 403, 404, 422))
async def coverage(
    session: SessionDep,
    principal: RegistriesRead,
    unit: Annotated[str, Query(pattern=ADMIN_CODE_PATTERN, description="The place (a province or district).")],
    year: Annotated[int, Query(ge=1990, le=2100, description="Year.")],
    level: Annotated[Literal["district", "commune", "village"], Query(description="Which units to count.")] = "commune",
) -> InspectionCoverage:
    """The share of a level's units that were inspected in a year (a place inside your unit scope)."""
    day = dt.date(year, 12, 31)
    place = await units_service.resolve_for_filter(session, unit, day)
    scope.require_unit(principal, place.path, unit, field="unit", loc="query")
    in_place = and_(Unit.path.like(f"{place.path}%"), Unit.level == level, valid_on(day))
    units = await session.scalar(select(func.count()).select_from(Unit).where(in_place))
    inspected = await session.scalar(
        select(func.count(func.distinct(Inspection.unit_id)))
        .join(Unit, Unit.id == Inspection.unit_id)
        .where(in_place, Inspection.year == year)
    )
    n, k = int(units or 0), int(inspected or 0)
    return InspectionCoverage(unit_code=unit, year=year, level=level, units=n, inspected=k, share=k / n if n else None)
