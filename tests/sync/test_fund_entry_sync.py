"""Issue 18 item 3: ledger entries a partner pushes by external id (PUT /sync/fund_entries/{external_id}).

Append-only: the first PUT moves the money (201), a replay answers the recorded entry (200) and writes nothing,
another body for a used id is 409, a correction is a reversal naming the entry by external id, DELETE is 409.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.sync.test_sync_delete import BODIES, feed_of, journal_size, sync_key


async def _fund(anon: httpx.AsyncClient, key: dict[str, str]) -> tuple[str, int]:
    ext = f"F-{uuid.uuid4().hex[:8]}"
    r = await anon.put(f"/api/v1/sync/funds/{ext}", json=BODIES["funds"], headers=key)
    assert r.status_code == 201, r.text
    return ext, r.json()["id"]


def entry(fund: str, kind: str = "contribution", amount: int | None = 5_000_000, **more: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"fund_external_id": fund, "kind": kind, "occurred_on": "2024-03-01"}
    return body | ({"amount_vnd": amount} if amount is not None else {}) | more


async def balance(client: httpx.AsyncClient, fund_id: int) -> int:
    return int((await client.get(f"/api/v1/funds/{fund_id}")).json()["balance_vnd"])


async def test_a_pushed_entry_moves_money_once_and_a_replay_changes_nothing(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    """Finding: a mirrored fund lost its money (raised 0 vs 5,000,000): a partner could not push its ledger."""
    key = await sync_key(client)
    fund, fund_id = await _fund(anon, key)
    ext = f"E-{uuid.uuid4().hex[:8]}"
    url = f"/api/v1/sync/fund_entries/{ext}"
    created = await anon.put(url, json=entry(fund, description="Đóng góp"), headers=key)
    assert created.status_code == 201, created.text
    got = created.json()
    assert (got["kind"], got["amount_vnd"], got["fund_id"], got["external_id"]) == (
        "contribution",
        5_000_000,
        fund_id,
        ext,
    )
    assert await balance(client, fund_id) == 5_000_000
    before = await journal_size(session)
    replay = await anon.put(url, json=entry(fund, description="Đóng góp"), headers=key)
    assert replay.status_code == 200 and replay.json() == got
    assert replay.headers["etag"] == created.headers["etag"]
    assert await journal_size(session) == before and await balance(client, fund_id) == 5_000_000
    # The same id with another amount is not an update: the ledger is append-only.
    changed = await anon.put(url, json=entry(fund, amount=6_000_000, description="Đóng góp"), headers=key)
    assert changed.status_code == 409 and "đảo" in changed.json()["detail"]
    assert (await anon.delete(url, headers=key)).status_code == 409
    assert await balance(client, fund_id) == 5_000_000
    # The feed carries the entry once, with the partner's id; the fund's change carries the new balance.
    assert await feed_of(anon, key, ext) == ["upsert"]
    listed = (await client.get(f"/api/v1/funds/{fund_id}/entries")).json()["items"]
    assert listed == [got]


async def test_a_correction_is_a_reversal_by_external_id(client: httpx.AsyncClient, anon: httpx.AsyncClient) -> None:
    key = await sync_key(client)
    fund, fund_id = await _fund(anon, key)
    first, out, undo = (f"E-{uuid.uuid4().hex[:8]}" for _ in range(3))
    assert (await anon.put(f"/api/v1/sync/fund_entries/{first}", json=entry(fund), headers=key)).status_code == 201
    paid = await anon.put(f"/api/v1/sync/fund_entries/{out}", json=entry(fund, "disbursement", 1_200_000), headers=key)
    assert paid.status_code == 201 and paid.json()["amount_vnd"] == -1_200_000
    body = entry(fund, "reversal", None, reverses_external_id=out)
    reversed_ = await anon.put(f"/api/v1/sync/fund_entries/{undo}", json=body, headers=key)
    assert reversed_.status_code == 201, reversed_.text
    assert reversed_.json()["reverses_entry_id"] == paid.json()["id"] and reversed_.json()["amount_vnd"] == 1_200_000
    assert await balance(client, fund_id) == 5_000_000
    assert (await anon.put(f"/api/v1/sync/fund_entries/{undo}", json=body, headers=key)).status_code == 200
    twice = await anon.put(f"/api/v1/sync/fund_entries/{undo}-2", json=body, headers=key)
    assert twice.status_code == 409  # an entry is reversed once
    unknown = await anon.put(
        f"/api/v1/sync/fund_entries/{undo}-3",
        json=entry(fund, "reversal", None, reverses_external_id="nope"),
        headers=key,
    )
    assert unknown.status_code == 404 and unknown.json()["errors"][0]["loc"] == ["body", "reverses_external_id"]


async def test_entries_never_overdraw_and_name_the_field_they_lack(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    key = await sync_key(client)
    fund, fund_id = await _fund(anon, key)
    url = f"/api/v1/sync/fund_entries/E-{uuid.uuid4().hex[:8]}"
    over = await anon.put(url, json=entry(fund, "disbursement", 1), headers=key)
    assert over.status_code == 409 and await balance(client, fund_id) == 0
    cases = [
        (entry(fund, amount=None), "amount_vnd"),
        (entry(fund, "reversal", None), "reverses_external_id"),
        ({"kind": "contribution", "amount_vnd": 1, "occurred_on": "2024-01-01"}, "fund_external_id"),
        (entry(fund, amount=True), "amount_vnd"),
        (entry("not-mine"), "fund_external_id"),
    ]
    for body, field in cases:
        r = await anon.put(url, json=body, headers=key)
        assert r.status_code in (404, 422), (body, r.text)
        assert r.json()["errors"][0]["loc"] == ["body", field], (body, r.json())
    # Another partner's fund is not found by its external id.
    other = await sync_key(client)
    r = await anon.put(url, json=entry(fund), headers=other)
    assert r.status_code == 404 and r.json()["errors"][0]["loc"] == ["body", "fund_external_id"]
    # By the fund's id here, as for entries posted through /funds/{id}/entries.
    by_id = await anon.put(url, json={"fund_id": fund_id} | entry(fund) | {"fund_external_id": None}, headers=key)
    assert by_id.status_code == 201, by_id.text


async def test_batches_and_dry_runs_of_entries(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    key = await sync_key(client)
    fund, fund_id = await _fund(anon, key)
    a, b = f"E-{uuid.uuid4().hex[:8]}", f"E-{uuid.uuid4().hex[:8]}"
    items = {
        "items": [{"external_id": a, "data": entry(fund)}, {"external_id": b, "data": entry(fund, "disbursement", 10)}]
    }
    before = await journal_size(session)
    dry = await anon.post("/api/v1/sync/fund_entries:batch", json=items, headers=key, params={"dry_run": "true"})
    assert dry.status_code == 200 and [i["status"] for i in dry.json()["items"]] == [201, 201]
    dry_put = await anon.put(
        f"/api/v1/sync/fund_entries/{a}", json=entry(fund), headers=key, params={"dry_run": "true"}
    )
    assert dry_put.status_code == 201
    assert await journal_size(session) == before and await balance(client, fund_id) == 0
    done = await anon.post("/api/v1/sync/fund_entries:batch", json=items, headers=key)
    assert [i["status"] for i in done.json()["items"]] == [201, 201]
    again = await anon.post("/api/v1/sync/fund_entries:batch", json=items, headers=key)
    assert [i["status"] for i in again.json()["items"]] == [200, 200]
    assert await balance(client, fund_id) == 5_000_000 - 10
    # All or none: an overdraft in the batch leaves the first item unwritten too.
    bad = {
        "items": [
            {"external_id": f"{a}-x", "data": entry(fund)},
            {"external_id": f"{b}-x", "data": entry(fund, "disbursement", 10**12)},
        ]
    }
    refused = await anon.post("/api/v1/sync/fund_entries:batch", json=bad, headers=key)
    assert refused.status_code == 422 and [i["status"] for i in refused.json()["results"]] == [201, 409]
    assert await balance(client, fund_id) == 5_000_000 - 10
