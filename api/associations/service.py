"""An association's yearly figures (members, rating): one writer, journaled, used by the API and by sync."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api import journal
from api.associations.registry import AssociationYearIn, AssociationYearOut, year_out
from api.auth.principal import Principal
from api.models import Association, AssociationYear

__all__ = ["AssociationYearIn", "AssociationYearOut", "save_year", "year_out"]


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
