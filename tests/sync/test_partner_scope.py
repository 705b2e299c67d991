"""A partner key scoped to one province cannot write another province's records, for every syncable resource."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

OLD = {"unit_as_of": "2023-12-31"}
BODIES: dict[str, dict[str, Any]] = {
    "reports": {"year": 2023, "status": "draft", "population": 100, "members": 30},
    "awards": {**OLD, "year": 2023, "recipient_name": "Lý Thị Mơ", "recipient_kind": "pupil", "category": "khac"},
    "associations": {**OLD, "kind": "branch", "name": "Chi hội thôn Thượng"},
    "funds": {**OLD, "name": "Quỹ khuyến học", "owner_kind": "association"},
    "commendations": {
        **OLD,
        "form": "medal",
        "year": 2023,
        "issuing_level": "central",
        "recipient_kind": "person",
        "recipient_name": "Hà Văn Sơn",
    },
    "inspections": {**OLD, "year": 2023, "subject_kind": "association", "subject_name": "Hội Khuyến học xã"},
    "partnerships": {**OLD, "title": "Phối hợp", "year": 2023},
    "activities": {**OLD, "kind": "training", "title": "Tập huấn", "year": 2023},
}


@pytest.mark.parametrize("resource", list(BODIES))
async def test_a_province_key_writes_only_inside_its_province(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, resource: str
) -> None:
    secret = (
        await client.post(
            "/api/v1/api-keys",
            json={
                "name": "Hà Nam",
                "role": "partner",
                "unit_code": "35",
                "unit_as_of": "2023-12-31",
                "partner": "ha-nam",
            },
        )
    ).json()["secret"]
    key = {"Authorization": f"Bearer {secret}"}
    home = (await anon.get("/api/v1/units/35/children", params={"as_of": "2023-12-31"}, headers=key)).json()["items"][0]
    inside = await anon.put(
        f"/api/v1/sync/{resource}/{uuid.uuid4().hex}", headers=key, json=BODIES[resource] | {"unit_code": home["code"]}
    )
    assert inside.status_code == 201, inside.text
    outside = await anon.put(
        f"/api/v1/sync/{resource}/{uuid.uuid4().hex}", headers=key, json=BODIES[resource] | {"unit_code": "336"}
    )  # TP Thái Bình
    assert outside.status_code == 404, outside.text
    assert outside.headers["content-type"] == "application/problem+json"
    batch = await anon.post(
        f"/api/v1/sync/{resource}:batch",
        headers=key,
        json={"items": [{"external_id": "x", "data": BODIES[resource] | {"unit_code": "336"}}]},
    )
    assert batch.status_code == 422 and batch.json()["results"][0]["status"] == 404
    feed = (await anon.get("/api/v1/sync/changes", params={"limit": 1000}, headers=key)).json()["items"]
    assert feed and all(c["data"] is None or c["data"].get("unit_code") != "336" for c in feed)
