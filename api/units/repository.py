"""Queries of administrative units."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from api.core.pagination import PageParams, paginate_rows
from api.core.text import fold, like_escape
from api.db.base import AnyRow, AnySelect
from api.models import Unit, UnitSuccession

Parent = aliased(Unit, name="parent")


def valid_on(day: dt.date) -> ColumnElement[bool]:
    return and_(
        or_(Unit.valid_from.is_(None), Unit.valid_from <= day),
        or_(Unit.valid_to.is_(None), Unit.valid_to >= day),
    )


def _base() -> AnySelect:
    return select(
        Unit.id,
        Unit.code,
        Unit.name,
        Unit.level,
        Unit.depth,
        Unit.division_type,
        Unit.path,
        Unit.valid_from,
        Unit.valid_to,
        Parent.code.label("parent_code"),
    ).outerjoin(Parent, Parent.id == Unit.parent_id)


async def get_by_code(session: AsyncSession, code: str, day: dt.date) -> AnyRow | None:
    return (await session.execute(_base().where(Unit.code == code, valid_on(day)))).first()


async def list_units(
    session: AsyncSession,
    *,
    day: dt.date,
    page: PageParams,
    level: str | None = None,
    parent_id: int | None = None,
    q: str | None = None,
) -> tuple[list[AnyRow], str | None]:
    stmt = _base().where(valid_on(day))
    if level is not None:
        stmt = stmt.where(Unit.level == level)
    if parent_id is not None:
        stmt = stmt.where(Unit.parent_id == parent_id)
    if q:
        stmt = stmt.where(Unit.search_name.like(f"%{like_escape(fold(q))}%", escape="\\"))
    return await paginate_rows(session, stmt, order=[Unit.depth, Unit.code, Unit.id], page=page)


async def successor_codes(session: AsyncSession, ids: Iterable[int]) -> dict[int, list[str]]:
    succ = aliased(Unit)
    stmt = (
        select(UnitSuccession.predecessor_id, succ.code)
        .join(succ, succ.id == UnitSuccession.successor_id)
        .where(UnitSuccession.predecessor_id.in_(set(ids)))
        .order_by(succ.code)
    )
    out: dict[int, list[str]] = {}
    for pid, code in await session.execute(stmt):
        out.setdefault(pid, []).append(code)
    return out


async def predecessor_codes(session: AsyncSession, ids: Iterable[int]) -> dict[int, list[str]]:
    pred = aliased(Unit)
    stmt = (
        select(UnitSuccession.successor_id, pred.code)
        .join(pred, pred.id == UnitSuccession.predecessor_id)
        .where(UnitSuccession.successor_id.in_(set(ids)))
        .order_by(pred.code)
    )
    out: dict[int, list[str]] = {}
    for sid, code in await session.execute(stmt):
        out.setdefault(sid, []).append(code)
    return out


async def ids_by_path(session: AsyncSession, paths: Iterable[str]) -> dict[str, int]:
    stmt = select(Unit.path, Unit.id).where(Unit.path.in_(set(paths)))
    return dict((await session.execute(stmt)).all())


async def ids_and_names_by_path(session: AsyncSession, paths: Iterable[str]) -> dict[str, tuple[int, str]]:
    stmt = select(Unit.path, Unit.id, Unit.name).where(Unit.path.in_(set(paths)))
    return {path: (id_, name) for path, id_, name in (await session.execute(stmt)).all()}


async def count_children(session: AsyncSession, parent_id: int) -> int:
    return int(await session.scalar(select(func.count()).where(Unit.parent_id == parent_id)) or 0)


async def code_exists(session: AsyncSession, code: str, source: str) -> bool:
    return await session.scalar(select(Unit.id).where(Unit.code == code, Unit.source == source)) is not None


async def latest_by_code(session: AsyncSession, code: str) -> AnyRow | None:
    """The most recent unit that had this code."""
    stmt = _base().where(Unit.code == code).order_by(Unit.valid_from.desc().nulls_last()).limit(1)
    return (await session.execute(stmt)).first()


async def predecessors(session: AsyncSession, ids: Iterable[int]) -> list[AnyRow]:
    """The units the given ones were formed from, through every earlier reorganisation."""
    found: list[AnyRow] = []
    frontier, seen = set(ids), set(ids)
    while frontier:
        stmt = (
            _base()
            .join(UnitSuccession, UnitSuccession.predecessor_id == Unit.id)
            .where(UnitSuccession.successor_id.in_(frontier))
        )
        rows = {r.id: r for r in (await session.execute(stmt)).all() if r.id not in seen}
        frontier = set(rows)
        seen |= frontier
        found += rows.values()
    return found


async def versions_with_successors(session: AsyncSession, code: str) -> Sequence[AnyRow]:
    """Every unit that ever had this code, oldest first, with its path (for successors and messages)."""
    stmt = _base().where(Unit.code == code).order_by(Unit.valid_from.nulls_first(), Unit.id)
    return (await session.execute(stmt)).all()


async def versions_of_codes(session: AsyncSession, codes: Iterable[str]) -> Sequence[AnyRow]:
    """Every unit that ever had one of these codes (imports pick each row's by its date)."""
    return (await session.execute(_base().where(Unit.code.in_(set(codes))))).all()


async def listed_under(
    session: AsyncSession, where: ColumnElement[bool], day: dt.date, *, max_depth: int, limit: int
) -> Sequence[AnyRow]:
    """Units valid on ``day`` that ``where`` admits (the caller's scope), down to ``max_depth``, larger
    units first, at most ``limit`` of them; each with its parent's name (``parent_name``)."""
    stmt = (
        select(Unit.code, Unit.name, Unit.depth, Parent.name.label("parent_name"))
        .outerjoin(Parent, Parent.id == Unit.parent_id)
        .where(where, valid_on(day), Unit.depth <= max_depth)
        .order_by(Unit.depth, Unit.code)
        .limit(limit)
    )
    return (await session.execute(stmt)).all()
