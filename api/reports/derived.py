"""Report figures derived from the recognition records (issue 16): the records are the source.

Where a commune or village keeps recognition records of a title in a year (registrations of that title in
its subtree), its report's registered and recognised counts of the title ARE the records' counts:

- the recognition service writes them into the unit's report whenever a registration is created, moved,
  deleted or recognised (``refresh``), through the journal: the audit entry (action ``derive``, with its
  reason), the change feed and the change counters see it, so the kept statistics answers are made again
  on the next request, in every worker. An approved report stays approved and its figure still follows the
  records (the reason says so); a unit with no report for the year gets none: its figures are filled in
  when the report is first written;
- a typed value (the form, the Excel import, partner sync) may repeat the derived figure or leave it empty
  (it is then filled in); a different value is refused with a 422 naming the field (``derived_figure``).

Only commune and village reports: registrations are kept there. A district or province report keeps its
typed figures (the roll-ups replace it by its communes' reports when they exist). The denominators
(households, clans, villages, units and citizens subject to assessment) are populations, never derived.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api import journal
from api.auth.principal import Principal
from api.core.errors import ErrorItem
from api.models import Registration, Report, ReportStatus, Unit, UnitLevel
from api.reports.fields import LABELS
from api.units.service import ancestor_paths

# title → (registered, recognised) report fields
TITLES: dict[str, tuple[str | None, str]] = {
    "gia_dinh": ("families_registered", "learning_families"),
    "dong_ho": ("clans_registered", "learning_clans"),
    "cong_dong": ("communities_registered", "learning_communities"),
    "don_vi": ("units_registered", "learning_units"),
    "cong_dan": ("citizens_registered", "learning_citizens"),
    # The commune itself, rated on Thông tư 44: its report's "Xã đạt cộng đồng học tập cấp xã" (0 or 1) is 1 once
    # its sheet of the year is recognised (any band but Chưa đạt, never recognised); the report has no
    # registered count of it. A district's or province's figure is the sum of its communes' (the roll-ups).
    "cong_dong_xa": (None, "communes_rated_learning_community"),
}
FIELDS: tuple[str, ...] = tuple(n for pair in TITLES.values() for n in pair if n is not None)
LEVELS = (UnitLevel.commune.value, UnitLevel.village.value)
# Copies of another instance's records (``khuyenhoc sync pull``: partner ``mirror:<source>``, as
# api/sync/mirror.py's MIRROR_PREFIX) are not this instance's records: they carry no score, no decision, and the
# source's report comes with them. They are never counted, and writing them never moves a report.
COPIES = "mirror:"
REASON = "Số liệu lấy từ hồ sơ công nhận (đăng ký, quyết định công nhận)"
_KEPT_STATUS = {ReportStatus.submitted.value: "đã nộp", ReportStatus.approved.value: "đã phê duyệt"}


def reason(status: str) -> str:
    """The audit entry's reason: a submitted or approved report keeps its state and follows the records."""
    kept = _KEPT_STATUS.get(status)
    return REASON if kept is None else f"{REASON}; báo cáo {kept} vẫn giữ trạng thái {kept}, số liệu theo hồ sơ"


async def counts(
    session: AsyncSession, path: str, year: int, titles: Iterable[str] | None = None
) -> dict[str, tuple[int, int]]:
    """(registered, recognised) per title with registrations in the subtree of ``path`` in ``year``."""
    conds = [
        Registration.unit_path.like(f"{path}%"),
        Registration.year == year,
        or_(Registration.partner.is_(None), ~Registration.partner.startswith(COPIES, autoescape=True)),
    ]
    if titles is not None:
        conds.append(Registration.title.in_(sorted(set(titles))))
    rows = await session.execute(
        select(
            Registration.title,
            func.count(),
            func.coalesce(func.sum(case((Registration.status == "recognised", 1), else_=0)), 0),
        )
        .where(*conds)
        .group_by(Registration.title)
    )
    return {r[0]: (int(r[1]), int(r[2])) for r in rows.all() if r[0] in TITLES}


def is_copy(partner: str | None) -> bool:
    return partner is not None and partner.startswith(COPIES)


def _values(found: Mapping[str, tuple[int, int]], titles: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for title in titles:
        registered, recognised = TITLES[title]
        count, count_recognised = found.get(title, (0, 0))
        if registered is not None:
            out[registered] = count
        out[recognised] = count_recognised
    return out


async def of_unit(session: AsyncSession, unit: Any, year: int) -> dict[str, int]:
    """The derived figures of a unit's report: those of the titles it keeps records of ({} for none, and for
    a district or province)."""
    if unit.level not in LEVELS:
        return {}
    found = await counts(session, unit.path, year)
    return _values(found, found)


async def fill(
    session: AsyncSession, unit: Any, year: int, figures: Mapping[str, Any], *, loc: str = "body"
) -> tuple[dict[str, Any], list[ErrorItem]]:
    """The figures with the derived ones in place, and an error for each typed value that contradicts them."""
    derived = await of_unit(session, unit, year)
    out = dict(figures)
    errors: list[ErrorItem] = []
    for name, value in derived.items():
        typed = figures.get(name)
        if typed is not None and typed != value:
            errors.append(
                ErrorItem(
                    loc=[loc, name],
                    msg=f"{LABELS[name]} lấy từ hồ sơ công nhận của đơn vị ({value}); không nhập số khác",
                    type="derived_figure",
                )
            )
        out[name] = value
    return out, errors


async def refresh(
    session: AsyncSession, principal: Principal, year: int, paths: Iterable[str], titles: Iterable[str]
) -> int:
    """Write the derived figures of ``titles`` into the commune and village reports of ``year`` holding
    ``paths`` (the units of registrations that changed); returns how many reports changed.

    A title with no registration left there is written as 0 (its last record went), and from then on the
    unit may type it again."""
    titles = sorted(set(titles) & set(TITLES))
    holders = {a for p in set(paths) for a in ancestor_paths(p)}
    if not titles or not holders:
        return 0
    rows = (
        await session.execute(
            select(Report, Unit.path)
            .join(Unit, Unit.id == Report.unit_id)
            .where(Report.year == year, Unit.path.in_(sorted(holders)), Unit.level.in_(LEVELS))
            .order_by(Report.id)
            .with_for_update(of=Report)
        )
    ).all()
    changed = 0
    for report, path in rows:
        values = _values(await counts(session, path, year, titles), titles)
        if all(getattr(report, n) == v for n, v in values.items()):
            continue
        before = await journal.snapshot(session, "report", report)
        for name, value in values.items():
            setattr(report, name, value)
        await session.flush()
        await journal.write(
            session,
            principal,
            action="derive",
            kind="report",
            obj=report,
            before=before,
            unit_path=path,
            reason=reason(report.status),
        )
        changed += 1
    return changed
