"""Queries of administrative units."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Row, Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from api.core.pagination import PageParams, paginate_rows
from api.core.text import fold, like_escape
from api.models import Unit, UnitSuccession

Parent = aliased(Unit, name="parent")


def valid_on(day: dt.date) -> ColumnElement[bool]:
    return and_(
        or_(Unit.valid_from.is_(None), Unit.valid_from <= day),
        or_(Unit.valid_to.is_(None), Unit.valid_to >= day),
    )


def _base() -> Select[Any]:
    return select(Unit.id, Unit.code, Unit.name, Unit.level, Unit.division_type, Unit.path, Unit.valid_from,
                  Unit.valid_to, Parent.code.label("parent_code")).outerjoin(Parent, Parent.id == Unit.parent_id)


async def get_by_code(session: AsyncSession, code: str, day: dt.date) -> Row[Any] | None:
    return (await session.execute(_base().where(Unit.code == code, valid_on(day)))).first()


async def versions_of_code(session: AsyncSession, code: str) -> Sequence[Row[Any]]:
    """Every unit that ever had this code, for helpful 404s."""
    stmt = select(Unit.name, Unit.valid_from, Unit.valid_to).where(Unit.code == code).order_by(Unit.valid_from)
    return (await session.execute(stmt)).all()


async def list_units(
    session: AsyncSession,
    *,
    day: dt.date,
    page: PageParams,
    level: str | None = None,
    parent_id: int | None = None,
    q: str | None = None,
) -> tuple[list[Row[Any]], str | None]:
    stmt = _base().where(valid_on(day))
    if level is not None:
        stmt = stmt.where(Unit.level == level)
    if parent_id is not None:
        stmt = stmt.where(Unit.parent_id == parent_id)
    if q:
        stmt = stmt.where(Unit.search_name.like(f"%{like_escape(fold(q))}%", escape="\\"))
    return await paginate_rows(session, stmt, order=[Unit.code, Unit.id], page=page)


async def successor_codes(session: AsyncSession, ids: Iterable[int]) -> dict[int, list[str]]:
    Succ = aliased(Unit)
    stmt = (
        select(UnitSuccession.predecessor_id, Succ.code)
        .join(Succ, Succ.id == UnitSuccession.successor_id)
        .where(UnitSuccession.predecessor_id.in_(set(ids)))
        .order_by(Succ.code)
    )
    out: dict[int, list[str]] = {}
    for pid, code in (await session.execute(stmt)).tuples():
        out.setdefault(pid, []).append(code)
    return out


async def predecessor_codes(session: AsyncSession, ids: Iterable[int]) -> dict[int, list[str]]:
    Pred = aliased(Unit)
    stmt = (
        select(UnitSuccession.successor_id, Pred.code)
        .join(Pred, Pred.id == UnitSuccession.predecessor_id)
        .where(UnitSuccession.successor_id.in_(set(ids)))
        .order_by(Pred.code)
    )
    out: dict[int, list[str]] = {}
    for sid, code in (await session.execute(stmt)).tuples():
        out.setdefault(sid, []).append(code)
    return out


async def ids_by_path(session: AsyncSession, paths: Iterable[str]) -> dict[str, int]:
    stmt = select(Unit.path, Unit.id).where(Unit.path.in_(set(paths)))
    return dict((await session.execute(stmt)).tuples().all())
