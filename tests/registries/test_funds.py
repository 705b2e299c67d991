"""Fund ledgers: money moves only through entries, balances never go below zero, even under concurrency."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import SYSTEM
from api.core.errors import Conflict
from api.db.engine import Database, make_engine, write_intent
from api.funds import ledger
from api.models import Fund, FundEntry
from tests.conftest import DatabaseFactory, migrate_and_load

WARD = "12442"  # a ward of TP Thái Bình without demo registries
OLD = "2024-12-31"


async def new_fund(client: httpx.AsyncClient, name: str = "Quỹ khuyến học phường") -> dict[str, Any]:
    r = await client.post(
        "/api/v1/funds", json={"name": name, "owner_kind": "association", "unit_code": WARD, "unit_as_of": OLD}
    )
    assert r.status_code == 201, r.text
    return r.json()


async def entry(client: httpx.AsyncClient, fund_id: int, **body: Any) -> httpx.Response:
    return await client.post(f"/api/v1/funds/{fund_id}/entries", json=body)


async def balance(client: httpx.AsyncClient, fund_id: int) -> int:
    return int((await client.get(f"/api/v1/funds/{fund_id}")).json()["balance_vnd"])


async def entries_sum(session: AsyncSession, fund_id: int) -> int:
    return int(
        await session.scalar(
            select(func.coalesce(func.sum(FundEntry.amount_vnd), 0)).where(FundEntry.fund_id == fund_id)
        )
        or 0
    )


async def test_contributions_disbursements_and_no_overdraft(client: httpx.AsyncClient, session: AsyncSession) -> None:
    fund = await new_fund(client)
    assert fund["balance_vnd"] == 0
    assert (
        await entry(client, fund["id"], kind="contribution", amount_vnd=5_000_000, occurred_on="2024-03-01")
    ).status_code == 201
    assert (await entry(client, fund["id"], kind="disbursement", amount_vnd=1_200_000)).status_code == 201
    short = await entry(client, fund["id"], kind="disbursement", amount_vnd=3_800_001)
    assert short.status_code == 409 and short.json()["balance_vnd"] == 3_800_000
    assert "3.800.000" in short.json()["detail"]
    assert await balance(client, fund["id"]) == 3_800_000 == await entries_sum(session, fund["id"])
    for bad, loc in [
        ({"kind": "contribution"}, "amount_vnd"),
        ({"kind": "disbursement", "amount_vnd": -5}, "amount_vnd"),
        ({"kind": "gift", "amount_vnd": 5}, "kind"),
        ({"kind": "transfer", "amount_vnd": 5}, "to_fund_id"),
    ]:
        r = await entry(client, fund["id"], **bad)
        assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", loc], bad
    ledger_rows = (await client.get(f"/api/v1/funds/{fund['id']}/entries")).json()["items"]
    assert [(e["kind"], e["amount_vnd"]) for e in ledger_rows] == [
        ("contribution", 5_000_000),
        ("disbursement", -1_200_000),
    ]


async def test_transfers_are_balanced_and_reversals_undo_once(client: httpx.AsyncClient, session: AsyncSession) -> None:
    a, b = await new_fund(client, "Quỹ A"), await new_fund(client, "Quỹ B")
    first = (await entry(client, a["id"], kind="contribution", amount_vnd=1_000_000)).json()
    moved = await entry(client, a["id"], kind="transfer", amount_vnd=400_000, to_fund_id=b["id"], description="Hỗ trợ")
    assert moved.status_code == 201 and moved.json()["amount_vnd"] == -400_000
    assert (await balance(client, a["id"]), await balance(client, b["id"])) == (600_000, 400_000)
    assert (await entry(client, a["id"], kind="transfer", amount_vnd=700_000, to_fund_id=b["id"])).status_code == 409
    assert (await balance(client, a["id"]), await balance(client, b["id"])) == (600_000, 400_000)
    # Reversing the contribution would take the fund below zero (600,000 left of 1,000,000).
    assert (await entry(client, a["id"], kind="reversal", reverses_entry_id=first["id"])).status_code == 409
    second = (await entry(client, b["id"], kind="contribution", amount_vnd=50_000)).json()
    undone = await entry(client, b["id"], kind="reversal", reverses_entry_id=second["id"])
    assert undone.status_code == 201 and undone.json()["amount_vnd"] == -50_000
    assert (await entry(client, b["id"], kind="reversal", reverses_entry_id=second["id"])).status_code == 409
    for fund in (a, b):
        assert await balance(client, fund["id"]) == await entries_sum(session, fund["id"])
    assert await entries_sum(session, a["id"]) + await entries_sum(session, b["id"]) == 1_000_000


async def test_entries_are_never_edited_or_deleted(client: httpx.AsyncClient, session: AsyncSession) -> None:
    fund = await new_fund(client)
    e = (await entry(client, fund["id"], kind="contribution", amount_vnd=10_000)).json()
    assert (await client.patch(f"/api/v1/funds/{fund['id']}/entries/{e['id']}", json={})).status_code in (404, 405)
    assert (await client.delete(f"/api/v1/funds/{fund['id']}/entries/{e['id']}")).status_code in (404, 405)
    for statement in ("UPDATE fund_entries SET amount_vnd = 1", "DELETE FROM fund_entries"):
        with pytest.raises(DBAPIError, match="append-only"):
            async with session.begin_nested():
                await session.execute(text(statement))
    assert await entries_sum(session, fund["id"]) == 10_000


async def test_an_award_paid_from_a_fund_posts_its_disbursement_in_the_same_transaction(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    fund = await new_fund(client)
    await entry(client, fund["id"], kind="contribution", amount_vnd=2_000_000)
    award = {
        "unit_code": WARD,
        "unit_as_of": OLD,
        "year": 2024,
        "recipient_name": "Trần Thị Mai",
        "recipient_kind": "pupil",
        "category": "hoc_bong_vuot_kho",
        "amount_vnd": 1_500_000,
        "fund_id": fund["id"],
    }
    r = await client.post("/api/v1/awards", json=award)
    assert r.status_code == 201, r.text
    assert await balance(client, fund["id"]) == 500_000
    paid = (await client.get(f"/api/v1/funds/{fund['id']}/entries")).json()["items"][-1]
    assert (paid["kind"], paid["amount_vnd"], paid["award_id"]) == ("disbursement", -1_500_000, r.json()["id"])
    # Not enough left: neither the award nor the disbursement is written.
    before = await session.scalar(select(func.count()).select_from(FundEntry))
    again = await client.post("/api/v1/awards", json=award | {"recipient_name": "Lê Văn Nam"})
    assert again.status_code == 409
    assert await session.scalar(select(func.count()).select_from(FundEntry)) == before
    listed = (await client.get("/api/v1/awards", params={"unit": WARD, "year": 2024})).json()["items"]
    assert [a["recipient_name"] for a in listed] == ["Trần Thị Mai"]
    # The cash of a paid award does not change; deleting it returns the money.
    assert (await client.patch(f"/api/v1/awards/{r.json()['id']}", json={"amount_vnd": 1})).status_code == 409
    assert (await client.delete(f"/api/v1/awards/{r.json()['id']}")).status_code == 204
    assert await balance(client, fund["id"]) == 2_000_000 == await entries_sum(session, fund["id"])


async def test_fund_figures_roll_up_by_unit_and_year(client: httpx.AsyncClient) -> None:
    fund = await new_fund(client)
    await entry(client, fund["id"], kind="contribution", amount_vnd=900_000, occurred_on="2024-02-01")
    await entry(client, fund["id"], kind="disbursement", amount_vnd=300_000, occurred_on="2024-06-01")
    await entry(client, fund["id"], kind="contribution", amount_vnd=100_000, occurred_on="2025-01-10")
    s = (await client.get("/api/v1/funds/summary", params={"unit": WARD, "year": 2024})).json()
    assert (s["raised_vnd"], s["disbursed_vnd"], s["balance_vnd"]) == (900_000, 300_000, 600_000)
    district = (await client.get("/api/v1/funds/summary", params={"unit": "336", "year": 2024})).json()
    assert district["raised_vnd"] >= 900_000 and district["funds"] >= 1


async def test_concurrent_disbursements_never_overdraw(databases: DatabaseFactory) -> None:
    """Ten disbursements of 30 from a fund of 100, all at once, each in its own connection: exactly three pass."""
    engine = make_engine(await databases.create())
    try:
        await migrate_and_load(engine, demo=False)
        db = Database(engine)
        async with db.sessionmaker() as s, s.begin():
            unit = (await s.execute(text("SELECT id, path FROM units WHERE code = '12433'"))).one()
            fund = Fund(name="Quỹ", owner_kind="unit", unit_id=unit.id, unit_path=unit.path, balance_vnd=0)
            s.add(fund)
            await s.flush()
            await ledger.post(s, SYSTEM, fund, "contribution", 100, dt.date(2024, 1, 1))
            fund_id = fund.id

        async def disburse() -> bool:
            write_intent.set(True)
            async with db.sessionmaker() as s:
                try:
                    async with s.begin():
                        f = await s.get_one(Fund, fund_id)
                        await ledger.post(s, SYSTEM, f, "disbursement", 30, dt.date(2024, 1, 2))
                        await asyncio.sleep(0.01)  # hold the transaction open while the others arrive
                    return True
                except Conflict:
                    return False

        results = await asyncio.gather(*(disburse() for _ in range(10)))
        assert sum(results) == 3
        async with db.sessionmaker() as s:
            assert await s.scalar(select(Fund.balance_vnd).where(Fund.id == fund_id)) == 10
            assert await s.scalar(select(func.sum(FundEntry.amount_vnd)).where(FundEntry.fund_id == fund_id)) == 10
    finally:
        await engine.dispose()


async def test_a_new_entry_changes_the_funds_etag(client: httpx.AsyncClient) -> None:
    fund = await new_fund(client)
    tag = (await client.get(f"/api/v1/funds/{fund['id']}")).headers["etag"]
    await entry(client, fund["id"], kind="contribution", amount_vnd=1_000)
    again = await client.get(f"/api/v1/funds/{fund['id']}", headers={"If-None-Match": tag})
    assert again.status_code == 200 and again.json()["balance_vnd"] == 1_000
    short = await entry(client, fund["id"], kind="disbursement", amount_vnd=1_001)
    assert short.json()["detail"] == "Quỹ không đủ tiền: số dư 1.000 đồng, cần 1.001 đồng."
