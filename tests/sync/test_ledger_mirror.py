"""Money that syncs (issue 18 item 3, issue 13 "Done when"): a pull replays the partner's fund ledger, so each
fund's copy answers GET with the source's balance. A smaller, faster check than tests/sync/test_two_instances.py:
two in-process instances, one province, every kind of entry."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, func, select

from api.models import Award, Change, Fund, FundEntry, SyncCursor
from api.sync import mirror
from api.sync.client import pull
from tests.conftest import DatabaseFactory, Live
from tests.journal.conftest import changes, latest, shown
from tests.sync.test_client import OLD, _instance, communes, make_key, partner_client, settled

# What a copy keeps as its own (docs/partners.md, "Copies"); everything else, the balance included, is the source's.
OWN = {"id", "external_id", "partner", "created_at", "updated_at"}
SOURCE = "quy-ha-nam.test"
PARTNER = mirror.mirror_partner(SOURCE)


@pytest.fixture(scope="module")
async def remote(databases: DatabaseFactory) -> AsyncIterator[Live]:
    async for instance in _instance(databases):
        yield instance


@pytest.fixture(scope="module")
async def local(databases: DatabaseFactory) -> AsyncIterator[Live]:
    async for instance in _instance(databases):
        yield instance


async def _post(c: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = await c.post(path, json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


@pytest.fixture(scope="module")
async def ledger(remote: Live) -> dict[str, Any]:
    """On the partner: an association's fund and a commune's fund, with a contribution, a disbursement, a transfer,
    a reversal of the disbursement and an award paid from the commune's fund."""
    code = (await communes(remote, "35", 1))[0]
    where = {"unit_code": code, "unit_as_of": OLD}
    async with remote.client() as c:
        assoc = await _post(c, "/api/v1/associations", where | {"kind": "association", "name": "Hội Khuyến học xã"})
        main = await _post(
            c, "/api/v1/funds", where | {"name": "Quỹ hội", "owner_kind": "association", "association_id": assoc["id"]}
        )
        other = await _post(c, "/api/v1/funds", where | {"name": "Quỹ xã", "owner_kind": "unit"})
        entries = f"/api/v1/funds/{main['id']}/entries"
        on = {"occurred_on": "2024-03-01"}
        await _post(c, entries, on | {"kind": "contribution", "amount_vnd": 10_000_000, "description": "Hảo tâm"})
        paid = await _post(c, entries, on | {"kind": "disbursement", "amount_vnd": 1_500_000})
        await _post(c, entries, on | {"kind": "transfer", "amount_vnd": 6_000_000, "to_fund_id": other["id"]})
        await _post(c, entries, {"kind": "reversal", "reverses_entry_id": paid["id"], "occurred_on": "2024-04-01"})
        category = (await c.get("/api/v1/award-categories")).json()["items"][0]["code"]
        award = await _post(
            c,
            "/api/v1/awards",
            where
            | {
                "year": 2024,
                "awarded_on": "2024-05-01",
                "recipient_name": "Lê Thị Hoa",
                "recipient_kind": "pupil",
                "category": category,
                "amount_vnd": 2_000_000,
                "fund_id": other["id"],
            },
        )
    await settled(remote)
    return {"code": code, "funds": [main["id"], other["id"]], "award": award["id"]}


async def _get(inst: Live, path: str, **params: Any) -> dict[str, Any]:
    async with inst.client() as c:
        r = await c.get(path, params=params)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def _copies(local: Live, model: Any) -> dict[str, int]:
    async with local.db.sessionmaker() as s:
        rows = (await s.execute(select(model.external_id, model.id).where(model.partner == PARTNER))).all()
    return {str(ext): int(i) for ext, i in rows}


async def _pull(remote: Live, local: Live) -> Any:
    secret = await make_key(remote, "35", partner="doc-quy")
    async with partner_client(remote, secret) as http:
        return await pull(local.db, http, source=SOURCE, log=lambda line: None)


async def _state(local: Live) -> tuple[int, int, int]:
    async with local.db.sessionmaker() as s:
        entries = await s.scalar(select(func.count()).select_from(FundEntry))
        total = await s.scalar(select(func.coalesce(func.sum(Fund.balance_vnd), 0)))
        changes = await s.scalar(select(func.count()).select_from(Change))
    return int(entries or 0), int(total or 0), int(changes or 0)


async def test_a_pulled_ledger_gives_every_fund_the_sources_answers(
    remote: Live, local: Live, ledger: dict[str, Any]
) -> None:
    """Finding (issue 18 item 3, issue 13 "Done when"): funds were mirrored without their ledger (balance 0 here,
    4,000,000 and 4,000,000 there) and the award's fund_id was null. Each fund's GET (balance and version
    included), its entries and the year's summary now equal the source's."""
    first = await _pull(remote, local)
    assert first.failed == 0 and first.applied > 0, first
    funds, awards = await _copies(local, Fund), await _copies(local, Award)
    entries = await _copies(local, FundEntry)
    assert len(entries) == 6  # contribution, disbursement, transfer out and in, reversal, the award's payment
    for remote_id in ledger["funds"]:
        local_id = funds[f"fund:{remote_id}"]
        there, here = await _get(remote, f"/api/v1/funds/{remote_id}"), await _get(local, f"/api/v1/funds/{local_id}")
        assert here["balance_vnd"] == 4_000_000
        assert {k: v for k, v in here.items() if k not in OWN | {"association_id"}} == {
            k: v for k, v in there.items() if k not in OWN | {"association_id"}
        }  # the version too: one per entry on both sides
        theirs = (await _get(remote, f"/api/v1/funds/{remote_id}/entries"))["items"]
        ours = (await _get(local, f"/api/v1/funds/{local_id}/entries"))["items"]
        key = ("kind", "amount_vnd", "occurred_on", "description")
        assert sorted(tuple(e[k] for k in key) for e in ours) == sorted(tuple(e[k] for k in key) for e in theirs)
        for e in ours:  # references point at the copies here
            if e["counterpart_fund_id"] is not None:
                assert e["counterpart_fund_id"] in funds.values()
            if e["reverses_entry_id"] is not None:
                assert e["reverses_entry_id"] in entries.values()
            if e["award_id"] is not None:
                assert e["award_id"] == awards[f"award:{ledger['award']}"]
    award_copy = awards[f"award:{ledger['award']}"]
    award = await _get(local, f"/api/v1/awards/{award_copy}")
    assert award["fund_id"] == funds[f"fund:{ledger['funds'][1]}"]  # linked, paid once (the entry count above)
    query = {"unit": ledger["code"], "year": 2024, "as_of": OLD}
    assert await _get(local, "/api/v1/funds/summary", **query) == await _get(remote, "/api/v1/funds/summary", **query)
    # The copies are journalled like any write here: this instance's own feed says what its GET says.
    async with local.client() as c:
        mine = latest(await changes(c, types="fund,fund_entry,award"))
        assert {k[0] for k in mine} == {"fund", "fund_entry", "award"}
        for change in mine.values():
            assert change["data"] == await shown(c, change), change


async def test_a_second_pull_changes_nothing(remote: Live, local: Live, ledger: dict[str, Any]) -> None:
    """Copies are by external id: the same changes applied again (the cursor lost) add no entry, move no money."""
    await _pull(remote, local)
    before = await _state(local)
    assert before[0] == 6
    assert (await _pull(remote, local)).changes == 0
    async with local.db.sessionmaker() as s, s.begin():
        await s.execute(delete(SyncCursor))  # the same feed again, from the start
    again = await _pull(remote, local)
    assert again.changes > 0 and again.failed == 0, again
    assert await _state(local) == before


async def test_an_entry_that_would_overdraw_the_copy_fails_and_moves_nothing(
    remote: Live, local: Live, ledger: dict[str, Any]
) -> None:
    """An overdraft on replay (a feed out of order, a copy changed here) is a failed outcome, never a negative
    balance, and the rest of the page goes on."""
    await _pull(remote, local)
    remote_fund = ledger["funds"][0]
    change = {
        "seq": 1,
        "type": "fund_entry",
        "id": 999_999,
        "partner": None,
        "op": "upsert",
        "data": {
            "fund_id": remote_fund,
            "kind": "disbursement",
            "amount_vnd": -(10**12),
            "occurred_on": "2024-06-01",
            "description": "",
        },
    }
    fund_id = (await _copies(local, Fund))[f"fund:{remote_fund}"]
    async with local.db.sessionmaker() as s, s.begin():
        before = await s.scalar(select(Fund.balance_vnd).where(Fund.id == fund_id))
        outcome = await mirror.apply_change(s, mirror.mirror_principal(SOURCE), change)
        assert outcome.kind == "failed" and "không đủ tiền" in outcome.reason, outcome
        assert await s.scalar(select(Fund.balance_vnd).where(Fund.id == fund_id)) == before
        assert await s.scalar(select(FundEntry.id).where(FundEntry.external_id == "fund_entry:999999")) is None
