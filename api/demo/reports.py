"""Demo annual reports (synthetic), made so that the province figures equal the seed article exactly.

Thái Bình (old map, code 34): approved reports of all its communes for 2022 and 2023 whose sums are
the figures of "10 dấu ấn nổi bật năm 2023" (../shared/data/thai-binh-2023-figures.json): 662,525
members = 34.9 % of the population, 2,576 branches, 6,287 boards, learning citizens 26.5 %, families
65.6 %, clans 61.2 %, communities 76.1 %, units 77.6 %, commune learning communities 100 %, more than
163 billion đồng raised, 224,729 awards worth more than 118 billion, 17 flags, 146 medals, 82
certificates of merit; 2022 is 0.5 points lower on membership. Hà Nam and Hà Nội file province-level
2023 reports as partners would; a few new Hưng Yên communes have 2026 reports in every state.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from api import journal
from api.auth.principal import SYSTEM
from api.db.base import utcnow
from api.models import Report, ReportStatus, Unit, UnitSource
from api.public import publications
from api.reports import service as _reports  # noqa: F401 - registers the report serializer
from api.reports.fields import FIGURE_NAMES
from api.reports.validation import check

# Province totals. Chains (recognised ≤ registered ≤ denominator) are built per commune below.
THAI_BINH = {
    2023: {
        "population": 1_898_352,
        "households": 600_214,
        "members": 662_525,
        "branches": 2_576,
        "boards": 6_287,
        "learning_citizens": 344_500,
        "citizens_registered": 400_000,
        "citizens_assessed": 1_300_000,
        "learning_families": 393_740,
        "families_registered": 430_000,
        "learning_clans": 5_508,
        "clans_registered": 6_600,
        "clans": 9_000,
        "learning_communities": 1_522,
        "communities_registered": 1_800,
        "communities": 2_000,
        "learning_units": 2_328,
        "units_registered": 2_700,
        "units_assessed": 3_000,
        "communes_rated_learning_community": 242,
        "communes": 242,
        "fund_raised_vnd": 163_250_000_000,
        "fund_balance_vnd": 41_600_000_000,
        "awards_count": 224_729,
        "awards_vnd": 118_300_000_000,
        "emulation_flags": 17,
        "medals": 146,
        "certificates_of_merit": 82,
        "inspections": 16,
    },
    2022: {
        "population": 1_895_000,
        "households": 597_500,
        "members": 652_000,
        "branches": 2_540,
        "boards": 6_100,
        "learning_citizens": 320_000,
        "citizens_registered": 390_000,
        "citizens_assessed": 1_290_000,
        "learning_families": 386_000,
        "families_registered": 425_000,
        "learning_clans": 5_300,
        "clans_registered": 6_400,
        "clans": 8_950,
        "learning_communities": 1_480,
        "communities_registered": 1_760,
        "communities": 2_000,
        "learning_units": 2_240,
        "units_registered": 2_650,
        "units_assessed": 2_950,
        "communes_rated_learning_community": 236,
        "communes": 242,
        "fund_raised_vnd": 150_400_000_000,
        "fund_balance_vnd": 38_000_000_000,
        "awards_count": 210_114,
        "awards_vnd": 105_000_000_000,
        "emulation_flags": 15,
        "medals": 130,
        "certificates_of_merit": 75,
        "inspections": 14,
    },
}

PARTNERS_2023 = {
    "35": {  # Hà Nam
        "population": 878_000,
        "households": 280_000,
        "members": 221_000,
        "branches": 1_210,
        "boards": 2_300,
        "learning_citizens": 190_000,
        "citizens_registered": 230_000,
        "citizens_assessed": 600_000,
        "learning_families": 182_000,
        "families_registered": 200_000,
        "families_assessed": 280_000,
        "learning_clans": 2_100,
        "clans_registered": 2_600,
        "clans": 3_500,
        "learning_communities": 780,
        "communities_registered": 900,
        "communities": 1_100,
        "learning_units": 1_050,
        "units_registered": 1_200,
        "units_assessed": 1_400,
        "communes_rated_learning_community": 95,
        "communes": 98,
        "fund_raised_vnd": 52_000_000_000,
        "fund_balance_vnd": 14_000_000_000,
        "awards_count": 71_000,
        "awards_vnd": 36_500_000_000,
        "emulation_flags": 6,
        "medals": 48,
        "certificates_of_merit": 30,
        "inspections": 9,
    },
    "01": {  # Hà Nội
        "population": 8_435_700,
        "households": 2_300_000,
        "members": 1_702_000,
        "branches": 9_800,
        "boards": 21_000,
        "learning_citizens": 1_650_000,
        "citizens_registered": 2_100_000,
        "citizens_assessed": 5_900_000,
        "learning_families": 1_480_000,
        "families_registered": 1_700_000,
        "families_assessed": 2_300_000,
        "learning_clans": 9_100,
        "clans_registered": 11_000,
        "clans": 14_500,
        "learning_communities": 3_900,
        "communities_registered": 4_400,
        "communities": 5_200,
        "learning_units": 6_200,
        "units_registered": 7_000,
        "units_assessed": 8_100,
        "communes_rated_learning_community": 510,
        "communes": 526,
        "fund_raised_vnd": 410_000_000_000,
        "fund_balance_vnd": 120_000_000_000,
        "awards_count": 515_000,
        "awards_vnd": 290_000_000_000,
        "emulation_flags": 25,
        "medals": 320,
        "certificates_of_merit": 190,
        "inspections": 40,
    },
}

# (recognised, registered, denominator): each commune gets recognised ≤ registered ≤ denominator.
CHAINS = (
    ("members", None, "population"),
    ("learning_citizens", "citizens_registered", "citizens_assessed"),
    ("learning_families", "families_registered", "households"),
    ("learning_clans", "clans_registered", "clans"),
    ("learning_communities", "communities_registered", "communities"),
    ("learning_units", "units_registered", "units_assessed"),
)
PLAIN = (
    "branches",
    "boards",
    "fund_raised_vnd",
    "fund_balance_vnd",
    "awards_count",
    "awards_vnd",
    "emulation_flags",
    "medals",
    "certificates_of_merit",
    "inspections",
)


def split(total: int, weights: Sequence[float]) -> list[int]:
    """Integers proportional to ``weights`` that add up to ``total`` exactly (largest remainder)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    parts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def commune_figures(totals: dict[str, int], n: int, rng: random.Random) -> list[dict[str, int]]:
    size = [rng.uniform(0.5, 1.5) for _ in range(n)]  # how big each commune is
    zeal = [w * rng.uniform(0.85, 1.15) for w in size]  # how far along it is
    rows: list[dict[str, int]] = [{} for _ in range(n)]
    for recognised, registered, denominator in CHAINS:
        rec = split(totals[recognised], zeal)
        reg = (
            [a + b for a, b in zip(rec, split(totals[registered] - totals[recognised], size), strict=True)]
            if registered
            else rec
        )
        top = totals[registered] if registered else totals[recognised]
        den = [a + b for a, b in zip(reg, split(totals[denominator] - top, size), strict=True)]
        for i in range(n):
            rows[i][recognised], rows[i][denominator] = rec[i], den[i]
            if registered:
                rows[i][registered] = reg[i]
    for name in PLAIN:
        for i, v in enumerate(split(totals[name], size)):
            rows[i][name] = v
    rated = set(rng.sample(range(n), totals["communes_rated_learning_community"]))
    for i in range(n):
        rows[i]["families_assessed"] = rows[i]["households"]
        rows[i]["communes"] = 1
        rows[i]["communes_rated_learning_community"] = int(i in rated)
    return rows


async def _communes_of(session: AsyncSession, province: str, source: UnitSource) -> list[tuple[int, str, str]]:
    prov = await session.scalar(select(Unit.path).where(Unit.code == province, Unit.source == source.value))
    stmt = (
        select(Unit.id, Unit.code, Unit.path)
        .where(Unit.level == "commune", Unit.path.like(f"{prov}%"), Unit.source == source.value)
        .order_by(Unit.code)
    )
    return [(r.id, r.code, r.path) for r in (await session.execute(stmt)).all()]


async def _unit(session: AsyncSession, code: str, source: UnitSource) -> tuple[int, str]:
    row = (
        await session.execute(select(Unit.id, Unit.path).where(Unit.code == code, Unit.source == source.value))
    ).one()
    return row.id, row.path


async def load_reports(session: AsyncSession) -> int:
    """Insert the demo reports that are missing; returns how many were added."""
    have = {(u, y) for u, y in (await session.execute(select(Report.unit_id, Report.year))).all()}
    now = utcnow()
    rows: list[dict[str, object]] = []
    paths: list[str] = []
    codes: list[str] = []

    def add(unit_id: int, code: str, path: str, year: int, figures: dict[str, int], status: ReportStatus) -> None:
        if (unit_id, year) in have:
            return
        errors = check(figures, level="commune" if figures.get("communes") == 1 else "province", complete=True)
        assert not errors, f"demo report {unit_id}/{year} breaks the rules: {errors}"
        done = status is not ReportStatus.draft
        rows.append(
            {
                "unit_id": unit_id,
                "year": year,
                "status": status.value,
                **{n: figures[n] for n in FIGURE_NAMES},
                "submitted_at": now if done else None,
                "submitted_by": "demo" if done else None,
                "approved_at": now if status is ReportStatus.approved else None,
                "approved_by": "demo" if status is ReportStatus.approved else None,
            }
        )
        paths.append(path)
        codes.append(code)

    communes = await _communes_of(session, "34", UnitSource.pre_2025)
    for year, totals in THAI_BINH.items():
        for (uid, code, path), figures in zip(
            communes, commune_figures(totals, len(communes), random.Random(year)), strict=True
        ):
            add(uid, code, path, year, figures, ReportStatus.approved)
    for code, figures in PARTNERS_2023.items():
        uid, path = await _unit(session, code, UnitSource.pre_2025)
        add(uid, code, path, 2023, figures, ReportStatus.approved)
    new_communes = (await _communes_of(session, "33", UnitSource.from_2025))[:5]
    for i, (uid, code, path) in enumerate(new_communes):
        # A commune's share of Thái Bình's 2023 totals; scaling keeps every recognised ≤ registered ≤ denominator.
        figures = {k: v * (i + 2) // 800 for k, v in THAI_BINH[2023].items()}
        figures |= {"communes": 1, "communes_rated_learning_community": 1, "families_assessed": figures["households"]}
        status = [
            ReportStatus.approved,
            ReportStatus.approved,
            ReportStatus.approved,
            ReportStatus.submitted,
            ReportStatus.draft,
        ][i]
        add(uid, code, path, 2026, figures, status)
    if rows:
        ids = (await session.execute(insert(Report).returning(Report.id), rows)).scalars().all()
        by_id = {r.id: r for r in (await session.scalars(select(Report).where(Report.id.in_(ids)))).all()}
        await journal.write_many(
            session, SYSTEM, action="import", kind="report", objs=[by_id[i] for i in ids], unit_paths=paths
        )
    return len(rows)


# Open data: the demo's published years (Thái Bình's, whose figures are the article's). Not Hưng Yên's 2023:
# today's Hưng Yên (33) is old Hưng Yên + Thái Bình for 2023 and old Hưng Yên approved no 2023 report, so its
# 2023 is neither publishable nor public (tests/public/test_backing.py).
PUBLISHED = (("34", 2022), ("34", 2023))


async def load_publications(session: AsyncSession) -> int:
    """Publish the demo's open-data years that are not yet published; returns how many were."""
    added = 0
    for code, year in PUBLISHED:
        _, _, created = await publications.publish(session, SYSTEM, code, year)
        added += created
    return added
