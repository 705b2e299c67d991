"""Idempotency-Key against hostile callers: bounded bodies, nothing kept for strangers, no secrets kept."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from sqlalchemy import func, select

from api.core.config import Settings
from api.db.engine import Database
from api.main import create_app
from api.models import ApiKey, IdempotencyKey
from tests.conftest import Account
from tests.security.shared_app import app, module_app  # noqa: F401  (one app per module)

LIMIT = 2048


async def kept_keys(db: Database) -> int:
    async with db.sessionmaker() as s:
        return int(await s.scalar(select(func.count()).select_from(IdempotencyKey)) or 0)


class Chunks:
    """A chunked body of ``total`` KiB that counts how much of it the app pulled."""

    def __init__(self, total: int = 4096) -> None:
        self.total, self.pulled = total, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b'{"x": "'
        for _ in range(self.total):
            self.pulled += 1
            yield b"y" * 1024
        yield b'"}'


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
async def test_an_idempotency_key_does_not_lift_the_body_limit(
    db: Database, settings: Settings, admin: Account, make_client: Callable[..., httpx.AsyncClient], signed_in: bool
) -> None:
    """Issue 14, High 1: a chunked body past the limit with an Idempotency-Key was read whole before the 413."""
    limited = create_app(settings.model_copy(update={"max_body_bytes": LIMIT}), db=db)
    body = Chunks()
    headers = {"Idempotency-Key": "x1", "Content-Type": "application/json"}
    if signed_in:
        headers |= admin.headers
    before = await kept_keys(db)
    async with make_client(limited) as c:
        r = await c.post("/api/v1/commendations", content=body, headers=headers)
    assert r.status_code in (401, 413), r.text
    assert body.pulled <= LIMIT // 1024 + 1, f"{body.pulled} KiB read past a {LIMIT} byte limit"
    assert await kept_keys(db) == before


@pytest.mark.parametrize(
    "authorization", [None, "Bearer khk_made_up_secret", "Bearer kht_not-a-token", "Basic YTpi"], ids=str
)
async def test_a_caller_not_signed_in_stores_no_idempotency_row(
    db: Database, anon: httpx.AsyncClient, authorization: str | None
) -> None:
    """Issue 14, Low: every anonymous POST with an Idempotency-Key stored a row (and buffered its body)."""
    before = await kept_keys(db)
    headers = {"Idempotency-Key": "anon-1"} | ({"Authorization": authorization} if authorization else {})
    for _ in range(3):
        r = await anon.post("/api/v1/auth/logout", headers=headers)
        assert r.status_code == 401
        assert "idempotent-replayed" not in r.headers
    assert await kept_keys(db) == before


async def test_a_new_api_keys_secret_is_neither_stored_nor_replayed(db: Database, client: httpx.AsyncClient) -> None:
    """Issue 14, Medium 11: the khk_… secret was stored in the idempotency table and replayed after revocation."""
    body = {"name": "Hệ thống thử bí mật", "role": "viewer", "unit_code": "01"}
    first = await client.post("/api/v1/api-keys", json=body, headers={"Idempotency-Key": "key-secret-1"})
    assert first.status_code == 201, first.text
    secret = first.json()["secret"]
    async with db.sessionmaker() as s:
        rows = (await s.scalars(select(IdempotencyKey).where(IdempotencyKey.key == "key-secret-1"))).all()
        assert len(rows) == 1 and rows[0].state == "done"
        assert secret.encode() not in (rows[0].body or b"")
        assert secret not in str(rows[0].headers)
    revoked = await client.delete(f"/api/v1/api-keys/{first.json()['id']}")
    assert revoked.status_code == 204
    retry = await client.post("/api/v1/api-keys", json=body, headers={"Idempotency-Key": "key-secret-1"})
    assert retry.status_code == 409, retry.text
    assert retry.json()["type"] == "urn:khuyenhoc:problem:idempotency-withheld"
    assert secret not in retry.text
    async with db.sessionmaker() as s:  # the retry had no second effect either
        assert await s.scalar(select(func.count()).where(ApiKey.name == "Hệ thống thử bí mật")) == 1


async def test_a_webhooks_signing_secret_is_neither_stored_nor_replayed(
    db: Database, client: httpx.AsyncClient
) -> None:
    """The whsec_… of a new webhook endpoint is shown once, like a key's secret: never kept for a replay."""
    key = await client.post("/api/v1/api-keys", json={"name": "Đối tác", "profile": "sync", "unit_code": "01"})
    assert key.status_code == 201, key.text
    body = {"url": "https://93.184.215.14/hook", "api_key_id": key.json()["id"]}
    first = await client.post("/api/v1/webhooks", json=body, headers={"Idempotency-Key": "webhook-secret-1"})
    assert first.status_code == 201, first.text
    secret = first.json()["secret"]
    async with db.sessionmaker() as s:
        rows = (await s.scalars(select(IdempotencyKey).where(IdempotencyKey.key == "webhook-secret-1"))).all()
        assert len(rows) == 1 and secret.encode() not in (rows[0].body or b"")
    retry = await client.post("/api/v1/webhooks", json=body, headers={"Idempotency-Key": "webhook-secret-1"})
    assert retry.status_code == 409 and secret not in retry.text
    assert retry.json()["type"] == "urn:khuyenhoc:problem:idempotency-withheld"


async def test_a_sign_in_token_is_never_kept_or_cached(
    db: Database, anon: httpx.AsyncClient, make_account: Callable[..., object]
) -> None:
    """Issue 14, Medium 11 and Low: /auth/token answers were kept, and sent without Cache-Control: no-store."""
    account = await make_account("viewer", "01")  # type: ignore[misc]
    before = await kept_keys(db)
    form = {"username": account.user.username, "password": "mật-khẩu-thử-1"}
    r = await anon.post("/api/v1/auth/token", data=form, headers={"Idempotency-Key": "token-1"})
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    assert await kept_keys(db) == before
