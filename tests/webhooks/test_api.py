"""The webhooks API: registration (secret once, URL checks against SSRF), scope, changes, deletion, audit;
and the Standard Webhooks signature a receiver verifies (valid, tampered, replayed)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from standardwebhooks import Webhook, WebhookVerificationError

from api.models import AuditEntry
from api.webhooks import messages
from tests.conftest import MakeAccount

PUBLIC_URL = "https://93.184.215.14/hook"  # a global address: accepted without any DNS lookup


async def _key(client: httpx.AsyncClient, unit: str = "01", **extra: Any) -> tuple[int, str]:
    body = {"name": "Đối tác", "profile": "sync", "partner": f"p-{uuid.uuid4().hex[:8]}", "unit_code": unit} | extra
    r = await client.post("/api/v1/api-keys", json=body)
    assert r.status_code == 201, r.text
    return r.json()["id"], r.json()["secret"]


def _as(client: httpx.AsyncClient, token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_key_registers_its_endpoint_and_sees_the_secret_once(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    key_id, key = await _key(client)
    r = await client.post(
        "/api/v1/webhooks", json={"url": PUBLIC_URL, "types": ["award", "report"]}, headers=_as(client, key)
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["secret"].startswith("whsec_") and created["api_key_id"] == key_id
    assert created["types"] == ["award", "report"] and created["enabled"] and created["pending"] == 0
    assert r.headers["cache-control"] == "no-store"
    got = (await client.get(f"/api/v1/webhooks/{created['id']}", headers=_as(client, key))).json()
    assert "secret" not in got and got["url"] == PUBLIC_URL
    listed = (await client.get("/api/v1/webhooks", headers=_as(client, key))).json()["items"]
    assert [e["id"] for e in listed] == [created["id"]]
    entries = (
        await session.scalars(
            select(AuditEntry).where(
                AuditEntry.entity == "webhook_endpoint", AuditEntry.entity_id == str(created["id"])
            )
        )
    ).all()
    assert [e.action for e in entries] == ["create"]
    assert created["secret"] not in str(entries[0].changes)


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://10.1.2.3/hook", "url_not_allowed"),
        ("http://192.168.0.10:8080/", "url_not_allowed"),
        ("http://169.254.169.254/latest/meta-data/", "url_not_allowed"),  # link-local (cloud metadata)
        ("http://[::1]:9000/", "url_not_allowed"),
        ("http://[fe80::1]/", "url_not_allowed"),
        ("http://[::ffff:10.0.0.1]/", "url_not_allowed"),
        ("http://100.64.0.1/", "url_not_allowed"),  # shared address space
        ("http://0.0.0.0:8000/", "url_not_allowed"),
        ("http://localhost:8000/hook", "url_not_allowed"),  # a name: every address it resolves to is checked
        ("http://127.0.0.2/hook", "url_not_allowed"),  # only 127.0.0.1 is allowed, by name
        ("ftp://93.184.215.14/", "url_invalid"),
        ("http://user:pw@93.184.215.14/", "url_invalid"),
        ("http://no-such-host.invalid/hook", "url_unresolvable"),
    ],
)
async def test_internal_addresses_are_refused(client: httpx.AsyncClient, url: str, kind: str) -> None:
    _, key = await _key(client)
    r = await client.post("/api/v1/webhooks", json={"url": url}, headers=_as(client, key))
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["loc"] == ["body", "url"] and r.json()["errors"][0]["type"] == kind


async def test_an_allowed_host_is_accepted(client: httpx.AsyncClient) -> None:
    _, key = await _key(client)
    r = await client.post("/api/v1/webhooks", json={"url": "http://127.0.0.1:9/hook"}, headers=_as(client, key))
    assert r.status_code == 201, r.text


async def test_scope_keys_users_and_references(client: httpx.AsyncClient, make_account: MakeAccount) -> None:
    ha_noi_id, ha_noi = await _key(client, "01")
    hung_yen_id, hung_yen = await _key(client, "33")
    mine = (await client.post("/api/v1/webhooks", json={"url": PUBLIC_URL}, headers=_as(client, ha_noi))).json()
    theirs = (await client.post("/api/v1/webhooks", json={"url": PUBLIC_URL}, headers=_as(client, hung_yen))).json()
    # A key sees its partner's endpoints only; another's is 404 for reads, changes and deletes alike.
    for method in ("GET", "PATCH", "DELETE"):
        body = {"enabled": False} if method == "PATCH" else None
        r = await client.request(method, f"/api/v1/webhooks/{theirs['id']}", json=body, headers=_as(client, ha_noi))
        assert r.status_code == 404, (method, r.text)
    r = await client.get(f"/api/v1/webhooks/{theirs['id']}/deliveries", headers=_as(client, ha_noi))
    assert r.status_code == 404
    # A key registers for itself only.
    r = await client.post(
        "/api/v1/webhooks", json={"url": PUBLIC_URL, "api_key_id": hung_yen_id}, headers=_as(client, ha_noi)
    )
    assert r.status_code == 404 and r.json()["errors"][0]["loc"] == ["body", "api_key_id"]
    # An admin of Hưng Yên manages the endpoints of keys in Hưng Yên, and registers one naming the key.
    admin = await make_account("admin", "33")
    listed = (await client.get("/api/v1/webhooks", headers=admin.headers)).json()["items"]
    assert [e["id"] for e in listed] == [theirs["id"]]
    assert (await client.get(f"/api/v1/webhooks/{mine['id']}", headers=admin.headers)).status_code == 404
    r = await client.post("/api/v1/webhooks", json={"url": PUBLIC_URL}, headers=admin.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "api_key_id"]
    r = await client.post("/api/v1/webhooks", json={"url": PUBLIC_URL, "api_key_id": ha_noi_id}, headers=admin.headers)
    assert r.status_code == 404 and r.json()["errors"][0]["loc"] == ["body", "api_key_id"]
    r = await client.post(
        "/api/v1/webhooks", json={"url": PUBLIC_URL, "api_key_id": hung_yen_id}, headers=admin.headers
    )
    assert r.status_code == 201 and r.json()["partner"] == theirs["partner"]
    # A key that cannot read the feed cannot receive it.
    viewer_id, _ = await _key(client, "33", profile=None, role="viewer")
    r = await client.post("/api/v1/webhooks", json={"url": PUBLIC_URL, "api_key_id": viewer_id}, headers=admin.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["type"] == "scope_missing"
    # Without sync:read (an editor): 403.
    editor = await make_account("editor", "33")
    assert (await client.get("/api/v1/webhooks", headers=editor.headers)).status_code == 403


async def test_change_disable_enable_and_delete(client: httpx.AsyncClient) -> None:
    _, key = await _key(client)
    h = _as(client, key)
    created = (await client.post("/api/v1/webhooks", json={"url": PUBLIC_URL}, headers=h)).json()
    url = f"/api/v1/webhooks/{created['id']}"
    r = await client.patch(url, json={"types": ["nothing"]}, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["type"] == "enum"
    r = await client.patch(url, json={"url": "http://10.0.0.5/"}, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["type"] == "url_not_allowed"
    r = await client.patch(url, json={"enabled": False, "types": ["fund", "award"]}, headers=h)
    assert r.status_code == 200, r.text
    assert not r.json()["enabled"] and r.json()["disabled_reason"] and r.json()["types"] == ["award", "fund"]
    r = await client.patch(url, json={"enabled": True}, headers=h)
    assert r.json()["enabled"] and r.json()["disabled_reason"] is None and r.json()["disabled_at"] is None
    assert (await client.patch(url, json={"api_key_id": 1}, headers=h)).status_code == 422  # not a field
    assert (await client.delete(url, headers=h)).status_code == 204
    assert (await client.get(url, headers=h)).status_code == 404


async def test_create_validates_types_and_cursor(client: httpx.AsyncClient) -> None:
    _, key = await _key(client)
    h = _as(client, key)
    r = await client.post("/api/v1/webhooks", json={"url": PUBLIC_URL, "types": ["award", "users"]}, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "types"]
    r = await client.post("/api/v1/webhooks", json={"url": PUBLIC_URL, "since": "99999999999999"}, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["type"] == "cursor_invalid"
    r = await client.post("/api/v1/webhooks", json={"url": PUBLIC_URL, "api_key_id": True}, headers=h)
    assert r.status_code == 422  # strict integers
    r = await client.post("/api/v1/webhooks", json={"url": PUBLIC_URL, "since": "0"}, headers=h)
    assert r.status_code == 201 and r.json()["cursor"] == "0"


# The signature, as a receiver checks it with the same library
SECRET = messages.new_secret()
BODY = messages.body(7, "award", 3, "a-1", "ha-nam", "upsert", dt.datetime(2026, 1, 2, tzinfo=dt.UTC), '{"id":3}')


def test_a_valid_signature_verifies() -> None:
    headers = messages.headers(SECRET, "msg_1_7", BODY, dt.datetime.now(dt.UTC))
    assert Webhook(SECRET).verify(BODY, headers)["data"]["data"] == {"id": 3}


def test_a_tampered_body_or_signature_or_id_is_refused() -> None:
    headers = messages.headers(SECRET, "msg_1_7", BODY, dt.datetime.now(dt.UTC))
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(BODY.replace('"id":3', '"id":4'), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(BODY, headers | {"webhook-id": "msg_1_8"})
    with pytest.raises(WebhookVerificationError):
        Webhook(messages.new_secret()).verify(BODY, headers)  # another endpoint's secret
    forged = headers["webhook-signature"][:-6] + "AAAAA="
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(BODY, headers | {"webhook-signature": forged})


def test_a_replay_outside_the_tolerance_window_is_refused() -> None:
    old = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=6)
    headers = messages.headers(SECRET, "msg_1_7", BODY, old)
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(SECRET).verify(BODY, headers)
    # The same message re-signed now (what a retry does) verifies: a receiver dedupes on webhook-id.
    assert Webhook(SECRET).verify(BODY, messages.headers(SECRET, "msg_1_7", BODY, dt.datetime.now(dt.UTC)))
