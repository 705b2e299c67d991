"""Partner sync: upserts by external id, the change feed, batches, idempotent POSTs."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import func, select

from api.models import Commendation
from tests.conftest import Live

MEDAL = {"form": "medal", "year": 2023, "issuing_level": "central", "recipient_kind": "person"}


async def key(
    client: httpx.AsyncClient, unit: str, role: str = "partner", partner: str | None = None
) -> dict[str, str]:
    body: dict[str, Any] = {"name": f"Hệ thống {unit}", "role": role, "unit_code": unit, "unit_as_of": "2023-12-31"}
    if partner:
        body["partner"] = partner
    secret = (await client.post("/api/v1/api-keys", json=body)).json()["secret"]
    return {"Authorization": f"Bearer {secret}"}


async def test_upsert_creates_then_replaces_and_honours_if_match(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    ha_nam = await key(client, "35", partner="ha-nam")
    commune = (await anon.get("/api/v1/units/35/children", params={"as_of": "2023-12-31"}, headers=ha_nam)).json()
    district = commune["items"][0]["code"]
    url = "/api/v1/sync/commendations/HN-2023-001"
    body = MEDAL | {"unit_code": district, "unit_as_of": "2023-12-31", "recipient_name": "Trần Văn Lâm"}
    first = await anon.put(url, json=body, headers=ha_nam)
    assert first.status_code == 201, first.text
    assert first.json()["external_id"] == "HN-2023-001" and first.json()["partner"] == "ha-nam"
    again = await anon.put(url, json=body | {"recipient_name": "Trần Văn Lâm (sửa)"}, headers=ha_nam)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    stale = await anon.put(url, json=body, headers=ha_nam | {"If-Match": first.headers["etag"]})
    assert stale.status_code == 412
    ok = await anon.put(url, json=body, headers=ha_nam | {"If-Match": again.headers["etag"]})
    assert ok.status_code == 200 and ok.json()["recipient_name"] == "Trần Văn Lâm"
    # Thái Bình is outside Hà Nam's scope.
    outside = await anon.put("/api/v1/sync/commendations/HN-x", json=body | {"unit_code": "336"}, headers=ha_nam)
    assert outside.status_code == 404
    bad = await anon.put("/api/v1/sync/commendations/HN-y", json=body | {"form": "cup"}, headers=ha_nam)
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["body", "form"]
    assert (await anon.put("/api/v1/sync/planets/1", json={}, headers=ha_nam)).status_code == 422


async def test_a_province_report_filed_twice_updates_it(client: httpx.AsyncClient, anon: httpx.AsyncClient) -> None:
    ha_nam = await key(client, "35", role="admin", partner="ha-nam")
    report = (await client.get("/api/v1/reports/35/2023")).json()
    figures = {
        k: report[k]
        for k in report
        if k
        not in {
            "unit_code",
            "unit_name",
            "unit_level",
            "year",
            "status",
            "submitted_at",
            "submitted_by",
            "approved_at",
            "approved_by",
            "approval_reason",
            "reopen_reason",
            "updated_at",
            "version",
        }
    }
    body = figures | {"unit_code": "35", "year": 2023, "status": "approved", "members": 222_000}
    first = await anon.put("/api/v1/sync/reports/BC-35-2023", json=body, headers=ha_nam)
    assert first.status_code == 200, first.text  # the demo's Hà Nam report: the same unit and year
    second = await anon.put("/api/v1/sync/reports/BC-35-2023-v2", json=body | {"members": 223_000}, headers=ha_nam)
    assert second.status_code == 200 and second.json()["members"] == 223_000
    stats = (
        await client.get("/api/v1/stats/indicators", params={"unit": "35", "year": 2023, "indicator": "members"})
    ).json()
    assert stats["items"][0]["value"] == 223_000
    partner_only = await key(client, "35", partner="ha-nam-2")
    refused = await anon.put("/api/v1/sync/reports/X", json=body, headers=partner_only)
    assert refused.status_code == 403  # approving needs reports:approve


async def test_batch_is_all_or_nothing_with_a_result_per_item(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, session: Any
) -> None:
    hn = await key(client, "01", partner="ha-noi")
    district = (await anon.get("/api/v1/units/01/children", params={"as_of": "2023-12-31"}, headers=hn)).json()[
        "items"
    ][0]
    good = MEDAL | {"unit_code": district["code"], "unit_as_of": "2023-12-31", "recipient_name": "A"}
    items = [{"external_id": f"HNI-{i}", "data": good | {"recipient_name": f"Người {i}"}} for i in range(5)]
    items[3]["data"] = good | {"year": 3000}
    r = await anon.post("/api/v1/sync/commendations:batch", json={"items": items}, headers=hn)
    assert r.status_code == 422
    results = r.json()["results"]
    assert [x["status"] for x in results] == [201, 201, 201, 422, 201]
    assert results[3]["error"]["errors"][0]["loc"] == ["items.3.data", "year"]
    count = select(func.count()).select_from(Commendation).where(Commendation.partner == "ha-noi")
    assert await session.scalar(count) == 0
    items[3]["data"] = good
    ok = await anon.post("/api/v1/sync/commendations:batch", json={"items": items}, headers=hn)
    assert ok.status_code == 200 and [x["status"] for x in ok.json()["items"]] == [201] * 5
    assert await session.scalar(count) == 5
    too_many = await anon.post(
        "/api/v1/sync/commendations:batch",
        headers=hn,
        json={"items": [{"external_id": str(i), "data": good} for i in range(1001)]},
    )
    assert too_many.status_code == 422


async def test_the_feed_shows_changes_in_order_with_tombstones_and_only_in_scope(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    start = (await client.get("/api/v1/sync/changes", params={"limit": 1000})).json()
    cursor = start["next_cursor"]
    while True:
        page = (await client.get("/api/v1/sync/changes", params={"since": cursor, "limit": 1000})).json()
        if not page["items"]:
            break
        cursor = page["next_cursor"]
    hn = await key(client, "35", partner="ha-nam")
    tb = await key(client, "34", partner="thai-binh")
    made = await client.post(
        "/api/v1/commendations",
        json=MEDAL | {"unit_code": "336", "unit_as_of": "2023-12-31", "recipient_name": "Vũ Văn Nam"},
    )
    rid = made.json()["id"]
    await client.patch(f"/api/v1/commendations/{rid}", json={"recipient_name": "Vũ Văn Nam (sửa)"})
    await client.delete(f"/api/v1/commendations/{rid}")
    feed = (await client.get("/api/v1/sync/changes", params={"since": cursor, "types": "commendation"})).json()
    ops = [(c["op"], c["id"]) for c in feed["items"]]
    assert ops == [("upsert", rid), ("upsert", rid), ("delete", rid)]
    assert [c["seq"] for c in feed["items"]] == sorted({c["seq"] for c in feed["items"]})
    assert feed["items"][1]["data"]["recipient_name"] == "Vũ Văn Nam (sửa)" and feed["items"][2]["data"] is None
    again = (
        await client.get("/api/v1/sync/changes", params={"since": feed["next_cursor"], "types": "commendation"})
    ).json()
    assert again["items"] == []
    thai_binh_view = (await anon.get("/api/v1/sync/changes", params={"since": cursor}, headers=tb)).json()["items"]
    assert {c["id"] for c in thai_binh_view} == {rid}
    assert (await anon.get("/api/v1/sync/changes", params={"since": cursor}, headers=hn)).json()["items"] == []
    assert (await client.get("/api/v1/sync/changes", params={"types": "planet"})).status_code == 422


async def test_a_replayed_post_has_no_second_effect(client: httpx.AsyncClient, session: Any) -> None:
    body = MEDAL | {"unit_code": "336", "unit_as_of": "2023-12-31", "recipient_name": "Đào Thị Lụa"}
    first = await client.post("/api/v1/commendations", json=body, headers={"Idempotency-Key": "k-1"})
    retry = await client.post("/api/v1/commendations", json=body, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json() and retry.headers["idempotent-replayed"] == "true"
    assert retry.headers["location"] == first.headers["location"]
    count = select(func.count()).select_from(Commendation).where(Commendation.recipient_name == "Đào Thị Lụa")
    assert await session.scalar(count) == 1
    other = await client.post("/api/v1/commendations", json=body | {"year": 2022}, headers={"Idempotency-Key": "k-1"})
    assert other.status_code == 422 and other.headers["content-type"] == "application/problem+json"
    failed = await client.post("/api/v1/commendations", json=body | {"form": "x"}, headers={"Idempotency-Key": "k-2"})
    assert failed.status_code == 422
    assert (
        await client.post("/api/v1/commendations", json=body | {"form": "x"}, headers={"Idempotency-Key": "k-2"})
    ).json() == failed.json()


async def test_the_same_post_fired_concurrently_creates_one_record(live: Live) -> None:
    body = MEDAL | {"unit_code": "336", "unit_as_of": "2023-12-31", "recipient_name": "Ngô Văn Tới"}
    async with live.client() as c:
        answers = await asyncio.gather(
            *(
                c.post("/api/v1/commendations", json=body, headers={"Idempotency-Key": "cung-mot-khoa"})
                for _ in range(8)
            )
        )
    assert {a.status_code for a in answers} <= {201, 409}
    created = {a.json()["id"] for a in answers if a.status_code == 201}
    assert len(created) == 1
    async with live.db.sessionmaker() as s:
        n = await s.scalar(
            select(func.count()).select_from(Commendation).where(Commendation.recipient_name == "Ngô Văn Tới")
        )
    assert n == 1
