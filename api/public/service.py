"""Public statistics: the signed-in statistics (api/stats) of published unit-years only.

Everything comes from approved reports (the statistics never include drafts without a principal asking
for its own), aggregated: no person, no recipient, no name but units'. Places are communes or above; a
year that is not published is not found (404), a previous year that is not published is not compared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import SYSTEM
from api.core.errors import ErrorItem, NotFound, ValidationFailed
from api.public import publications
from api.stats import rollup
from api.stats import service as stats
from api.stats.schemas import HighlightsOut, IndicatorsOut, SeriesOut


def not_published(code: str, year: int | str) -> NotFound:
    return NotFound(f"Số liệu năm {year} của đơn vị {code} chưa được công bố.")


async def place_for(
    session: AsyncSession, code: str, year: int, as_of: dt.date | None, *, earliest: int | None = None
) -> stats.Place:
    place = await stats.resolve_place(session, code, year, as_of, earliest=earliest)
    if place.unit is None or place.unit.level not in publications.PUBLIC_LEVELS:
        raise NotFound(f"Không công bố số liệu dưới cấp xã ({code}).")
    return place


async def public_years(session: AsyncSession, place: stats.Place, years: Sequence[int]) -> set[int]:
    """The years in which every unit the place's figures are summed from lies under a published unit and
    has approved figures of its own (the rule in api/public/publications.py)."""
    assert place.unit is not None
    published = await publications.published_paths(session, years)
    candidates: dict[int, list[str]] = {}
    for y in years:
        if not published[y]:
            continue
        paths = [s.path for s in await rollup.sources(session, place.unit, rollup.year_end(y))]
        if publications.covered(paths, published[y]):
            candidates[y] = paths
    approved = await publications.approved_years(
        session, {p for paths in candidates.values() for p in paths}, candidates
    )
    return {y for y, paths in candidates.items() if publications.backed(paths, y, approved)}


async def indicators(
    session: AsyncSession,
    *,
    code: str,
    year: int,
    as_of: dt.date | None,
    breakdown: bool,
    names: Sequence[str] | None,
) -> IndicatorsOut:
    place = await place_for(session, code, year, as_of)
    assert place.unit is not None
    if breakdown and place.unit.level == "commune":
        msg = "Không công bố số liệu dưới cấp xã: đơn vị cấp xã không có phân tích theo đơn vị con."
        raise ValidationFailed(msg, errors=[ErrorItem(loc=["query", "breakdown"], msg=msg, type="below_commune")])
    open_years = await public_years(session, place, [year - 1, year])
    if year not in open_years:
        raise not_published(code, year)
    result = await stats.indicators(
        session, SYSTEM, code=code, year=year, as_of=as_of, breakdown=breakdown, include_drafts=False, names=names
    )
    if year - 1 not in open_years:
        for row in result.items:
            row.change_vs_previous_year = None
    return result


async def highlights(session: AsyncSession, *, code: str, year: int, as_of: dt.date | None) -> HighlightsOut:
    place = await place_for(session, code, year, as_of)
    open_years = await public_years(session, place, [year - 1, year])
    if year not in open_years:
        raise not_published(code, year)
    result = await stats.highlights(session, code=code, year=year, as_of=as_of)
    if year - 1 not in open_years:
        for h in result.items:
            h.previous = None
            h.change_vs_previous_year = None
    return result


async def series(
    session: AsyncSession, *, code: str, indicator: str, first: int, last: int, as_of: dt.date | None
) -> SeriesOut:
    if first > last:
        raise ValidationFailed(
            "Năm bắt đầu phải trước năm kết thúc.",
            errors=[ErrorItem(loc=["query", "from"], msg="Phải nhỏ hơn hoặc bằng 'to'", type="range")],
        )
    place = await place_for(session, code, last, as_of, earliest=first)
    open_years = await public_years(session, place, list(range(first, last + 1)))
    if not open_years:
        raise not_published(code, f"{first}–{last}")
    result = await stats.series(session, code=code, indicator=indicator, first=first, last=last, as_of=as_of)
    result.items = [p for p in result.items if p.year in open_years]
    return result
