"""Money that syncs the other way (issue 18 item 3): ``khuyenhoc sync push`` sends this instance's own funds with
their ledgers, so that after a push (and a pull back with the same key) both instances answer the same fund
summaries. Two in-process instances, as in tests/sync/test_ledger_mirror.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from api.models import Change, Fund, FundEntry
from api.sync.client import pull, push
from tests.conftest import DatabaseFactory, Live
from tests.sync.test_client import OLD, _instance, communes, partner_client, settled

PREFIX = "hn"


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


async def _get(inst: Live, path: str, **params: Any) -> dict[str, Any]:
    async with inst.client() as c:
        r = await c.get(path, params=params)
    assert r.status_code == 200, r.text
    return dict(r.json())


@pytest.fixture(scope="module")
async def ledger(local: Live) -> dict[str, Any]:
    """Here (Hà Nam, 35): a commune's fund with a contribution, a disbursement, its reversal and another
    disbursement; a second fund, closed after its one contribution; in another commune two funds with a transfer."""
    first, second = await communes(local, "35", 2)
    where = {"unit_as_of": OLD}
    async with local.client() as c:
        main = await _post(c, "/api/v1/funds", where | {"unit_code": first, "name": "Quỹ xã", "owner_kind": "unit"})
        closed = await _post(
            c, "/api/v1/funds", where | {"unit_code": first, "name": "Quỹ dòng họ", "owner_kind": "clan"}
        )
        entries = f"/api/v1/funds/{main['id']}/entries"
        await _post(c, entries, {"kind": "contribution", "amount_vnd": 5_000_000, "occurred_on": "2024-03-01"})
        paid = await _post(c, entries, {"kind": "disbursement", "amount_vnd": 1_200_000, "occurred_on": "2024-05-10"})
        await _post(c, entries, {"kind": "reversal", "reverses_entry_id": paid["id"], "occurred_on": "2024-05-11"})
        await _post(c, entries, {"kind": "disbursement", "amount_vnd": 800_000, "occurred_on": "2024-09-05"})
        await _post(
            c,
            f"/api/v1/funds/{closed['id']}/entries",
            {"kind": "contribution", "amount_vnd": 300_000, "occurred_on": "2024-02-01", "description": "Họ Trần"},
        )
        r = await c.patch(f"/api/v1/funds/{closed['id']}", json={"closed_on": "2024-12-31"})
        assert r.status_code == 200, r.text
        there = where | {"unit_code": second, "owner_kind": "unit"}
        giver = await _post(c, "/api/v1/funds", there | {"name": "Quỹ chuyển"})
        taker = await _post(c, "/api/v1/funds", there | {"name": "Quỹ nhận"})
        on = {"occurred_on": "2024-04-01"}
        await _post(c, f"/api/v1/funds/{giver['id']}/entries", on | {"kind": "contribution", "amount_vnd": 900_000})
        await _post(
            c,
            f"/api/v1/funds/{giver['id']}/entries",
            on | {"kind": "transfer", "amount_vnd": 400_000, "to_fund_id": taker["id"]},
        )
    return {"commune": first, "transfer_commune": second, "funds": [main["id"], closed["id"]]}


async def _key(remote: Live) -> str:
    body = {"name": "Hệ thống Hà Nam", "profile": "sync", "partner": "ha-nam-gui", "unit_code": "35"}
    async with remote.client() as c:
        r = await c.post("/api/v1/api-keys", json=body | {"unit_as_of": OLD})
    assert r.status_code == 201, r.text
    return str(r.json()["secret"])


async def _count(inst: Live, model: Any, *where: Any) -> int:
    async with inst.db.sessionmaker() as s:
        return int(await s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_a_pushed_ledger_gives_the_partner_the_same_fund_summaries(
    remote: Live, local: Live, ledger: dict[str, Any]
) -> None:
    """Finding (issue 18 item 3): ``sync push`` sent reports only, so a fund kept here was 0 at the partner
    (raised 0 vs 5,000,000 for Hà Nam 2024). Funds and entries now go by their stable ids; the summaries are equal;
    a fund with a transfer (no sync form) is sent up to it and listed; pushing again writes nothing."""
    key, lines = await _key(remote), []
    async with partner_client(remote, key) as http:
        result = await push(local.db, http, province="35", id_prefix=PREFIX, log=lines.append)
    # 4 funds opened, the main fund's 4 entries, the closed fund's 1, the giver's contribution; then the funds as
    # they are here (the second one closed).
    assert (result.funds, result.entries, result.created, result.replaced) == (4, 6, 10, 4), lines
    assert result.failed == 2 and all("chuyển quỹ" in e for e in result.errors), result.errors  # giver, taker
    query = {"unit": ledger["commune"], "year": 2024, "as_of": OLD}
    here = await _get(local, "/api/v1/funds/summary", **query)
    assert (here["raised_vnd"], here["disbursed_vnd"], here["balance_vnd"]) == (5_300_000, 800_000, 4_500_000)
    assert await _get(remote, "/api/v1/funds/summary", **query) == here
    shown = {"name", "owner_kind", "closed_on", "balance_vnd", "unit_code"}
    for fund_id in ledger["funds"]:
        async with remote.db.sessionmaker() as s:
            copy = await s.scalar(select(Fund.id).where(Fund.external_id == f"{PREFIX}-fund-{fund_id}"))
        mine, theirs = await _get(local, f"/api/v1/funds/{fund_id}"), await _get(remote, f"/api/v1/funds/{copy}")
        assert {k: theirs[k] for k in shown} == {k: mine[k] for k in shown}

    await settled(remote)
    changes = await _count(remote, Change)
    async with partner_client(remote, key) as http:
        again = await push(local.db, http, province="35", id_prefix=PREFIX, log=lines.append)
    assert (again.created, again.replaced, again.failed) == (0, 10, 2), lines
    assert await _count(remote, Change) == changes  # a replayed ledger moves no money and writes nothing
    assert await _get(remote, "/api/v1/funds/summary", **query) == here


async def test_a_pull_back_with_the_same_key_does_not_copy_what_was_pushed(
    remote: Live, local: Live, ledger: dict[str, Any]
) -> None:
    """Push and pull with one key: what this instance pushed comes back on the partner's feed under the key's
    partner, and the pull skips it (the original is here), so the money is not counted twice here."""
    key = await _key(remote)
    async with partner_client(remote, key) as http:
        await push(local.db, http, province="35", id_prefix=PREFIX, what=("funds",), log=lambda line: None)
    await settled(remote)
    query = {"unit": ledger["commune"], "year": 2024, "as_of": OLD}
    before = await _get(local, "/api/v1/funds/summary", **query)
    entries = await _count(local, FundEntry)
    async with partner_client(remote, key) as http:  # a key of the same partner
        back = await pull(local.db, http, source="ha-nam-gui.test", log=lambda line: None)
    assert back.changes > 0 and back.applied == 0 and back.failed == 0, back
    assert await _count(local, Fund, Fund.partner.like("mirror:%")) == 0
    assert await _count(local, FundEntry) == entries
    assert (
        await _get(local, "/api/v1/funds/summary", **query)
        == before
        == await _get(remote, "/api/v1/funds/summary", **query)
    )
