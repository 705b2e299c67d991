"""Associations, branches and boards (hội, chi hội, ban khuyến học): /api/v1/associations."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Request, Response
from sqlalchemy import select

from api.associations.registry import REGISTRY, AssociationIn, AssociationUpdate, Filters
from api.associations.service import AssociationYearIn, AssociationYearOut, save_year, year_out
from api.auth.dependencies import RegistriesRead, RegistriesWrite
from api.core.errors import ErrorItem, ValidationFailed, problem_responses
from api.core.representation import represent
from api.db.engine import SessionDep
from api.models import AssociationYear
from api.registries import kit
from api.registries.routing import crud_router

router = crud_router(
    REGISTRY,
    prefix="/associations",
    create_schema=AssociationIn,
    update_schema=AssociationUpdate,
    filters=Filters,
    read=RegistriesRead,
    write=RegistriesWrite,
)


Year = Annotated[int, Path(ge=1990, le=2100, description="Year.")]


@router.get(
    "/{record_id:int}/years", response_model=list[AssociationYearOut], responses=problem_responses(401, 403, 404, 422)
)
async def list_years(session: SessionDep, principal: RegistriesRead, record_id: int) -> list[AssociationYearOut]:
    """Members and rating of an association, year by year."""
    await kit.get(session, principal, REGISTRY, record_id)
    rows = await session.scalars(
        select(AssociationYear).where(AssociationYear.association_id == record_id).order_by(AssociationYear.year)
    )
    return [year_out(r) for r in rows]


@router.put(
    "/{record_id:int}/years/{year}", response_model=AssociationYearOut, responses=problem_responses(401, 403, 404, 422)
)
async def put_year(
    request: Request,
    session: SessionDep,
    principal: RegistriesWrite,
    record_id: int,
    year: Year,
    body: AssociationYearIn,
) -> Response:
    """Set an association's members and rating for a year."""
    assoc = await kit.get(session, principal, REGISTRY, record_id, lock=True)
    if assoc.kind == "board" and body.members:
        raise ValidationFailed(
            "Ban khuyến học không có hội viên riêng.",
            errors=[ErrorItem(loc=["body", "members"], msg="Ban khuyến học không có hội viên", type="not_allowed")],
        )
    row = await save_year(session, principal, assoc, year, body)
    return represent(request, year_out(row))
