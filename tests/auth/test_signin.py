"""Sign-in, tokens, API keys, throttling."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import httpx
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.config import Settings
from api.db.engine import Database
from api.main import create_app
from api.models import ApiKey
from tests.conftest import Account, MakeAccount

PASSWORD = "mật-khẩu-thử-1"


async def sign_in(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post("/api/v1/auth/token", data={"username": username, "password": password})


async def test_sign_in_returns_a_bearer_token_that_identifies_the_user(
    anon: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    acc = await make_account("editor", "12433", as_of=dt.date(2024, 12, 31))
    r = await sign_in(anon, acc.user.username, PASSWORD)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    me = await anon.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json() | {"id": None} == {
        "kind": "user",
        "id": None,
        "username": acc.user.username,
        "display_name": acc.user.display_name,
        "role": "editor",
        "scopes": sorted(
            [
                "reports:read",
                "reports:write",
                "reports:approve",
                "registries:read",
                "registries:write",
                "stats:read",
                "units:write",
            ]
        ),
        "unit_code": "12433",
        "unit_name": "Phường Lê Hồng Phong",
        "unit_level": "commune",
        "partner": f"user:{acc.user.username}",  # the owner of what it sends by external id (sync)
    }


async def test_wrong_password_and_unknown_user_get_the_same_answer(
    anon: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    acc = await make_account("viewer")
    wrong = await sign_in(anon, acc.user.username, "sai-mat-khau-123")
    nobody = await sign_in(anon, "khong-co-ai", "sai-mat-khau-123")
    assert wrong.status_code == nobody.status_code == 401
    assert wrong.headers["content-type"] == "application/problem+json"
    assert {k: v for k, v in wrong.json().items() if k != "request_id"} == {
        k: v for k, v in nobody.json().items() if k != "request_id"
    }


async def test_repeated_failures_are_throttled_per_account_with_retry_after(
    anon: httpx.AsyncClient, make_account: MakeAccount, settings: Settings
) -> None:
    acc = await make_account("viewer")
    for _ in range(settings.login_max_failures_account):
        assert (await sign_in(anon, acc.user.username, "sai-mat-khau-123")).status_code == 401
    locked = await sign_in(anon, acc.user.username, PASSWORD)  # even the right password waits
    assert locked.status_code == 429
    assert 0 < int(locked.headers["retry-after"]) <= settings.login_lock_minutes * 60
    assert locked.headers["content-type"] == "application/problem+json"
    # An unknown account is throttled the same way, so the answer reveals nothing.
    for _ in range(settings.login_max_failures_account):
        await sign_in(anon, "khong-co-ai-2", "x")
    assert (await sign_in(anon, "khong-co-ai-2", "x")).status_code == 429


async def test_failures_from_one_address_are_throttled_across_accounts(
    db: Database, settings: Settings, make_client: Callable[..., httpx.AsyncClient]
) -> None:
    strict = settings.model_copy(update={"login_max_failures_address": 3, "login_max_failures_account": 100})
    async with make_client(create_app(strict, db=db)) as c:
        for i in range(3):
            assert (await sign_in(c, f"ai-do-{i}", "x")).status_code == 401
        assert (await sign_in(c, "ai-do-khac", "x")).status_code == 429


async def test_changing_the_password_or_disabling_ends_existing_sessions(
    anon: httpx.AsyncClient, client: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    acc = await make_account("viewer")
    assert (await anon.get("/api/v1/me", headers=acc.headers)).status_code == 200
    r = await client.patch(f"/api/v1/users/{acc.user.id}", json={"password": "mat-khau-moi-456"})
    assert r.status_code == 200, r.text
    assert (await anon.get("/api/v1/me", headers=acc.headers)).status_code == 401
    assert (await sign_in(anon, acc.user.username, PASSWORD)).status_code == 401
    token = (await sign_in(anon, acc.user.username, "mat-khau-moi-456")).json()["access_token"]
    fresh = {"Authorization": f"Bearer {token}"}
    assert (await anon.get("/api/v1/me", headers=fresh)).status_code == 200
    assert (await client.patch(f"/api/v1/users/{acc.user.id}", json={"is_active": False})).status_code == 200
    assert (await anon.get("/api/v1/me", headers=fresh)).status_code == 401
    assert (await sign_in(anon, acc.user.username, "mat-khau-moi-456")).status_code == 401


async def test_logout_ends_the_token(anon: httpx.AsyncClient, make_account: MakeAccount) -> None:
    acc = await make_account("viewer")
    assert (await anon.post("/api/v1/auth/logout", headers=acc.headers)).status_code == 204
    assert (await anon.get("/api/v1/me", headers=acc.headers)).status_code == 401


async def test_api_key_secret_is_shown_once_and_works_until_revoked(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    r = await client.post(
        "/api/v1/api-keys", json={"name": "Hà Nam", "role": "partner", "unit_code": "35", "unit_as_of": "2024-12-31"}
    )
    assert r.status_code == 201, r.text
    created = r.json()
    secret = created["secret"]
    assert secret.startswith(f"khk_{created['prefix']}_")
    stored = await session.scalar(select(ApiKey).where(ApiKey.id == created["id"]))
    assert stored is not None and secret not in stored.secret_hash and stored.secret_hash != secret
    listed = (await client.get("/api/v1/api-keys")).json()["items"]
    assert any(k["id"] == created["id"] for k in listed)
    assert all("secret" not in k for k in listed)

    key = {"Authorization": f"Bearer {secret}"}
    me = (await anon.get("/api/v1/me", headers=key)).json()
    assert (me["kind"], me["role"], me["unit_code"]) == ("api_key", "partner", "35")
    # Last use is noted on writes everywhere, and on reads too on PostgreSQL (SQLite reads never wait for a writer).
    assert (await anon.post("/api/v1/auth/logout", headers=key)).status_code == 204
    await session.refresh(stored)
    assert stored.last_used_at is not None
    wrong = {"Authorization": f"Bearer khk_{created['prefix']}_not-the-secret"}
    assert (await anon.get("/api/v1/me", headers=wrong)).status_code == 401

    assert (await client.delete(f"/api/v1/api-keys/{created['id']}")).status_code == 204
    assert (await anon.get("/api/v1/me", headers=key)).status_code == 401


async def test_an_expired_key_does_not_work(client: httpx.AsyncClient, anon: httpx.AsyncClient) -> None:
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat()
    secret = (await client.post("/api/v1/api-keys", json={"name": "cũ", "role": "viewer", "expires_at": past})).json()[
        "secret"
    ]
    assert (await anon.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})).status_code == 401


async def test_garbage_credentials_are_401_with_www_authenticate(anon: httpx.AsyncClient) -> None:
    for header in ["Bearer", "Bearer nonsense", "Basic dXNlcjpwdw==", "Bearer khk_", "Bearer kht_x"]:
        r = await anon.get("/api/v1/me", headers={"Authorization": header})
        assert r.status_code == 401, header
        assert r.headers["www-authenticate"] == "Bearer"
        assert r.headers["content-type"] == "application/problem+json"


async def test_security_headers_and_no_cors_by_default(anon: httpx.AsyncClient) -> None:
    r = await anon.get("/api/v1/health", headers={"Origin": "https://evil.example"})
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert "access-control-allow-origin" not in r.headers


async def test_cors_allowlist_from_settings(
    db: Database, settings: Settings, make_client: Callable[..., httpx.AsyncClient]
) -> None:
    app: FastAPI = create_app(settings.model_copy(update={"cors_origins": ["https://hanam.example"]}), db=db)
    async with make_client(app) as c:
        ok = await c.options(
            "/api/v1/me", headers={"Origin": "https://hanam.example", "Access-Control-Request-Method": "GET"}
        )
        bad = await c.get("/api/v1/health", headers={"Origin": "https://evil.example"})
    assert ok.headers["access-control-allow-origin"] == "https://hanam.example"
    assert "access-control-allow-origin" not in bad.headers


async def test_admin_fixture_is_national(client: httpx.AsyncClient, admin: Account) -> None:
    me = (await client.get("/api/v1/me")).json()
    assert me["username"] == admin.user.username and me["unit_code"] is None
