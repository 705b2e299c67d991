"""Demo registries for the rest of the Thái Bình 2023 article (synthetic where the article gives no detail):

- 7 cooperation agreements of the provincial association: 5 with party committees under the provincial Party
  Committee, one with Hội Khuyến học tỉnh Hà Nam, one with Hội Khuyến học thành phố Hà Nội;
- activities: thousands of articles, a training with the agriculture department, the provincial research
  project and its second prize, the two books;
- inspections under plan 19/KH-HKH of 27/02/2023: the provincial association inspected 8 district units,
  8 commune units and 15 model clans, families and citizens; the district associations inspected every
  other commune (100 % together; recorded at the district, subject "unit", see ``_inspections``);
- the provincial association's own fund: more than 300 million đồng raised and given as awards; and the
  provincial budget's top-up of the learning-society scheme, 3 million đồng more per commune than in 2022
  (one ledger entry, "per commune" in its description: the ledger keeps amounts, not rates).

The names of the party committees and of the models inspected are made up (the article does not give them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api import journal
from api.activities.registry import REGISTRY as ACTIVITIES
from api.associations.registry import REGISTRY as ASSOCIATIONS
from api.auth.principal import SYSTEM
from api.demo.registries import WARDS
from api.funds import ledger
from api.funds.registry import REGISTRY as FUNDS
from api.inspections.registry import REGISTRY as INSPECTIONS
from api.models import Activity, Association, Fund, Inspection, Partnership, Unit, UnitSource
from api.partnerships.registry import REGISTRY as PARTNERSHIPS

YEAR = 2023
PROVINCE = "34"
PROVINCE_BODY = "Hội Khuyến học tỉnh Thái Bình"
PLAN = ("19/KH-HKH", dt.date(2023, 2, 27))
PARTY_COMMITTEES = (  # synthetic: "5 đảng ủy trực thuộc Tỉnh ủy"
    "Đảng ủy Khối các cơ quan tỉnh",
    "Đảng ủy Khối doanh nghiệp tỉnh",
    "Đảng ủy Quân sự tỉnh",
    "Đảng ủy Công an tỉnh",
    "Đảng ủy Bộ đội Biên phòng tỉnh",
)
ASSOCIATIONS_ABROAD = ("Hội Khuyến học tỉnh Hà Nam", "Hội Khuyến học thành phố Hà Nội")
OWN_FUND_VND = 300_500_000  # "trên 300 triệu đồng"
TOP_UP_PER_COMMUNE_VND = 3_000_000
MODELS = (("clan", 5), ("family", 5), ("citizen", 5))  # 15 models (synthetic split)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Vũ")


async def _journal(session: AsyncSession, kind: str, objs: Sequence[Any]) -> None:
    if objs:
        await journal.write_many(session, SYSTEM, action="import", kind=kind, objs=objs)


async def load_article(session: AsyncSession) -> int:
    """Insert the article's registries once; returns how many records were added (0: already there)."""
    province = (
        await session.execute(
            select(Unit.id, Unit.path, Unit.name).where(
                Unit.code == PROVINCE, Unit.source == UnitSource.pre_2025.value, Unit.level == "province"
            )
        )
    ).one()
    where = {"unit_id": province.id, "unit_path": province.path}
    if await session.scalar(select(Partnership.id).where(Partnership.unit_id == province.id)) is not None:
        return 0
    added: list[Any] = []

    hội = Association(kind="association", name=PROVINCE_BODY, founded_on=dt.date(1997, 6, 1), **where)
    session.add(hội)
    await session.flush()
    await _journal(session, ASSOCIATIONS.entity, [hội])

    agreements: list[Partnership] = [
        Partnership(
            title=f"Chương trình phối hợp công tác khuyến học với {party}",
            parties=[party],
            signed_on=dt.date(YEAR, 3 + i, 15),
            year=YEAR,
            scope="Đẩy mạnh khuyến học, khuyến tài, xây dựng xã hội học tập trong đảng bộ.",
            **where,
        )
        for i, party in enumerate(PARTY_COMMITTEES)
    ] + [
        Partnership(
            title=f"Ký kết phối hợp giữa {PROVINCE_BODY} và {other}",
            parties=[other],
            signed_on=dt.date(YEAR, 10, 10 + i),
            year=YEAR,
            scope="Trao đổi kinh nghiệm, phối hợp hoạt động khuyến học giữa hai hội.",
            **where,
        )
        for i, other in enumerate(ASSOCIATIONS_ABROAD)
    ]
    activities = [
        Activity(
            kind="communication",
            title="Bài viết, giao lưu trực tuyến về khuyến học trên báo chí và mạng xã hội",
            year=YEAR,
            articles=2_000,
            notes="Hàng nghìn bài viết (số 2.000 là số minh hoạ).",
            **where,
        ),
        Activity(
            kind="training",
            title="Tập huấn khuyến học gắn với xây dựng nông thôn mới (phối hợp Sở Nông nghiệp và PTNT)",
            year=YEAR,
            **where,
        ),
        Activity(
            kind="research",
            title="Đề tài khoa học cấp tỉnh: đổi mới mô hình Trung tâm học tập cộng đồng giai đoạn 2021 - 2030; "
            "giải nhì Hội thi sáng tạo khoa học công nghệ và kỹ thuật tỉnh lần thứ X",
            year=YEAR,
            **where,
        ),
        Activity(
            kind="publication",
            title="Sách “Hệ thống các văn bản về công tác khuyến học, khuyến tài, xây dựng xã hội học tập” "
            "(NXB Dân trí)",
            year=YEAR,
            **where,
        ),
        Activity(
            kind="publication",
            title="Tập thơ “Tình khuyến học” (NXB Hội Nhà văn)",
            year=YEAR,
            **where,
        ),
    ]
    session.add_all([*agreements, *activities])
    await session.flush()
    await _journal(session, PARTNERSHIPS.entity, agreements)
    await _journal(session, ACTIVITIES.entity, activities)
    added += [*agreements, *activities]

    inspections = await _inspections(session, province.path)
    session.add_all(inspections)
    await session.flush()
    await _journal(session, INSPECTIONS.entity, inspections)
    added += inspections

    own = Fund(name=f"Quỹ khuyến học của {PROVINCE_BODY}", owner_kind="association", association_id=hội.id, **where)
    scheme = Fund(name="Kinh phí đề án xây dựng xã hội học tập (ngân sách tỉnh)", owner_kind="unit", **where)
    session.add_all([own, scheme])
    await session.flush()
    await _journal(session, FUNDS.entity, [own, scheme])
    await ledger.post(session, SYSTEM, own, "contribution", OWN_FUND_VND, dt.date(YEAR, 6, 1), "Huy động năm 2023")
    await ledger.post(
        session, SYSTEM, own, "disbursement", OWN_FUND_VND, dt.date(YEAR, 9, 5), "Trao thưởng của Hội Khuyến học tỉnh"
    )
    communes = len(await _units(session, province.path, "commune"))
    await ledger.post(
        session,
        SYSTEM,
        scheme,
        "contribution",
        TOP_UP_PER_COMMUNE_VND * communes,
        dt.date(YEAR, 4, 1),
        f"Bổ sung tăng so với năm 2022: {TOP_UP_PER_COMMUNE_VND:,} đồng mỗi xã, phường, thị trấn × {communes}".replace(
            ",", "."
        ),
    )
    return len(added) + 3


async def _units(session: AsyncSession, under: str, level: str) -> list[Any]:
    stmt = (
        select(Unit.id, Unit.code, Unit.path, Unit.name, Unit.parent_id)
        .where(Unit.path.like(f"{under}%"), Unit.level == level, Unit.source == UnitSource.pre_2025.value)
        .order_by(Unit.code)
    )
    return list((await session.execute(stmt)).all())


async def _inspections(session: AsyncSession, province_path: str) -> list[Inspection]:
    districts = await _units(session, province_path, "district")
    communes = await _units(session, province_path, "commune")
    plan = {"year": YEAR, "plan_number": PLAN[0], "plan_date": PLAN[1], "result": "Tốt"}
    rows: list[Inspection] = []
    for i, d in enumerate(districts[:8]):
        rows.append(
            Inspection(
                inspecting_body=PROVINCE_BODY,
                subject_kind="association",
                subject_name=f"Hội Khuyến học {d.name}",
                inspected_on=dt.date(YEAR, 4, 3 + i),
                unit_id=d.id,
                unit_path=d.path,
                **plan,
            )
        )
    # The communes the provincial association inspected: those it already has in the registries, then more, to 8.
    already = set(
        (
            await session.scalars(
                select(Inspection.unit_id)
                .join(Unit, Unit.id == Inspection.unit_id)
                .where(
                    Inspection.year == YEAR,
                    Inspection.inspecting_body == PROVINCE_BODY,
                    Unit.level == "commune",
                    Inspection.unit_path.like(f"{province_path}%"),
                )
                .group_by(Inspection.unit_id)
            )
        ).all()
    )
    # The wards with full registries (api/demo/registries.py) keep only their own, so they still reconcile.
    free = [c for c in communes if c.id not in already and c.code not in WARDS]
    for c in free[: max(0, 8 - len(already))]:
        rows.append(
            Inspection(
                inspecting_body=PROVINCE_BODY,
                subject_kind="association",
                subject_name=f"Hội Khuyến học {c.name}",
                inspected_on=dt.date(YEAR, 5, 2),
                unit_id=c.id,
                unit_path=c.path,
                **plan,
            )
        )
    others = [c for c in free if c.id not in {r.unit_id for r in rows}]
    n = 0
    for kind, count in MODELS:
        for _ in range(count):
            c = others[(n * 17) % len(others)]
            label = {"clan": "Dòng họ", "family": "Gia đình", "citizen": "Công dân"}[kind]
            rows.append(
                Inspection(
                    inspecting_body=PROVINCE_BODY,
                    subject_kind=kind,
                    subject_name=f"{label} {FAMILY[n % len(FAMILY)]} (mô hình tiêu biểu)",
                    inspected_on=dt.date(YEAR, 6, 1 + n),
                    unit_id=c.id,
                    unit_path=c.path,
                    **plan,
                )
            )
            n += 1
    # Every other commune inspected by its district's association: recorded at the district (subject "unit",
    # the commune's association named), so that the communes' own registries still agree with their reports
    # (a commune's "inspections" figure counts the inspections recorded under it: api/reports/reconciliation.py).
    direct = already | {r.unit_id for r in rows}
    by_id = {d.id: d for d in districts}
    for c in communes:
        if c.id in direct or c.parent_id not in by_id:
            continue
        d = by_id[c.parent_id]
        rows.append(
            Inspection(
                inspecting_body=f"Hội Khuyến học {d.name}",
                subject_kind="unit",
                subject_name=f"Hội Khuyến học {c.name}",
                inspected_on=dt.date(YEAR, 8, 15),
                unit_id=d.id,
                unit_path=d.path,
                **plan,
            )
        )
    return rows
