"""An association's yearly figures (members, rating): one writer, journaled, used by the API and by sync."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api import journal
from api.auth.principal import Principal
from api.models import Association, AssociationYear


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
