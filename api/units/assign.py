"""Choosing the unit of a user, key or target: it must exist on the date and lie inside the caller's scope."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import scope
from api.auth.principal import Principal
from api.core.errors import ErrorItem, Forbidden, ValidationFailed
from api.core.text import today_vn
from api.models import Unit
from api.units import repository as units_repo


async def assignable_unit(
    session: AsyncSession,
    principal: Principal,
    code: str | None,
    *,
    as_of: dt.date | None = None,
    field: str = "unit_code",
) -> Unit | None:
    """The unit named by ``code`` (None: the whole country), if the principal may hand it out."""
    if code is None:
        if not principal.national:
            raise Forbidden("Chỉ quản trị cấp trung ương mới cấp quyền toàn quốc.", field=field)
        return None
    day = as_of or today_vn()
    row = await units_repo.get_by_code(session, code, day)
    if row is None:
        raise ValidationFailed(
            f"Không có đơn vị mã {code} vào ngày {day.isoformat()}.",
            errors=[ErrorItem(loc=["body", field], msg="Không có đơn vị này", type="unknown_unit")],
        )
    scope.require_unit(principal, row.path, code, field=field)
    return await session.scalar(select(Unit).where(Unit.id == row.id))


async def unit_labels(session: AsyncSession, unit_ids: set[int]) -> dict[int, tuple[str, str, str]]:
    """id → (code, name, path) for the given units."""
    if not unit_ids:
        return {}
    rows = (await session.execute(select(Unit.id, Unit.code, Unit.name, Unit.path).where(Unit.id.in_(unit_ids)))).all()
    return {r.id: (r.code, r.name, r.path) for r in rows}
