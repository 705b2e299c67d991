"""Roll-ups: sum a year's reports over unit subtrees, counting every place once.

A report counts unless a report of a unit below it exists in the same roll-up (the children's
figures replace the parent's: "deepest wins"), so a unit is never counted twice. Coverage is
measured in communes: a commune (or village) report covers its commune, a district or province
report covers every commune below it.

A unit that did not exist on 31 December of the year (the new Hưng Yên in 2023) takes its figures
from the units it was formed from, as they were then: its *sources*.

The sums are made by the database, one statement per year whatever the number of places (the
rows never leave it): reports are read in path order, a report whose next path lies below it is
replaced ("deepest wins", a ``LEAD`` over the paths), and the rest are grouped by the source unit
whose subtree holds them (a path prefix: ``substr(path, 1, n)``). See docs/scaling.md for figures.

On PostgreSQL the approved sums of each unit's subtree are also kept, per year, in ``report_rollups``,
maintained on write: a trigger marks the roll-ups above every changed report dirty (in the writing
transaction), and a request sums again only the dirty or missing ones (``_kept_sums``). A country's
answer then reads ~100 kept rows instead of every report. Requests that include drafts sum live.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import structlog
from sqlalchemy import and_, case, func, literal, null, or_, select, text, tuple_, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from api.auth import scope
from api.auth.principal import Principal
from api.db.base import AnyRow
from api.models import Report, ReportRollup, ReportStatus, Unit, UnitLevel, UnitSuccession
from api.reports.fields import FIGURE_NAMES
from api.units.repository import valid_on

log = structlog.get_logger(__name__)
UNIT_COLUMNS = (Unit.id, Unit.code, Unit.name, Unit.level, Unit.path, Unit.valid_from, Unit.valid_to)
_HIGH_LEVELS = (UnitLevel.province.value, UnitLevel.district.value)


@dataclass
class Totals:
    figures: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIGURE_NAMES, 0))
    reports: int = 0
    covered: int = 0  # communes covered
    expected: int = 0  # communes that exist in the subtree

    def add(self, other: Totals) -> None:
        for name, value in other.figures.items():
            self.figures[name] += value
        self.reports += other.reports
        self.covered += other.covered
        self.expected += other.expected


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def existed_on(unit: AnyRow, day: dt.date) -> bool:
    return (unit.valid_from is None or unit.valid_from <= day) and (unit.valid_to is None or unit.valid_to >= day)


async def sources(session: AsyncSession, unit: AnyRow, day: dt.date) -> list[AnyRow]:
    """The units, as they were on ``day``, whose figures are this unit's."""
    return (await sources_of_many(session, [unit], day))[unit.id]


async def sources_of_many(session: AsyncSession, units: Sequence[AnyRow], day: dt.date) -> dict[int, list[AnyRow]]:
    """``sources`` of many units at once: one query per reorganisation step back, not one per unit."""
    out: dict[int, list[AnyRow]] = {}
    origins: dict[int, set[int]] = defaultdict(set)  # frontier unit id → the units asked about that lead to it
    for unit in units:
        if existed_on(unit, day):
            out[unit.id] = [unit]
            continue
        out[unit.id] = []
        if unit.valid_from is not None and day < unit.valid_from:
            origins[unit.id].add(unit.id)
        # else: figures after a unit ended belong to its successors and cannot be split back
    seen: dict[int, set[int]] = {uid: {uid} for uid in origins}
    found: dict[int, dict[int, AnyRow]] = defaultdict(dict)
    while origins:
        rows = (
            await session.execute(
                select(UnitSuccession.successor_id, *UNIT_COLUMNS)
                .join(Unit, UnitSuccession.predecessor_id == Unit.id)
                .where(UnitSuccession.successor_id.in_(list(origins)))
            )
        ).all()
        frontier: dict[int, set[int]] = defaultdict(set)
        for r in rows:
            unit = r
            for origin in origins[r.successor_id]:
                if unit.id in seen[origin]:
                    continue
                seen[origin].add(unit.id)
                if existed_on(unit, day):
                    found[origin][unit.id] = unit
                elif unit.valid_from is not None and day < unit.valid_from:
                    frontier[unit.id].add(origin)  # formed later still: look further back
        origins = frontier
    for origin, units_found in found.items():
        out[origin] = sorted(units_found.values(), key=lambda u: u.code)
    return out


async def children_on(session: AsyncSession, parents: Sequence[AnyRow], day: dt.date) -> list[AnyRow]:
    stmt = select(*UNIT_COLUMNS).where(Unit.parent_id.in_([p.id for p in parents]), valid_on(day)).order_by(Unit.code)
    return list((await session.execute(stmt)).all())


async def provinces_on(session: AsyncSession, day: dt.date) -> list[AnyRow]:
    stmt = select(*UNIT_COLUMNS).where(Unit.level == UnitLevel.province.value, valid_on(day)).order_by(Unit.code)
    return list((await session.execute(stmt)).all())


def _under(prefixes: Iterable[str]) -> Any:
    return or_(*(Unit.path.like(f"{p}%") for p in prefixes))


def _scope(paths: Iterable[str]) -> list[str]:
    """A few prefixes that hold every path given: their parents' paths (all provinces of a map share one)."""
    parents = set()
    for p in paths:
        head = p.rstrip("/")
        cut = max(head.rfind("/"), head.rfind(":"))
        parents.add(p[: cut + 1] if cut >= 0 else p)
    return sorted(parents)


def _prefix_key(path: Any, prefixes: Iterable[str]) -> ColumnElement[Any]:
    """The one of ``prefixes`` that ``path`` starts with (the deepest when they nest).

    When all prefixes have one length (the usual case: the provinces of a map, the communes of a
    district) the key is simply the path's first characters, and the caller ignores keys that are
    not among the prefixes; else a CASE tries each length from the longest.
    """
    by_length: dict[int, list[str]] = defaultdict(list)
    for p in set(prefixes):
        by_length[len(p)].append(p)
    if len(by_length) == 1:
        return func.substr(path, 1, next(iter(by_length)))
    whens = [
        (func.substr(path, 1, n).in_(sorted(group)), func.substr(path, 1, n))
        for n, group in sorted(by_length.items(), reverse=True)
    ]
    return case(*whens, else_=literal(None)) if whens else literal(None)


async def sum_reports(
    session: AsyncSession,
    prefixes_by_year: Mapping[int, Sequence[str]],
    *,
    include_drafts_of: Principal | None,
) -> dict[int, dict[str, Totals]]:
    """Totals of each subtree (by its path prefix) for each year: approved reports, plus the caller's
    visible drafts if asked; figures, reports and coverage.

    Two statements whatever the number of years and places: the sums, then the communes. Prefixes that
    nest (a province and its districts) are summed in separate parts of the statement."""
    out: dict[int, dict[str, Totals]] = {y: {p: Totals() for p in prefixes_by_year[y]} for y in prefixes_by_year}
    layers = [(y, layer) for y, prefixes in prefixes_by_year.items() for layer in _layers(prefixes)]
    if not layers:
        return out
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres and include_drafts_of is None:
        rows = await _kept_sums(session, layers)
    else:
        stmt = _sums_statement(tuple((y, tuple(layer)) for y, layer in layers), include_drafts_of, postgres)
        rows = list((await session.execute(stmt)).all())
    layer_sets = [set(layer) for _, layer in layers]
    whole: dict[int, list[tuple[int, str, str]]] = defaultdict(list)  # district and province reports that count
    units_version: tuple[int, int] = (0, 0)
    for part, key, reports, commune_reports, village_communes, high, *figures in rows:
        if part == _UNITS_VERSION:
            units_version = (int(reports or 0), int(commune_reports or 0))
            continue
        year, layer = layers[part]
        if key not in layer_sets[part]:
            continue  # rows of the scope outside every prefix
        t = out[year][key]
        t.reports += reports
        t.covered += int(commune_reports or 0) + int(village_communes or 0)
        for n, value in zip(FIGURE_NAMES, figures, strict=True):
            if value is not None:
                t.figures[n] += int(value)
        if high:
            whole[part].extend((year, key, path) for path in high.split(","))
    more = {n: [w[2] for w in ws] for n, ws in whole.items()}
    expected, below = await _commune_counts(session, layers, more, units_version)
    for part, (year, layer) in enumerate(layers):
        for p in layer:
            out[year][p].expected = expected.get((part, p), 0)
        for year_, key, path in whole[part]:
            out[year_][key].covered += below.get((part, path), 0)
    return out


@functools.lru_cache(maxsize=64)
def _sums_statement(
    layers: tuple[tuple[int, tuple[str, ...]], ...], drafts_of: Principal | None, postgres: bool
) -> Any:
    """The sums' statement, kept for the next request of the same shape (building it costs more than
    running a small one)."""
    parts = [_year_sums(n, y, layer, drafts_of, postgres) for n, (y, layer) in enumerate(layers)]
    return union_all(*parts, _units_version(2 + len(FIGURE_NAMES)))  # village_communes, high, the figures


_UNITS_VERSION = -1


def _layers(prefixes: Iterable[str]) -> list[list[str]]:
    """The prefixes split so that none nests in another of its group: paths of one depth never do."""
    by_depth: dict[int, set[str]] = defaultdict(set)
    for p in prefixes:
        by_depth[p.count("/")].add(p)
    return [sorted(group) for _, group in sorted(by_depth.items())]


def _year_sums(part: int, year: int, prefixes: Sequence[str], drafts_of: Principal | None, postgres: bool) -> Any:
    """One year's counted reports summed per prefix, with the paths of counted district and province reports.

    Rows are read by prefix, then in path order (C collation): the reports below a report follow it at
    once, so a report is replaced when the next path starts with its own; the villages of a commune are
    consecutive, so the communes covered by village reports are the villages whose previous row has
    another parent. The sums then read the rows in that order, without sorting them again."""
    visible: ColumnElement[bool] = Report.status == ReportStatus.approved.value
    if drafts_of is not None:
        visible = or_(visible, scope.condition(drafts_of, Unit.path))
    key = _prefix_key(Unit.path, prefixes)
    path: Any = Unit.path.collate("C") if postgres else Unit.path
    rows = (
        select(
            key.label("key"),
            Unit.path.label("path"),
            Unit.level.label("level"),
            Unit.parent_id.label("parent_id"),
            func.lead(Unit.path).over(partition_by=key, order_by=path).label("next_path"),
            func.lag(Unit.parent_id).over(partition_by=key, order_by=path).label("previous_parent"),
            *(getattr(Report, n).label(n) for n in FIGURE_NAMES),
        )
        .join(Unit, Unit.id == Report.unit_id)
        .where(Report.year == year, visible, _under(_scope(prefixes)))
        .subquery(f"r{part}")
    )
    counted = or_(rows.c.next_path.is_(None), func.substr(rows.c.next_path, 1, func.length(rows.c.path)) != rows.c.path)
    first_village = and_(
        rows.c.level == UnitLevel.village.value,
        or_(rows.c.previous_parent.is_(None), rows.c.previous_parent != rows.c.parent_id),
    )
    return (
        select(
            literal(part).label("part"),
            rows.c.key,
            func.count().label("reports"),
            func.sum(case((rows.c.level == UnitLevel.commune.value, 1), else_=0)).label("commune_reports"),
            func.sum(case((first_village, 1), else_=0)).label("village_communes"),
            func.aggregate_strings(case((rows.c.level.in_(_HIGH_LEVELS), rows.c.path)), ",").label("high"),
            *(func.sum(rows.c[n]).label(n) for n in FIGURE_NAMES),
        )
        .where(counted)
        .group_by(rows.c.key)
    )


_KEPT = (
    ReportRollup.reports,
    ReportRollup.commune_reports,
    ReportRollup.village_communes,
    ReportRollup.high,
    *(getattr(ReportRollup, n) for n in FIGURE_NAMES),
)
# Storing sums must not make a reader wait for a writer: it gives up (and sums again next time).
_STORE_LOCK_TIMEOUT = text("SET LOCAL lock_timeout = '100ms'")


async def _kept_sums(session: AsyncSession, layers: Sequence[tuple[int, Sequence[str]]]) -> list[Sequence[Any]]:
    """``_sums_statement``'s rows from the kept roll-ups (PostgreSQL, approved reports): the subtrees whose
    roll-up is missing or dirty are summed again and stored, unless a write moved their generation
    meanwhile (that write's transaction then marked them dirty again, or will at its commit)."""
    wanted = sorted({(y, p) for y, layer in layers for p in layer})
    found = {
        (r.year, r.path): r
        for r in (
            await session.execute(
                select(ReportRollup.year, ReportRollup.path, ReportRollup.gen, ReportRollup.dirty, *_KEPT).where(
                    tuple_(ReportRollup.year, ReportRollup.path).in_(wanted)
                )
            )
        ).all()
    }
    values: dict[tuple[int, str], Sequence[Any]] = {k: tuple(r)[4:] for k, r in found.items() if not r.dirty}
    units_version: Sequence[Any] = ()
    stale = [k for k in wanted if k not in values]
    if stale:
        by_year: dict[int, list[str]] = defaultdict(list)
        for y, p in stale:
            by_year[y].append(p)
        parts = [(y, tuple(layer)) for y, paths in by_year.items() for layer in _layers(paths)]
        empty = (0, 0, 0, None, *[None] * len(FIGURE_NAMES))
        summed: dict[tuple[int, str], Sequence[Any]] = dict.fromkeys(stale, empty)
        for row in (await session.execute(_sums_statement(tuple(parts), None, True))).all():
            part, key, *sums = row
            if part == _UNITS_VERSION:
                units_version = row
            elif (parts[part][0], key) in summed:
                summed[(parts[part][0], key)] = tuple(sums)
        values.update(summed)
        await _store(session, [(y, p, found[(y, p)].gen if (y, p) in found else 0, summed[(y, p)]) for y, p in stale])
    if not units_version:
        units_version = (await session.execute(_units_version(2))).one()
    out: list[Sequence[Any]] = [units_version]
    for part, (year, layer) in enumerate(layers):
        out.extend((part, p, *values[(year, p)]) for p in layer)
    return out


async def _store(session: AsyncSession, rows: Sequence[tuple[int, str, int, Sequence[Any]]]) -> None:
    names = ["reports", "commune_reports", "village_communes", "high", *FIGURE_NAMES]
    stmt = pg_insert(ReportRollup).values(
        [
            {"year": y, "path": p, "gen": gen, "dirty": False, **dict(zip(names, sums, strict=True))}
            for y, p, gen, sums in rows
        ]
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[ReportRollup.year, ReportRollup.path],
        set_={n: stmt.excluded[n] for n in [*names, "dirty"]},
        where=ReportRollup.gen == stmt.excluded.gen,
    )
    try:
        async with session.begin_nested():
            await session.execute(_STORE_LOCK_TIMEOUT)
            await session.execute(stmt)
    except DBAPIError as exc:  # a writer holds a row: its commit marks it dirty again anyway
        log.info("rollups_not_stored", rows=len(rows), error=type(exc.orig).__name__)


@functools.lru_cache(maxsize=2)
def _units_version(padding: int) -> Any:
    """The row that says whether commune counts kept from an earlier request still hold: the newest unit
    and succession ids (communes are only ever added, by the loader), in the columns "reports" and
    "commune_reports" of the sums' rows, then ``padding`` nulls."""
    return select(
        literal(_UNITS_VERSION),
        null(),
        select(func.max(Unit.id)).scalar_subquery(),
        select(func.max(UnitSuccession.id)).scalar_subquery(),
        *[null()] * padding,
    )


CommuneCounts = tuple[dict[tuple[int, str], int], dict[tuple[int, str], int]]
_COUNTED: OrderedDict[tuple[Any, ...], tuple[tuple[int, int], CommuneCounts]] = OrderedDict()


async def _commune_counts(
    session: AsyncSession,
    layers: Sequence[tuple[int, Sequence[str]]],
    more: dict[int, list[str]],
    units_version: tuple[int, int],
) -> CommuneCounts:
    """Communes existing on 31 December of the year below each prefix of each part, and below each
    path of ``more`` (district and province reports that count). Kept per worker while the newest unit
    and succession ids are the same: they depend on units only."""
    shape = (tuple((y, tuple(p)) for y, p in layers), tuple(tuple(more.get(n) or ()) for n in range(len(layers))))
    kept = _COUNTED.get(shape)
    if kept is not None and kept[0] == units_version and units_version != (0, 0):
        _COUNTED.move_to_end(shape)
        return kept[1]
    expected: dict[tuple[int, str], int] = defaultdict(int)
    below: dict[tuple[int, str], int] = defaultdict(int)
    for part, k, k2, n in (await session.execute(_communes_statement(*shape))).all():
        expected[(part, k)] += n
        if k2 is not None:
            below[(part, k2)] += n
    _COUNTED[shape] = (units_version, (expected, below))
    while len(_COUNTED) > 64:
        _COUNTED.popitem(last=False)
    return expected, below


@functools.lru_cache(maxsize=64)
def _communes_statement(layers: tuple[tuple[int, tuple[str, ...]], ...], more: tuple[tuple[str, ...], ...]) -> Any:
    parts = []
    for part, (year, prefixes) in enumerate(layers):
        extra = more[part]
        communes = (
            select(
                _prefix_key(Unit.path, prefixes).label("key"),
                (_prefix_key(Unit.path, extra) if extra else literal(None)).label("key2"),
            )
            .where(Unit.level == UnitLevel.commune.value, valid_on(year_end(year)), _under(_scope(prefixes)))
            .subquery(f"c{part}")
        )
        parts.append(
            select(literal(part).label("part"), communes.c.key, communes.c.key2, func.count().label("n")).group_by(
                communes.c.key, communes.c.key2
            )
        )
    return parts[0] if len(parts) == 1 else union_all(*parts)
