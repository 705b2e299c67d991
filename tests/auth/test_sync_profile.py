"""Issue 18 item 4: a key profile that fits a partner system: pull and push in its unit, no administration."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from api.reports.fields import FIGURE_NAMES

COMMENDATION = {"form": "medal", "year": 2023, "issuing_level": "central", "recipient_kind": "person"} | {
    "recipient_name": "A",
    "unit_code": "35",
    "unit_as_of": "2023-12-31",
}


async def make_key(client: httpx.AsyncClient, **fields: Any) -> httpx.Response:
    body = {"name": "Hệ thống Hà Nam", "unit_code": "35", "unit_as_of": "2023-12-31"} | fields
    return await client.post("/api/v1/api-keys", json=body)


def bearer(r: httpx.Response) -> dict[str, str]:
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['secret']}"}


async def administration(anon: httpx.AsyncClient, key: dict[str, str]) -> list[int]:
    new_key = {"name": "x", "role": "viewer", "unit_code": "35", "unit_as_of": "2023-12-31"}
    user = {"username": f"u-{uuid.uuid4().hex[:8]}", "password": "mật-khẩu-dài-1", "display_name": "X"}
    return [
        (await anon.get("/api/v1/users", headers=key)).status_code,
        (await anon.post("/api/v1/users", json=user | {"role": "viewer"}, headers=key)).status_code,
        (await anon.get("/api/v1/api-keys", headers=key)).status_code,
        (await anon.post("/api/v1/api-keys", json=new_key, headers=key)).status_code,
        (await anon.get("/api/v1/audit", headers=key)).status_code,
    ]


@pytest.mark.parametrize("profile", ["sync", "sync-approve"])
async def test_a_sync_key_pulls_and_pushes_but_administers_nothing(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, profile: str
) -> None:
    """Finding: docs/partners.md said to push with a key of role admin (user and key administration
    included) or editor (no sync:write: 403); the sync profiles hold exactly what sync needs."""
    r = await make_key(client, profile=profile, partner=f"ha-nam-{uuid.uuid4().hex[:6]}")
    key = bearer(r)
    assert "users:admin" not in r.json()["scopes"] and "sync:write" in r.json()["scopes"]
    assert (await anon.get("/api/v1/sync/changes", headers=key)).status_code == 200
    url = f"/api/v1/sync/commendations/P-{uuid.uuid4().hex[:8]}"
    assert (await anon.put(url, json=COMMENDATION, headers=key)).status_code == 201
    assert (await anon.delete(url, headers=key)).status_code == 204
    assert await administration(anon, key) == [403] * 5


async def test_only_sync_approve_sends_approved_reports(client: httpx.AsyncClient, anon: httpx.AsyncClient) -> None:
    """Finding: a platform mirroring approved figures had to hold an admin key; sync-approve is enough."""
    demo = (await client.get("/api/v1/reports/35/2023")).json()
    body = {n: demo[n] for n in FIGURE_NAMES} | {"unit_code": "35", "year": 2023, "status": "approved"}
    plain = bearer(await make_key(client, profile="sync", partner="ha-nam-a"))
    approving = bearer(await make_key(client, profile="sync-approve", partner="ha-nam-b"))
    assert (await anon.put("/api/v1/sync/reports/R1", json=body, headers=plain)).status_code == 403
    assert (await anon.put("/api/v1/sync/reports/R1", json=body, headers=approving)).status_code == 200


async def test_the_editor_key_the_old_docs_named_cannot_push(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    """Why docs/partners.md changed: the editor key it named fails with 403 on push (it lacks sync:write)."""
    editor = bearer(await make_key(client, role="editor"))
    url = f"/api/v1/sync/commendations/P-{uuid.uuid4().hex[:8]}"
    assert (await anon.put(url, json=COMMENDATION, headers=editor)).status_code == 403


@pytest.mark.parametrize("extra", [{"scopes": ["users:admin"]}, {"role": "viewer"}])
async def test_a_profile_cannot_be_widened_or_mixed(client: httpx.AsyncClient, extra: dict[str, Any]) -> None:
    """A profile states the role and scopes: a request that also names others is refused, not merged."""
    r = await make_key(client, profile="sync", **extra)
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
