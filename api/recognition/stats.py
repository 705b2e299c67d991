"""Recognition statistics: rates by title and citizens' group, units keeping records, the distribution of
points per index. Counts only: no name leaves the unit scope through these."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from api.auth import scope
from api.auth.principal import Principal
from api.models import Registration, Target
from api.recognition import criteria, service
from api.recognition.schemas import DistributionOut, IndexStat, RateOut, RatesOut, TargetOut
from api.units import dating

__all__ = ["IndexStat", "RateOut", "distribution", "place", "rates"]
INDICATORS = {
    "gia_dinh": "learning_family_rate",
    "dong_ho": "learning_clan_rate",
    "cong_dong": "learning_community_rate",
    "don_vi": "learning_unit_rate",
    "cong_dan": "learning_citizen_rate",
    "cong_dong_xa": "commune_learning_community_rate",
}


@dataclass(frozen=True)
class Place:
    code: str
    paths: tuple[str, ...]

    def condition(self) -> ColumnElement[bool]:
        return or_(*(Registration.unit_path.like(f"{p}%") for p in self.paths)) if self.paths else false()


async def place(session: AsyncSession, principal: Principal, code: str, year: int) -> Place:
    """The unit (and those it was formed from, as in /stats) on the year's map, inside the caller's scope."""
    found = await dating.resolve_filter(session, code, as_of=None, year=year)
    for path in found.paths:
        scope.require_unit(principal, path, code, field="unit", loc="query")
    return Place(code, found.paths)


async def rates(session: AsyncSession, principal: Principal, code: str, year: int) -> RatesOut:
    where = await place(session, principal, code, year)
    found = await service.counts(session, [where.condition(), Registration.year == year])
    keys = criteria.shipped_keys()
    national = (
        (
            await session.execute(
                select(Target)
                .where(Target.unit_id.is_(None), Target.indicator.in_(set(INDICATORS.values())))
                .order_by(Target.indicator, Target.year, Target.variant)
            )
        )
        .scalars()
        .all()
    )
    bands = await rating_counts(session, [where.condition(), Registration.year == year])
    out = []
    for title, group in keys:
        mine = {k: n for k, n in found.items() if k[0] == title and k[1] == group}
        registered = sum(mine.values())
        assessed = sum(n for k, n in mine.items() if k[2] in service.ASSESSED)
        recognised = sum(n for k, n in mine.items() if k[2] == "recognised")
        out.append(
            RateOut(
                title=title,
                target_group=group,
                registered=registered,
                assessed=assessed,
                recognised=recognised,
                rate=round(recognised / assessed, 4) if assessed else None,
                indicator=INDICATORS[title],
                targets=[
                    TargetOut(year=t.year, variant=t.variant, value=t.value, source=t.source)
                    for t in national
                    if t.indicator == INDICATORS[title]
                ],
                **(await _ratings(session, title, group, year, bands)),
            )
        )
    units = await session.scalar(
        select(func.count(func.distinct(Registration.unit_id))).where(where.condition(), Registration.year == year)
    )
    return RatesOut(unit_code=code, year=year, rates=out, units_keeping_records=int(units or 0))


async def rating_counts(
    session: AsyncSession, conds: list[ColumnElement[bool]]
) -> dict[tuple[str, str | None, str, str], int]:
    """(title, target group, status, band) → sheets, for the rated sheets (counts only)."""
    rows = await session.execute(
        select(Registration.title, Registration.target_group, Registration.status, Registration.rating, func.count())
        .where(*conds, Registration.rating.is_not(None))
        .group_by(Registration.title, Registration.target_group, Registration.status, Registration.rating)
    )
    return {(r[0], r[1], r[2], str(r[3])): int(r[4]) for r in rows.all()}


async def _ratings(
    session: AsyncSession, title: str, group: str | None, year: int, bands: dict[tuple[str, str | None, str, str], int]
) -> dict[str, dict[str, int]]:
    """The rating distribution of a title with a rating rule: every band of the year's set (0 when none), and
    any band an earlier version gave (a sheet keeps the band of its version)."""
    mine = {(status, band): n for (t, g, status, band), n in bands.items() if t == title and g == group}
    if criteria.shipped(criteria.key_of(title, group)).rating_rule is None and not mine:
        return {}
    version = await criteria.current_version(session, title, group, year)
    rule = (await criteria.get(session, title, group, version)).rating_rule
    codes = [b.code for b in rule.bands] if rule is not None else []
    assessed = dict.fromkeys(codes, 0)
    recognised = dict.fromkeys(codes, 0)
    for (status, band), n in mine.items():
        if status not in service.ASSESSED:
            continue
        assessed[band] = assessed.get(band, 0) + n
        if status == "recognised":
            recognised[band] = recognised.get(band, 0) + n
        else:
            recognised.setdefault(band, 0)
    return {"ratings": assessed, "recognised_ratings": recognised}


async def distribution(
    session: AsyncSession,
    principal: Principal,
    code: str,
    year: int,
    title: str,
    target_group: str | None,
    version: int | None,
) -> DistributionOut:
    criteria.check_group(title, target_group, ("query", "target_group"))
    where = await place(session, principal, code, year)
    version = version or await criteria.current_version(session, title, target_group, year)
    content = await criteria.get(session, title, target_group, version)
    conds = [
        where.condition(),
        Registration.year == year,
        Registration.title == title,
        Registration.criteria_version == version,
        Registration.scores.is_not(None),
    ]
    if target_group is not None:
        conds.append(Registration.target_group == target_group)
    per: dict[str, Counter[int]] = {i.code: Counter() for i in content.indices()}
    sheets = passed = 0
    result = await session.stream(select(Registration.scores, Registration.passed).where(*conds))
    async for scores, ok in result:
        sheets += 1
        passed += bool(ok)
        for k, v in (scores or {}).items():
            if k in per:
                per[k][int(v)] += 1
    floor = content.pass_rule.min_per_index  # 0 for a set rated only by bands (Thông tư 44): nothing is below
    indices = []
    for ix in content.indices():
        c = per[ix.code]
        n = sum(c.values())
        indices.append(
            IndexStat(
                code=ix.code,
                name=ix.name,
                max_points=ix.max_points,
                sheets=n,
                mean=round(sum(k * v for k, v in c.items()) / n, 2) if n else None,
                below_min=sum(v for k, v in c.items() if k < floor),
                distribution={str(k): c[k] for k in sorted(c)},
            )
        )
    return DistributionOut(
        title=title,
        target_group=target_group,
        version=version,
        year=year,
        sheets=sheets,
        passed=passed,
        indices=indices,
    )
