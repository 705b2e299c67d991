"""Demo registries (synthetic) for three wards of TP Thái Bình in 2023, made from their reports so
that reconciliation agrees — except Phường Đề Thám, whose award list lacks one award: a visible
mismatch, as real registries have."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from api import journal
from api.associations.registry import REGISTRY as ASSOCIATIONS
from api.auth.principal import SYSTEM
from api.awards.service import REGISTRY as AWARDS
from api.commendations.registry import REGISTRY as COMMENDATIONS
from api.funds import ledger
from api.funds.registry import REGISTRY as FUNDS
from api.inspections.registry import REGISTRY as INSPECTIONS
from api.models import (
    Association,
    AssociationYear,
    Award,
    AwardCategory,
    Commendation,
    Fund,
    Inspection,
    Report,
    Unit,
    UnitSource,
)
from api.reports.validation import effective

WARDS = ("12433", "12436", "12439")  # Lê Hồng Phong, Bồ Xuyên, Đề Thám
MISSING_AWARD = "12439"
YEAR = 2023
GIVEN = (
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Minh",
    "Nam",
    "Ngọc",
    "Phúc",
    "Quang",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vy",
)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")


def _split(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


async def _journal(session: AsyncSession, kind: str, objs: Sequence[Any], path: str | None = None) -> None:
    """The demo's records on the change feed and the audit trail, as if a partner had sent them."""
    paths = [path] * len(objs) if path is not None else None
    await journal.write_many(session, SYSTEM, action="import", kind=kind, objs=objs, unit_paths=paths)


async def load_registries(session: AsyncSession) -> int:
    """Insert the demo registries once; returns how many wards were filled."""
    filled = 0
    categories = [c.id for c in (await session.scalars(select(AwardCategory).order_by(AwardCategory.id))).all()]
    for code in WARDS:
        unit = (
            await session.execute(
                select(Unit.id, Unit.path, Unit.name).where(Unit.code == code, Unit.source == UnitSource.pre_2025.value)
            )
        ).one()
        if await session.scalar(select(Association.id).where(Association.unit_id == unit.id)) is not None:
            continue
        report = await session.scalar(select(Report).where(Report.unit_id == unit.id, Report.year == YEAR))
        if report is None:
            continue
        f = effective(
            {
                n: getattr(report, n)
                for n in (
                    "members",
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
            }
        )
        where = {"unit_id": unit.id, "unit_path": unit.path}
        hội = Association(
            kind="association", name=f"Hội Khuyến học {unit.name}", founded_on=dt.date(1998, 1, 1), **where
        )
        session.add(hội)
        await session.flush()
        branches = [
            Association(
                kind="branch",
                name=f"Chi hội tổ dân phố số {i + 1}",
                host_kind="village",
                parent_id=hội.id,
                founded_on=dt.date(2005, 1, 1),
                **where,
            )
            for i in range(f["branches"] or 0)
        ]
        boards = [
            Association(
                kind="board",
                name=f"Ban khuyến học dòng họ {FAMILY[i % len(FAMILY)]} {i + 1}",
                host_kind="clan",
                parent_id=hội.id,
                founded_on=dt.date(2010, 1, 1),
                **where,
            )
            for i in range(f["boards"] or 0)
        ]
        session.add_all(branches + boards)
        await session.flush()
        await _journal(session, ASSOCIATIONS.entity, [hội, *branches, *boards])
        years = [
            AssociationYear(
                association_id=branch.id, year=YEAR, members=members, rating="Vững mạnh" if members % 3 else "Khá"
            )
            for branch, members in zip(branches, _split(f["members"] or 0, len(branches)), strict=True)
        ]
        session.add_all(years)
        await session.flush()
        await _journal(session, "association_year", years, unit.path)
        fund = Fund(
            name=f"Quỹ khuyến học {unit.name}", owner_kind="association", association_id=hội.id, balance_vnd=0, **where
        )
        session.add(fund)
        await session.flush()
        await _journal(session, FUNDS.entity, [fund])
        raised, balance = f["fund_raised_vnd"] or 0, f["fund_balance_vnd"] or 0
        if balance:
            await ledger.post(
                session, SYSTEM, fund, "contribution", balance, dt.date(YEAR - 1, 12, 1), "Số dư mang sang"
            )
        if raised:
            await ledger.post(session, SYSTEM, fund, "contribution", raised, dt.date(YEAR, 3, 1), "Vận động năm 2023")
        count = (f["awards_count"] or 0) - (1 if code == MISSING_AWARD else 0)
        amounts = _split(f["awards_vnd"] or 0, f["awards_count"] or 1)[:count]
        rows = [
            {
                **where,
                "year": YEAR,
                "awarded_on": dt.date(YEAR, 9, 5),
                "recipient_name": f"{FAMILY[i % 10]} {GIVEN[(i // 10) % 20]} {GIVEN[(i * 7) % 20]}",
                "recipient_kind": "pupil" if i % 9 else "teacher",
                "school": f"Trường THCS {unit.name.split(' ', 1)[1]}",
                "category_id": categories[i % len(categories)],
                "amount_vnd": amount,
                "gift_value_vnd": 0,
                "fund_id": fund.id,
                "version": 1,
            }
            for i, amount in enumerate(amounts)
        ]
        if rows:
            ids = (await session.execute(insert(Award).returning(Award.id), rows)).scalars().all()
            awards = (await session.scalars(select(Award).where(Award.id.in_(ids)).order_by(Award.id))).all()
            await _journal(session, AWARDS.entity, awards)
        # The awards' cash left the fund: one disbursement for the whole list keeps the demo ledger short.
        await ledger.post(
            session, SYSTEM, fund, "disbursement", raised, dt.date(YEAR, 9, 5), "Chi trao thưởng năm 2023"
        )
        later: list[Commendation | Inspection] = []
        for name, form in (
            ("emulation_flags", "emulation_flag"),
            ("medals", "medal"),
            ("certificates_of_merit", "certificate_of_merit"),
        ):
            for i in range(f[name] or 0):
                later.append(
                    Commendation(
                        form=form,
                        year=YEAR,
                        issuing_level="central",
                        issuing_body="Trung ương Hội Khuyến học Việt Nam",
                        decision_number=f"{100 + i}/QĐ-KHVN",
                        recipient_kind="person",
                        recipient_name=f"{FAMILY[i % 10]} Văn {GIVEN[i % 20]}",
                        **where,
                    )
                )
        for i in range(f["inspections"] or 0):
            later.append(
                Inspection(
                    year=YEAR,
                    plan_number="19/KH-HKH",
                    plan_date=dt.date(2023, 2, 27),
                    inspecting_body="Hội Khuyến học tỉnh Thái Bình",
                    subject_kind="association",
                    subject_name=f"Hội Khuyến học {unit.name}",
                    inspected_on=dt.date(2023, 5, 10 + i),
                    result="Tốt",
                    **where,
                )
            )
        session.add_all(later)
        await session.flush()
        await _journal(session, COMMENDATIONS.entity, [o for o in later if isinstance(o, Commendation)])
        await _journal(session, INSPECTIONS.entity, [o for o in later if isinstance(o, Inspection)])
        filled += 1
    return filled
