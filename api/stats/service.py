"""Statistics: indicators of a place (or of each child), series over years, the year's highlights."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import Principal
from api.core.errors import ErrorItem, NotFound, ValidationFailed
from api.core.text import today_vn
from api.db.base import AnyRow
from api.models import Target, Unit
from api.stats import rollup
from api.stats.indicators import BY_NAME, INDICATORS, Indicator, per_capita
from api.stats.schemas import (
    Coverage,
    Highlight,
    HighlightsOut,
    IndicatorsOut,
    Rate,
    SeriesOut,
    SeriesPoint,
)
from api.units import dating
from api.units import repository as units_repo

COUNTRY_CODE, COUNTRY_NAME = "VN", "Toàn quốc"


@dataclass
class Place:
    code: str
    name: str
    path: str  # "" for the whole country; used to find per-unit targets
    unit: AnyRow | None  # None for the whole country


async def resolve_place(
    session: AsyncSession, code: str | None, year: int, as_of: dt.date | None, *, earliest: int | None = None
) -> Place:
    """The place a code names: on ``as_of``, by default today, else on 31 December of the year (for a
    series, of the last year in it that the code named a unit)."""
    if code is None:
        return Place(COUNTRY_CODE, COUNTRY_NAME, "", None)
    row = await units_repo.get_by_code(session, code, as_of or today_vn())
    for y in range(year, (earliest or year) - 1, -1):
        if row is not None or as_of is not None:
            break
        row = await units_repo.get_by_code(session, code, rollup.year_end(y))
    if row is None:
        detail, extra = await dating.explain(session, code, as_of or rollup.year_end(year))
        raise NotFound(detail, **extra)
    return Place(row.code, row.name, row.path, row)


async def sources_of(session: AsyncSession, place: Place, day: dt.date) -> list[AnyRow]:
    if place.unit is None:
        return await rollup.provinces_on(session, day)
    return await rollup.sources(session, place.unit, day)


async def children(session: AsyncSession, place: Place, day: dt.date, map_day: dt.date) -> list[Place]:
    """One level down: today's provinces for the country, else the children as they were on ``day``."""
    if place.unit is None:
        units = await rollup.provinces_on(session, map_day)
    else:
        units = await rollup.children_on(session, await rollup.sources(session, place.unit, day), day)
    return [Place(u.code, u.name, u.path, u) for u in units]


@dataclass
class Figures:
    totals: rollup.Totals
    sources: list[AnyRow]

    @property
    def computed_from(self) -> list[str]:
        return [s.code for s in self.sources]


class Calculator:
    """Finds the sources of all places at once, then has the database sum each year's reports per source."""

    def __init__(self, session: AsyncSession, principal: Principal | None) -> None:
        self.session = session
        self.drafts_of = principal

    async def sources(self, places: Sequence[Place], day: dt.date) -> dict[str, list[AnyRow]]:
        units = [p.unit for p in places if p.unit is not None]
        found = await rollup.sources_of_many(self.session, units, day) if units else {}
        out = {p.code: found[p.unit.id] for p in places if p.unit is not None}
        if any(p.unit is None for p in places):
            provinces = await rollup.provinces_on(self.session, day)
            out.update({p.code: provinces for p in places if p.unit is None})
        return out

    async def figures(self, places: Sequence[Place], years: Sequence[int]) -> dict[tuple[str, int], Figures]:
        srcs = {y: await self.sources(places, rollup.year_end(y)) for y in years}
        paths = {y: sorted({s.path for rows in srcs[y].values() for s in rows}) for y in years}
        sums = await rollup.sum_reports(self.session, paths, include_drafts_of=self.drafts_of)
        out = {}
        for y in years:
            for p in places:
                totals = rollup.Totals()
                for s in srcs[y][p.code]:
                    totals.add(sums[y][s.path])
                out[(p.code, y)] = Figures(totals, srcs[y][p.code])
        return out


def value_of(ind: Indicator, totals: rollup.Totals) -> Rate | int | None:
    value, _ = measure(ind, totals)
    return Rate(**value) if isinstance(value, dict) else value


def measure(ind: Indicator, totals: rollup.Totals) -> tuple[dict[str, Any] | int | None, float | None]:
    """``value_of`` as plain data (a rate as a dict, for validation with the whole answer) and its scalar."""
    if totals.reports == 0:
        return None, None
    num = totals.figures[ind.numerator]
    if ind.kind == "rate":
        den = totals.figures[ind.denominator or ""]
        rate = round(num / den, 6) if den else None
        return {"numerator": num, "denominator": den, "value": rate}, rate
    if ind.kind == "per_capita":
        each = per_capita(num, totals.figures[ind.denominator or ""])
        return each, None if each is None else float(each)
    return num, float(num)


def change(ind: Indicator, now: float | None, before: float | None) -> float | None:
    if now is None or before is None:
        return None
    return round((now - before) * 100, 4) if ind.kind == "rate" else now - before


class Targets:
    """Targets in force: for year Y the nearest target year ≥ Y; a unit's own beats its ancestors', then national."""

    def __init__(self, rows: Sequence[tuple[Target, str | None]]) -> None:
        self.rows = rows
        # indicator → unit path (None: national) → (year, value) of its targets
        self._by_indicator: dict[str, dict[str | None, list[tuple[int, float]]]] = {}
        for t, p in rows:
            self._by_indicator.setdefault(t.indicator, {}).setdefault(p, []).append((t.year, t.value))
        self._memo: dict[tuple[str, str], float | None] = {}
        self._owners: dict[str, list[str | None]] = {}

    @classmethod
    async def load(cls, session: AsyncSession, year: int, variant: str = "") -> Targets:
        stmt = (
            select(Target, Unit.path)
            .outerjoin(Unit, Unit.id == Target.unit_id)
            .where(Target.year >= year, Target.variant == variant)
        )
        return cls([(t, path) for t, path in (await session.execute(stmt)).all()])

    def for_place(self, indicator: str, path: str) -> float | None:
        by_path = self._by_indicator.get(indicator)
        if by_path is None:
            return None
        if len(by_path) == 1 and None in by_path:  # national targets only: the same for every place
            path = ""
        key = (indicator, path)
        if key not in self._memo:
            # The targets of the place's own unit and of the units above it (path prefixes), and national.
            owners = self._owners.get(path)
            if owners is None:
                owners = self._owners[path] = [None, *(path[: i + 1] for i, ch in enumerate(path) if ch == "/")]
            candidates = [(year, -len(p or ""), value) for p in owners for year, value in by_path.get(p, ())]
            self._memo[key] = min(candidates)[2] if candidates else None
        return self._memo[key]


def indicator_row(
    ind: Indicator,
    place: Place,
    year: int,
    now: Figures,
    before: Figures | None,
    targets: Targets,
    coverage: Coverage | None = None,
    computed_from: list[str] | None = None,
) -> dict[str, Any]:
    """One row of ``IndicatorsOut.items``, as the dict that the whole answer is validated from at once
    (one call into pydantic for thousands of rows, not one each)."""
    value, scalar = measure(ind, now.totals)
    target = targets.for_place(ind.name, place.path)
    meets = gap = None
    if target is not None and scalar is not None:
        meets = scalar >= target
        gap = round((scalar - target) * 100, 4) if ind.kind == "rate" else scalar - target
    return {
        "unit_code": place.code,
        "unit_name": place.name,
        "year": year,
        "indicator": ind.name,
        "label": ind.label,
        "kind": ind.kind,
        "value": value,
        "target": target,
        "meets_target": meets,
        "gap": gap,
        "change_vs_previous_year": (
            change(ind, scalar, measure(ind, before.totals)[1]) if before and comparable(now, before) else None
        ),
        "coverage": coverage or _coverage(now.totals),
        "computed_from": now.computed_from if computed_from is None else computed_from,
    }


def comparable(now: Figures, before: Figures) -> bool:
    """Two years compare when both are complete or both cover the same communes: a year with 1 of 242
    communes reported against a complete year would show a fall that is only missing reports."""
    a, b = now.totals, before.totals
    return (a.covered == a.expected and b.covered == b.expected) or (a.covered, a.expected) == (b.covered, b.expected)


def _coverage(t: rollup.Totals) -> Coverage:
    return Coverage.model_construct(counted=t.covered, expected=t.expected, reports=t.reports)


def _pick(names: Sequence[str] | None) -> list[Indicator]:
    if not names:
        return list(INDICATORS)
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        raise ValidationFailed(
            f"Không có chỉ tiêu: {', '.join(unknown)}.",
            errors=[ErrorItem(loc=["query", "indicator"], msg=f"Không có chỉ tiêu {', '.join(unknown)}", type="enum")],
        )
    return [BY_NAME[n] for n in names]


async def indicators(
    session: AsyncSession,
    principal: Principal,
    *,
    code: str | None,
    year: int,
    as_of: dt.date | None,
    breakdown: bool,
    include_drafts: bool,
    names: Sequence[str] | None,
) -> IndicatorsOut:
    place = await resolve_place(session, code, year, as_of)
    chosen = _pick(names)
    day = rollup.year_end(year)
    own = await sources_of(session, place, day)
    places = [place]
    if breakdown:  # as ``children`` does, from the sources already found
        if place.unit is None:
            units = await rollup.provinces_on(session, as_of or today_vn())
        else:
            units = await rollup.children_on(session, own, day)
        places = [Place(u.code, u.name, u.path, u) for u in units]
    calc = Calculator(session, principal if include_drafts else None)
    figures = await calc.figures(places, [year - 1, year])
    targets = await Targets.load(session, year)
    # The queries are done: what is left is CPU (a row per place and indicator, thousands for a breakdown,
    # validated at once), in a worker thread so that the event loop answers other requests meanwhile.
    return await asyncio.to_thread(
        assemble_indicators, place, own, places, chosen, figures, targets, year=year, include_drafts=include_drafts
    )


def assemble_indicators(
    place: Place,
    own: Sequence[AnyRow],
    places: Sequence[Place],
    chosen: Sequence[Indicator],
    figures: dict[tuple[str, int], Figures],
    targets: Targets,
    *,
    year: int,
    include_drafts: bool,
) -> IndicatorsOut:
    """The indicators' answer from the figures read (no database: run it in a thread)."""
    items = []
    for p in places:
        now, before = figures[(p.code, year)], figures[(p.code, year - 1)]
        coverage, computed_from = _coverage(now.totals), now.computed_from  # one per place, shared by its rows
        items += [indicator_row(ind, p, year, now, before, targets, coverage, computed_from) for ind in chosen]
    return IndicatorsOut.model_validate(
        {
            "unit_code": place.code,
            "unit_name": place.name,
            "year": year,
            "status": "all" if include_drafts else "approved",
            "computed_from": [s.code for s in own] if place.unit is not None else [COUNTRY_CODE],
            "items": items,
        }
    )


async def series(
    session: AsyncSession, *, code: str | None, indicator: str, first: int, last: int, as_of: dt.date | None
) -> SeriesOut:
    if first > last:
        raise ValidationFailed(
            "Năm bắt đầu phải trước năm kết thúc.",
            errors=[ErrorItem(loc=["query", "from"], msg="Phải nhỏ hơn hoặc bằng 'to'", type="range")],
        )
    ind = _pick([indicator])[0]
    place = await resolve_place(session, code, last, as_of, earliest=first)
    years = list(range(first, last + 1))
    figures = await Calculator(session, None).figures([place], years)
    return SeriesOut(
        unit_code=place.code,
        unit_name=place.name,
        indicator=ind.name,
        label=ind.label,
        kind=ind.kind,
        items=[
            SeriesPoint(
                year=y,
                value=value_of(ind, figures[(place.code, y)].totals),
                coverage=_coverage(figures[(place.code, y)].totals),
                computed_from=figures[(place.code, y)].computed_from,
            )
            for y in years
        ],
    )


async def highlights(session: AsyncSession, *, code: str | None, year: int, as_of: dt.date | None) -> HighlightsOut:
    place = await resolve_place(session, code, year, as_of)
    figures = await Calculator(session, None).figures([place], [year - 1, year])
    now, before = figures[(place.code, year)], figures[(place.code, year - 1)]
    targets = await Targets.load(session, year)
    items = []
    for ind in INDICATORS:
        row = indicator_row(ind, place, year, now, before, targets)
        items.append(
            Highlight(
                key=ind.name,
                label=ind.label,
                kind=ind.kind,
                value=row["value"],
                previous=value_of(ind, before.totals),
                change_vs_previous_year=row["change_vs_previous_year"],
                target=row["target"],
                meets_target=row["meets_target"],
            )
        )
    return HighlightsOut(
        unit_code=place.code,
        unit_name=place.name,
        year=year,
        computed_from=now.computed_from,
        coverage=_coverage(now.totals),
        items=items,
    )


async def summary_rows(
    session: AsyncSession, *, code: str, year: int, as_of: dt.date | None
) -> tuple[Place, list[tuple[Place, rollup.Totals]]]:
    """The raw figures of a place and of each of its children (approved reports), for the summary workbook."""
    place = await resolve_place(session, code, year, as_of)
    kids = await children(session, place, rollup.year_end(year), as_of or today_vn())
    figures = await Calculator(session, None).figures([place, *kids], [year])
    return place, [(p, figures[(p.code, year)].totals) for p in [place, *kids]]
