"""Roll-ups kept in ``report_rollups`` (PostgreSQL): filled by statistics requests, marked dirty by every
write to reports in the writing transaction (all ancestors of each changed report, however many rows
one statement changes), summed again only when dirty, and never stored when a write moved them
while they were being summed."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import ReportRollup, Unit
from api.reports.fields import FIGURE_NAMES
from api.stats import rollup
from tests.reporting import REOPEN, submit_and_approve
from tests.reports.conftest import COMPLETE

pytestmark = pytest.mark.postgres_only

REPORT = "/api/v1/reports/12433/2021"  # a commune of old Thái Bình, in a year without demo reports


async def members(client: httpx.AsyncClient, unit: str, year: int) -> Any:
    r = await client.get(
        "/api/v1/stats/indicators",
        params={"unit": unit, "year": year, "indicator": "members"},
        headers={"Cache-Control": "no-cache"},  # past the kept answers: the roll-ups are what is tested
    )
    assert r.status_code == 200, r.text
    return r.json()["items"][0]["value"]


async def kept(session: AsyncSession, year: int, path: str) -> Any:
    return (
        await session.execute(select(ReportRollup).where(ReportRollup.year == year, ReportRollup.path == path))
    ).scalar_one_or_none()


async def ancestors(session: AsyncSession, code: str) -> list[str]:
    path = await session.scalar(select(Unit.path).where(Unit.code == code, Unit.source == "vn-pre-2025"))
    assert path is not None
    cuts = [i + 1 for i, ch in enumerate(path) if ch == "/"]
    return [path[:i] for i in cuts]


async def test_an_approval_marks_every_ancestor_dirty_and_the_next_request_sums_them_again(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    province, district, commune = await ancestors(session, "12433")
    assert await members(client, "34", 2021) is None
    before = await kept(session, 2021, province)
    assert before is not None and not before.dirty and before.reports == 0
    gen = before.gen

    r = await client.put(REPORT, json=COMPLETE)
    assert r.status_code in (200, 201), r.text
    await submit_and_approve(client, "12433", 2021, as_of="2024-12-31")
    session.expire_all()
    for path in (province, district, commune):
        row = await kept(session, 2021, path)
        assert row is not None and row.dirty, path
    assert (await kept(session, 2021, province)).gen > gen

    assert await members(client, "34", 2021) == COMPLETE["members"]
    session.expire_all()
    after = await kept(session, 2021, province)
    assert not after.dirty and after.reports == 1 and after.members == COMPLETE["members"]
    assert await members(client, "336", 2021) == COMPLETE["members"]  # the district, summed when asked

    assert (await client.post(REPORT + "/reopen", json=REOPEN)).status_code == 200
    assert await members(client, "34", 2021) is None


async def test_a_sum_begun_before_a_write_is_not_stored(client: httpx.AsyncClient, session: AsyncSession) -> None:
    province, *_ = await ancestors(session, "12433")
    await members(client, "34", 2023)
    row = await kept(session, 2023, province)
    assert row is not None and not row.dirty
    await session.execute(
        text(
            "UPDATE reports SET members = members + 1 WHERE year = 2023 "
            "AND unit_id IN (SELECT id FROM units WHERE path LIKE :p)"
        ),
        {"p": province + "%"},
    )
    session.expire_all()
    row = await kept(session, 2023, province)
    assert row.dirty
    sums = (1, 1, 0, None, *[1] * len(FIGURE_NAMES))
    await rollup._store(session, [(2023, province, row.gen - 1, sums)])  # begun before the write
    session.expire_all()
    assert (await kept(session, 2023, province)).dirty
    await rollup._store(session, [(2023, province, row.gen, sums)])  # begun after it
    session.expire_all()
    stored = await kept(session, 2023, province)
    assert not stored.dirty and stored.members == 1


async def test_one_statement_marks_every_subtree_it_changes(client: httpx.AsyncClient, session: AsyncSession) -> None:
    thai_binh, *_ = await ancestors(session, "12433")
    ha_nam = await session.scalar(select(Unit.path).where(Unit.code == "35", Unit.source == "vn-pre-2025"))
    first = {code: await members(client, code, 2023) for code in ("34", "35")}
    session.expire_all()
    assert not (await kept(session, 2023, thai_binh)).dirty and not (await kept(session, 2023, ha_nam)).dirty
    changed = await session.execute(
        text(
            "UPDATE reports SET members = members + 2 WHERE year = 2023 AND status = 'approved' AND unit_id IN "
            "(SELECT id FROM units WHERE path LIKE :a OR path LIKE :b)"
        ),
        {"a": thai_binh + "%", "b": ha_nam + "%"},
    )
    counted = {"34": 242, "35": 1}  # Thái Bình's communes report; Hà Nam has one province-level report
    assert changed.rowcount >= sum(counted.values())
    session.expire_all()
    assert (await kept(session, 2023, thai_binh)).dirty and (await kept(session, 2023, ha_nam)).dirty
    for code in ("34", "35"):
        assert await members(client, code, 2023) == first[code] + 2 * counted[code]
