"""Publishing a unit's year as open data: the decision, who may take it, and what it makes public.

A unit's year is **public** when an admin of that unit or above (scope ``reports:publish``, held by the
admin role only) publishes it, and only once approved figures exist for it (the unit's own report is
approved, or approved reports of the units under it). Publishing a unit makes public its figures and
those of the units under it down to the communes (never villages), read from approved reports only.
Unpublishing deletes the row; both are audited through the journal (``publication`` is not on the
feed: it is a decision about the data, not data).

A place asked for publicly (a unit of either map) is public for a year when every unit its figures are
summed from that year (its *sources*) lies under a published unit of that year **and** has approved figures
of that year (``backed``), the same test as publishing. The publication is a decision taken once; the
approvals behind it are read on every answer, so a source without one is never public on the strength of
its parent's decision: a commune with no approved report under a published province, a merged unit whose
former part has none (the new Hưng Yên's 2023 is Thái Bình's and old Hưng Yên's: publishing Thái Bình does
not make it public), a year whose reports were reopened after it was published.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api import journal
from api.auth import scope
from api.auth.principal import Principal
from api.core.errors import Conflict, NotFound
from api.db.base import AnyRow, utcnow
from api.models import Publication, Report, ReportStatus, Unit, UnitLevel
from api.units import service as units_service

PUBLIC_LEVELS = frozenset({UnitLevel.province.value, UnitLevel.district.value, UnitLevel.commune.value})


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


async def unit_for(session: AsyncSession, principal: Principal, code: str, year: int) -> AnyRow:
    """The unit (the code read on 31 December of the year) inside the caller's scope, at commune level or above."""
    unit = await units_service.resolve(session, code, year_end(year))
    if not scope.visible(principal, unit.path):
        raise NotFound(f"Không có đơn vị {code} năm {year} trong phạm vi của tài khoản.")
    if unit.level not in PUBLIC_LEVELS:
        raise NotFound(f"Chỉ công bố số liệu từ cấp xã trở lên; {code} là thôn/tổ dân phố.")
    return unit


async def find(session: AsyncSession, unit_id: int, year: int) -> Publication | None:
    return await session.scalar(select(Publication).where(Publication.unit_id == unit_id, Publication.year == year))


async def has_approved(session: AsyncSession, unit: AnyRow, year: int) -> bool:
    """Whether approved figures exist for the unit's year: its own report or one of the units under it."""
    return year in (await approved_years(session, [unit.path], [year]))[unit.path]


async def approved_years(session: AsyncSession, paths: Iterable[str], years: Iterable[int]) -> dict[str, set[int]]:
    """Path → the years (of ``years``) in which an approved report exists at or under it: one query per path."""
    wanted = sorted(set(years))
    out: dict[str, set[int]] = {}
    for path in sorted(set(paths)):
        stmt = (
            select(Report.year)
            .distinct()
            .join(Unit, Unit.id == Report.unit_id)
            .where(
                Report.year.in_(wanted),
                Report.status == ReportStatus.approved.value,
                Unit.path.like(f"{path}%"),
            )
        )
        out[path] = set((await session.scalars(stmt)).all())
    return out


async def publish(
    session: AsyncSession, principal: Principal, code: str, year: int
) -> tuple[Publication, AnyRow, bool]:
    """Publish (idempotent: publishing again changes nothing); returns (publication, unit, created)."""
    unit = await unit_for(session, principal, code, year)
    own = await session.scalar(select(Report.status).where(Report.unit_id == unit.id, Report.year == year))
    if own is not None and own != ReportStatus.approved.value:
        raise Conflict(
            f"Báo cáo năm {year} của {unit.name} chưa được phê duyệt: chưa công bố được.", current_status=own
        )
    if not await has_approved(session, unit, year):
        raise Conflict(f"{unit.name} chưa có số liệu năm {year} được phê duyệt: chưa công bố được.")
    existing = await find(session, unit.id, year)
    if existing is not None:
        return existing, unit, False
    publication = Publication(
        unit_id=unit.id, unit_path=unit.path, year=year, published_at=utcnow(), published_by=principal.name
    )
    session.add(publication)
    await session.flush()
    await journal.audit(
        session,
        principal,
        action="publish",
        entity="publication",
        entity_id=publication.id,
        changes={"unit_code": [None, unit.code], "year": [None, year]},
        unit_path=unit.path,
    )
    return publication, unit, True


async def unpublish(
    session: AsyncSession, principal: Principal, code: str, year: int, *, reason: str | None = None
) -> None:
    unit = await unit_for(session, principal, code, year)
    existing = await find(session, unit.id, year)
    if existing is None:
        raise NotFound(f"Số liệu năm {year} của {unit.name} chưa được công bố.")
    await session.delete(existing)
    await session.flush()
    await journal.audit(
        session,
        principal,
        action="unpublish",
        entity="publication",
        entity_id=existing.id,
        changes={"unit_code": [unit.code, None], "year": [year, None]} | ({"reason": [None, reason]} if reason else {}),
        unit_path=unit.path,
    )


async def published_paths(session: AsyncSession, years: Iterable[int]) -> dict[int, list[str]]:
    """Year → the paths of the units published for it."""
    wanted = sorted(set(years))
    out: dict[int, list[str]] = {y: [] for y in wanted}
    stmt = select(Publication.year, Publication.unit_path).where(Publication.year.in_(wanted))
    for year, path in (await session.execute(stmt)).all():
        out[year].append(path)
    return out


def covered(paths: Sequence[str], published: Sequence[str]) -> bool:
    """Whether every path lies under a published unit (and there is at least one)."""
    return bool(paths) and all(any(p.startswith(q) for q in published) for p in paths)


def backed(paths: Sequence[str], year: int, approved: dict[str, set[int]]) -> bool:
    """Whether every path has approved figures of the year (``approved`` from ``approved_years``)."""
    return bool(paths) and all(year in approved.get(p, ()) for p in paths)


async def published_list(session: AsyncSession) -> list[tuple[Publication, Unit]]:
    stmt = (
        select(Publication, Unit)
        .join(Unit, and_(Unit.id == Publication.unit_id))
        .order_by(Publication.year.desc(), Unit.code)
    )
    return [(p, u) for p, u in (await session.execute(stmt)).all()]
