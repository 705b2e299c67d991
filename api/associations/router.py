"""Associations, branches and boards (hội, chi hội, ban khuyến học): /api/v1/associations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from fastapi import Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api import journal
from api.auth.dependencies import RegistriesRead, RegistriesWrite
from api.auth.principal import Principal
from api.core.errors import ErrorItem, ValidationFailed, problem_responses
from api.core.representation import represent
from api.core.text import IsoDate
from api.db.engine import SessionDep
from api.models import Association, AssociationYear
from api.registries import kit
from api.registries.kit import RecordIn, RecordOut, Registry, partial
from api.registries.routing import ListFilters, crud_router

Kind = Literal["association", "branch", "board"]
Host = Literal["village", "school", "agency", "enterprise", "clan", "religious", "armed_forces", "other"]


class AssociationFields(BaseModel):
    kind: Kind = Field(description="association (hội cấp tỉnh/huyện/xã), branch (chi hội) or board (ban khuyến học).")
    name: str = Field(min_length=1, max_length=300, description="Name, e.g. “Chi hội thôn Đông”.")
    host_kind: Host | None = Field(
        default=None,
        description="Where a branch or board sits: village, school, agency, enterprise, clan, religious, "
        "armed_forces, other.",
    )
    parent_id: int | None = Field(default=None, description="The association it belongs to.")
    founded_on: IsoDate | None = Field(default=None, description="Founding date.")
    closed_on: IsoDate | None = Field(default=None, description="Closing date (null: active).")


class AssociationIn(RecordIn, AssociationFields):
    """An association, branch or board to record."""


AssociationUpdate = partial(AssociationFields, "AssociationUpdate")


class AssociationOut(RecordOut, AssociationFields):
    """An association, branch (chi hội) or board (ban khuyến học)."""


class Filters(ListFilters):
    kind: Kind | None = Field(default=None, description="Only this kind.")
    host_kind: Host | None = Field(default=None, description="Only this host.")


REGISTRY = Registry(
    entity="association",
    label="tổ chức hội",
    model=Association,
    out=AssociationOut,
    fields=tuple(AssociationFields.model_fields),
    filters={"kind": "kind", "host_kind": "host_kind"},
    references={"parent_id": (Association, "tổ chức hội")},
)
router = crud_router(
    REGISTRY,
    prefix="/associations",
    create_schema=AssociationIn,
    update_schema=AssociationUpdate,
    filters=Filters,
    read=RegistriesRead,
    write=RegistriesWrite,
)


class AssociationYearIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    members: int | None = Field(default=None, ge=0, le=100_000_000, description="Members that year.")
    rating: str | None = Field(default=None, max_length=60, description='Rating that year, e.g. "Vững mạnh", "Khá".')


class AssociationYearOut(AssociationYearIn):
    association_id: int = Field(description="The association.")
    year: int = Field(description="Year.")


def year_out(row: AssociationYear) -> AssociationYearOut:
    return AssociationYearOut(association_id=row.association_id, year=row.year, members=row.members, rating=row.rating)


async def _years(session: AsyncSession, rows: Sequence[AssociationYear]) -> list[AssociationYearOut]:
    return [year_out(r) for r in rows]


# An association's year is a record of its own on the feed (type association_year, id: the row's id).
journal.register("association_year", _years)


async def save_year(
    session: AsyncSession, principal: Principal, assoc: Association, year: int, body: AssociationYearIn
) -> AssociationYear:
    """Create or replace an association's year, journaled (the API and a mirror's copy both write here)."""
    row = await session.scalar(
        select(AssociationYear).where(AssociationYear.association_id == assoc.id, AssociationYear.year == year)
    )
    before = await journal.snapshot(session, "association_year", row) if row else None
    if row is None:
        row = AssociationYear(association_id=assoc.id, year=year)
        session.add(row)
    row.members, row.rating = body.members, body.rating
    await session.flush()
    action = "update" if before else "create"
    await journal.write(
        session,
        principal,
        action=action,
        kind="association_year",
        obj=row,
        before=before,
        unit_path=assoc.unit_path,
        partner=assoc.partner,  # a mirror's copy stays marked as one, so it is never copied back
    )
    return row


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
