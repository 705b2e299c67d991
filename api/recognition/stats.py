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
            )
        )
    units = await session.scalar(
        select(func.count(func.distinct(Registration.unit_id))).where(where.condition(), Registration.year == year)
    )
    return RatesOut(unit_code=code, year=year, rates=out, units_keeping_records=int(units or 0))


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
    floor = content.pass_rule.min_per_index
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
