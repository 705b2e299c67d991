"""Targets: national ones seeded from the decisions; admins set units' own, which override them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import Principal
from api.core.errors import ErrorItem, ValidationFailed
from api.journal import audit, diff
from api.models import Target, Unit
from api.stats.indicators import BY_NAME
from api.targets.schemas import TargetIn, TargetOut
from api.units.assign import assignable_unit


async def list_targets(session: AsyncSession, indicator: str, year: int) -> list[TargetOut]:
    stmt = (
        select(Target, Unit.code, Unit.name)
        .outerjoin(Unit, Unit.id == Target.unit_id)
        .where(Target.indicator == indicator, Target.year == year)
        .order_by(Unit.path.is_not(None), Unit.path, Target.variant)
    )
    return [
        TargetOut(
            indicator=t.indicator,
            year=t.year,
            unit_code=code,
            unit_name=name,
            variant=t.variant,
            value=t.value,
            source=t.source,
            version=t.version,
        )
        for t, code, name in (await session.execute(stmt)).all()
    ]


# Counts and đồng are whole numbers, bounded like report figures (api/reports/schemas.py).
MAX_TOTAL = 10**15


def _check_value(indicator: str, value: float) -> None:
    """Rates are fractions; totals and đồng per person are whole numbers a report could hold."""
    if BY_NAME[indicator].kind == "rate":
        if value > 1:
            raise _invalid("Chỉ tiêu tỷ lệ ghi dạng phân số (0,70 = 70%).", "Tỷ lệ phải từ 0 đến 1", "less_than_equal")
    elif value > MAX_TOTAL:
        limit = f"{MAX_TOTAL:,}".replace(",", ".")
        raise _invalid(f"Chỉ tiêu lớn hơn {limit}.", f"Không được lớn hơn {limit}", "less_than_equal")
    elif value != int(value):
        raise _invalid(
            "Chỉ tiêu này là số nguyên (số lượng hoặc đồng).",
            "Phải là số nguyên, không có phần thập phân",
            "int_from_float",
        )


def _invalid(detail: str, msg: str, kind: str) -> ValidationFailed:
    return ValidationFailed(detail, errors=[ErrorItem(loc=["body", "value"], msg=msg, type=kind)])


async def put_target(
    session: AsyncSession, principal: Principal, indicator: str, year: int, data: TargetIn
) -> tuple[TargetOut, bool]:
    _check_value(indicator, data.value)
    unit = await assignable_unit(session, principal, data.unit_code, as_of=data.unit_as_of)
    unit_id = unit.id if unit else None
    stmt = select(Target).where(
        Target.indicator == indicator,
        Target.year == year,
        Target.variant == data.variant,
        Target.unit_id.is_(None) if unit_id is None else Target.unit_id == unit_id,
    )
    target = await session.scalar(stmt.with_for_update())
    created = target is None
    before = {} if target is None else {"value": target.value, "source": target.source}
    if target is None:
        target = Target(indicator=indicator, year=year, unit_id=unit_id, variant=data.variant)
        session.add(target)
    target.value, target.source = data.value, data.source
    await session.flush()
    await audit(
        session,
        principal,
        action="create" if created else "update",
        entity="target",
        entity_id=target.id,
        changes=diff(
            before,
            {"value": data.value, "source": data.source}
            | ({"indicator": indicator, "year": year, "unit_id": unit_id, "variant": data.variant} if created else {}),
        ),
        unit_path=unit.path if unit else None,
    )
    out = TargetOut(
        indicator=indicator,
        year=year,
        unit_code=unit.code if unit else None,
        unit_name=unit.name if unit else None,
        variant=target.variant,
        value=target.value,
        source=target.source,
        version=target.version,
    )
    return out, created
