"""Roll-ups: sum a year's reports over unit subtrees, counting every place once.

A report counts unless a report of a unit below it exists in the same roll-up (the children's
figures replace the parent's: "deepest wins"), so a unit is never counted twice. Coverage is
measured in communes: a commune (or village) report covers its commune, a district or province
report covers every commune below it.

A unit that did not exist on 31 December of the year (the new Hưng Yên in 2023) takes its figures
from the units it was formed from, as they were then: its *sources*.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import Principal
from api.db.base import AnyRow
from api.models import Report, ReportStatus, Unit, UnitLevel, UnitSuccession
from api.reports.fields import FIGURE_NAMES
from api.units.repository import valid_on

UNIT_COLUMNS = (Unit.id, Unit.code, Unit.name, Unit.level, Unit.path, Unit.valid_from, Unit.valid_to)


@dataclass
class Totals:
    figures: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIGURE_NAMES, 0))
    reports: int = 0
    covered: int = 0  # communes covered
    expected: int = 0  # communes that exist in the subtree


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def existed_on(unit: AnyRow, day: dt.date) -> bool:
    return (unit.valid_from is None or unit.valid_from <= day) and (unit.valid_to is None or unit.valid_to >= day)


async def sources(session: AsyncSession, unit: AnyRow, day: dt.date) -> list[AnyRow]:
    """The units, as they were on ``day``, whose figures are this unit's."""
    if existed_on(unit, day):
        return [unit]
    if unit.valid_from is not None and day < unit.valid_from:
        found: list[AnyRow] = []
        frontier = [unit.id]
        seen = {unit.id}
        while frontier:
            rows = (
                await session.execute(
                    select(*UNIT_COLUMNS)
                    .join(UnitSuccession, UnitSuccession.predecessor_id == Unit.id)
                    .where(UnitSuccession.successor_id.in_(frontier))
                )
            ).all()
            frontier = []
            for r in rows:
                if r.id in seen:
                    continue
                seen.add(r.id)
                if existed_on(r, day):
                    found.append(r)
                elif r.valid_from is not None and day < r.valid_from:
                    frontier.append(r.id)  # formed later still: look further back
        return sorted(found, key=lambda r: r.code)
    return []  # figures after a unit ended belong to its successors and cannot be split back


async def children_on(session: AsyncSession, parents: Sequence[AnyRow], day: dt.date) -> list[AnyRow]:
    stmt = select(*UNIT_COLUMNS).where(Unit.parent_id.in_([p.id for p in parents]), valid_on(day)).order_by(Unit.code)
    return list((await session.execute(stmt)).all())


async def provinces_on(session: AsyncSession, day: dt.date) -> list[AnyRow]:
    stmt = select(*UNIT_COLUMNS).where(Unit.level == UnitLevel.province.value, valid_on(day)).order_by(Unit.code)
    return list((await session.execute(stmt)).all())


def _under(prefixes: Iterable[str]) -> Any:
    return or_(*(Unit.path.like(f"{p}%") for p in prefixes))


@dataclass(frozen=True)
class ReportRow:
    path: str
    level: str
    year: int
    status: str
    figures: tuple[int | None, ...]


async def fetch_reports(
    session: AsyncSession, prefixes: set[str], years: Iterable[int], *, include_drafts_of: Principal | None
) -> list[ReportRow]:
    """Reports of the given years in the subtrees: approved ones, plus the caller's visible drafts if asked."""
    if not prefixes:
        return []
    stmt = (
        select(Unit.path, Unit.level, Report.year, Report.status, *(getattr(Report, n) for n in FIGURE_NAMES))
        .join(Unit, Unit.id == Report.unit_id)
        .where(Report.year.in_(list(years)), _under(prefixes))
    )
    if include_drafts_of is None:
        stmt = stmt.where(Report.status == ReportStatus.approved.value)
    else:
        stmt = stmt.where(or_(Report.status == ReportStatus.approved.value, include_drafts_of.path_filter(Unit.path)))
    return [ReportRow(r[0], r[1], r[2], r[3], tuple(r[4:])) for r in (await session.execute(stmt)).all()]


async def commune_paths(session: AsyncSession, prefixes: set[str], day: dt.date) -> list[str]:
    if not prefixes:
        return []
    stmt = select(Unit.path).where(Unit.level == UnitLevel.commune.value, valid_on(day), _under(prefixes))
    return sorted((await session.scalars(stmt)).all())


def deepest(rows: Sequence[ReportRow]) -> list[ReportRow]:
    """Drop every report that has a report of a unit below it."""
    ordered = sorted(rows, key=lambda r: r.path)
    return [r for i, r in enumerate(ordered) if not (i + 1 < len(ordered) and ordered[i + 1].path.startswith(r.path))]


def _count_under(sorted_paths: list[str], prefix: str) -> int:
    lo = bisect.bisect_left(sorted_paths, prefix)
    hi = bisect.bisect_left(sorted_paths, prefix + "\U0010ffff")
    return hi - lo


def total(rows: Sequence[ReportRow], prefixes: Iterable[str], communes: list[str]) -> Totals:
    """Sum the counted reports under ``prefixes`` (rows already limited to one year and deepest-first)."""
    prefixes = tuple(prefixes)
    out = Totals()
    covered: set[str] = set()
    for r in rows:
        if not r.path.startswith(prefixes):
            continue
        out.reports += 1
        for name, value in zip(FIGURE_NAMES, r.figures, strict=True):
            if value is not None:
                out.figures[name] += value
        if r.level == UnitLevel.commune:
            covered.add(r.path)
        elif r.level == UnitLevel.village:
            covered.add(r.path.rstrip("/").rsplit("/", 1)[0] + "/")
        else:
            lo = bisect.bisect_left(communes, r.path)
            hi = bisect.bisect_left(communes, r.path + "\U0010ffff")
            covered.update(communes[lo:hi])
    out.covered = len(covered)
    out.expected = sum(_count_under(communes, p) for p in prefixes)
    return out
