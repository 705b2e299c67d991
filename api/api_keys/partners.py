"""Partner names: the external ids a key sends belong to its partner name, so the name is guarded.

Only a national admin assigns a name to a key. The first assignment registers it, bound to that key's unit;
later keys with the name must be for the same unit. Otherwise a province admin could name its own key
"ha-nam", claim Hà Nam's external ids first, and leave the real Hà Nam key with 404s on its own records.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import Principal
from api.core.errors import Conflict, Forbidden
from api.db.base import utcnow
from api.models import Partner, Unit


async def claim(session: AsyncSession, principal: Principal, name: str, unit: Unit | None) -> None:
    """Check that ``principal`` may give a key for ``unit`` the partner ``name``; register it the first time."""
    if not principal.national:
        raise Forbidden("Chỉ quản trị cấp trung ương mới gán tên hệ thống đối tác cho khoá API.", field="partner")
    unit_id = unit.id if unit else None
    registered = await session.get(Partner, name, with_for_update=True)
    if registered is None:
        session.add(Partner(name=name, unit_id=unit_id, created_at=utcnow()))
        await session.flush()  # a concurrent first claim of the same name fails here on the primary key
        return
    if registered.unit_id != unit_id:
        owner = await session.scalar(select(Unit.name).where(Unit.id == registered.unit_id))
        raise Conflict(
            f"Tên đối tác {name} đã được đăng ký cho {owner or 'phạm vi toàn quốc'}; "
            "khoá mới mang tên này phải thuộc đúng đơn vị đó.",
            field="partner",
        )
