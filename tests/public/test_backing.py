"""A year is public only where an approved report backs it: the publication is read with the approvals behind
it on every answer (api/public/publications.py), not only when an admin publishes."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.db.base import utcnow
from api.demo.reports import PUBLISHED
from api.models import AuditEntry, Publication, Report, Unit

THAI_BINH_2023 = (Report.year == 2023, Unit.path.like("vn-pre-2025:34/%"))
OLD_MAP = "2023-12-31"


async def _withdraw_approval(session: AsyncSession, *where: object) -> None:
    """Reports back to submitted (as a reopen and resubmit leave them), their version moved as a write does."""
    ids = select(Report.id).join(Unit, Unit.id == Report.unit_id).where(*where)  # type: ignore[arg-type]
    await session.execute(
        update(Report)
        .where(Report.id.in_(ids))
        .values(status="submitted", approved_at=None, approved_by=None, version=Report.version + 1)
    )
    await session.flush()


async def test_the_demo_publishes_only_backed_years(anon: httpx.AsyncClient) -> None:
    r = await anon.get("/api/v1/public/publications")
    assert {(p["unit_code"], p["year"]) for p in r.json()["items"]} == set(PUBLISHED)
    for code, year in PUBLISHED:
        assert (await anon.get(f"/api/v1/public/highlights?unit={code}&year={year}")).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/public/highlights?unit=33&year=2023",  # the new Hưng Yên: old Hưng Yên + Thái Bình
        "/api/v1/public/indicators?unit=33&year=2023",
        "/api/v1/public/indicators?unit=33&year=2023&as_of=2023-12-31",  # old Hưng Yên
        "/api/v1/public/series?unit=33&indicator=members&from=2020&to=2024",
        "/api/v1/public/reports/33/2023/highlights",
    ],
)
async def test_hung_yen_2023_is_not_public_in_the_demo(anon: httpx.AsyncClient, url: str) -> None:
    """Thái Bình's publication does not make today's Hưng Yên public for 2023: old Hưng Yên approved nothing."""
    r = await anon.get(url)
    assert r.status_code == 404, r.text


async def test_hung_yen_2023_cannot_be_published(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/v1/reports/33/2023/publish")
    assert r.status_code == 409, r.text


async def test_a_merged_unit_is_not_public_on_one_part_alone(anon: httpx.AsyncClient, session: AsyncSession) -> None:
    """Old Hưng Yên published for 2023 (say, before its only approved report was reopened) and Thái Bình
    published: the new Hưng Yên's 2023 would be Thái Bình's figures under Hưng Yên's name."""
    old_hung_yen = await session.scalar(select(Unit).where(Unit.path == "vn-pre-2025:33/"))
    assert old_hung_yen is not None
    session.add(
        Publication(
            unit_id=old_hung_yen.id, unit_path=old_hung_yen.path, year=2023, published_at=utcnow(), published_by="x"
        )
    )
    await session.flush()
    assert (await anon.get("/api/v1/public/highlights?unit=33&year=2023")).status_code == 404
    assert (await anon.get(f"/api/v1/public/highlights?unit=33&year=2023&as_of={OLD_MAP}")).status_code == 404
    assert (await anon.get("/api/v1/public/highlights?unit=34&year=2023")).status_code == 200


async def test_a_year_whose_approvals_were_withdrawn_is_not_public(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    assert (await anon.get("/api/v1/public/highlights?unit=34&year=2023")).status_code == 200
    await _withdraw_approval(session, *THAI_BINH_2023)
    for url in (
        "/api/v1/public/highlights?unit=34&year=2023",
        "/api/v1/public/indicators?unit=34&year=2023",
        "/api/v1/public/reports/34/2023/highlights",
        "/api/v1/public/exports/sdmx?unit=34&year=2023",
    ):
        r = await anon.get(url)
        assert r.status_code == 404, f"{url}: {r.status_code} {r.text[:200]}"
    series = await anon.get("/api/v1/public/series?unit=34&indicator=members&from=2020&to=2024")
    assert [p["year"] for p in series.json()["items"]] == [2022]
    # 2022 is still public, without a comparison with a year that no longer is.
    r = await anon.get("/api/v1/public/highlights?unit=34&year=2022")
    assert r.status_code == 200


async def test_a_commune_without_an_approved_report_is_not_public(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    """Thái Bình is published for 2023; one of its communes' report is only submitted."""
    first, second = (
        await session.scalars(
            select(Unit.code)
            .join(Report, Report.unit_id == Unit.id)
            .where(*THAI_BINH_2023)
            .order_by(Unit.code)
            .limit(2)
        )
    ).all()
    await _withdraw_approval(session, *THAI_BINH_2023, Unit.code == first)
    r = await anon.get(f"/api/v1/public/highlights?unit={first}&year=2023&as_of={OLD_MAP}")
    assert r.status_code == 404, r.text
    r = await anon.get(f"/api/v1/public/highlights?unit={second}&year=2023&as_of={OLD_MAP}")
    assert r.status_code == 200, r.text
    assert (await anon.get("/api/v1/public/highlights?unit=34&year=2023")).status_code == 200  # the rest backs it


async def test_unpublishing_keeps_its_reason_in_the_audit(client: httpx.AsyncClient, session: AsyncSession) -> None:
    reason = "Sửa số hội viên của một xã"
    r = await client.request("DELETE", "/api/v1/reports/34/2022/publish", json={"reason": f"  {reason} "})
    assert r.status_code == 204, r.text
    entry = await session.scalar(
        select(AuditEntry).where(AuditEntry.entity == "publication").order_by(AuditEntry.id.desc()).limit(1)
    )
    assert entry is not None and entry.action == "unpublish"
    assert entry.changes["reason"] == [None, reason]
    r = await client.request("DELETE", "/api/v1/reports/34/2023/publish", json={"reason": ""})
    assert r.status_code == 422 and r.json()["errors"][0]["loc"][-1] == "reason"
