"""Hostile input on the HTTP surface: NUL characters, forged cursors, huge ids, absurd dates and times."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from api.core.pagination import encode_cursor
from api.db.engine import Database
from api.sync import feed
from tests.security.shared_app import app, module_app  # noqa: F401  (one app per module)

VALIDATION = "urn:khuyenhoc:problem:validation"
MEDAL = {"form": "medal", "year": 2023, "issuing_level": "central", "recipient_kind": "person"}
COMMENDATION = MEDAL | {"unit_code": "336", "unit_as_of": "2023-12-31", "recipient_name": "Người thử"}


def assert_422(r: httpx.Response, where: str | None = None) -> None:
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json" and r.json()["type"] == VALIDATION
    if where is not None:
        assert r.json()["errors"][0]["loc"][0] == where


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "where"),
    [
        ("GET", "/api/v1/units", {"params": {"q": "Thái\x00Bình"}}, "query"),
        ("GET", "/api/v1/audit", {"params": {"actor": "admin\x00"}}, "query"),
        ("POST", "/api/v1/commendations", {"json": COMMENDATION | {"recipient_name": "Lê\x00Văn"}}, "body"),
        ("POST", "/api/v1/commendations", {"json": COMMENDATION | {"external_id": "ext\x00-1"}}, "body"),
        ("PUT", "/api/v1/sync/commendations/ext%00id", {"json": MEDAL}, "path"),
        ("POST", "/api/v1/auth/token", {"data": {"username": "admin\x00", "password": "x"}}, "body"),
        ("POST", "/api/v1/webhooks", {"json": {"url": "https://93.184.215.14/h\x00ook", "api_key_id": 1}}, "body"),
        ("PATCH", "/api/v1/webhooks/1", {"json": {"description": "Đối\x00tác"}}, "body"),
    ],
    ids=["q", "actor", "name", "external-id", "path-external-id", "form", "webhook-url", "webhook-description"],
)
async def test_a_nul_character_is_refused_with_422(
    client: httpx.AsyncClient, method: str, url: str, kwargs: dict[str, Any], where: str
) -> None:
    """Issue 14, Low: NUL bytes in q, actor, names or external ids answered 500 (PostgreSQL cannot hold them)."""
    r = await client.request(method, url, **kwargs)
    assert_422(r, where)
    assert r.json()["errors"][0]["type"] == "nul_character"


async def test_a_nul_in_a_body_sent_without_a_content_type_is_refused(client: httpx.AsyncClient) -> None:
    """FastAPI reads a body without Content-Type as JSON: the NUL check reads it the same way."""
    body = json.dumps(COMMENDATION | {"recipient_name": "Lê\x00Văn"}).encode()
    r = await client.post("/api/v1/commendations", content=body, headers={"Content-Type": ""})
    assert_422(r, "body")
    assert r.json()["errors"][0]["type"] == "nul_character"


async def test_an_escaped_backslash_before_u0000_is_ordinary_text(client: httpx.AsyncClient) -> None:
    """The NUL check reads JSON escapes: the text \\u0000 (a backslash, then u0000) is not a NUL."""
    r = await client.post("/api/v1/commendations", json=COMMENDATION | {"recipient_name": "Lê \\u0000 Văn"})
    assert r.status_code == 201, r.text


async def test_a_forged_cursor_is_a_422(client: httpx.AsyncClient) -> None:
    """Issue 14, Low: a cursor holding a string or a boolean answered 500 on /users, /awards, /audit, /reports."""
    for path in ("/api/v1/users", "/api/v1/awards", "/api/v1/audit", "/api/v1/reports"):
        for value in ("abc", True, 1.5, None, 2**70):
            r = await client.get(path, params={"cursor": encode_cursor([value])})
            assert r.status_code == 422, (path, value, r.text)
            assert r.json()["errors"][0]["loc"] == ["query", "cursor"]


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/v1/users/{}"), ("DELETE", "/api/v1/api-keys/{}"), ("GET", "/api/v1/awards/{}")],
)
async def test_an_id_beyond_the_databases_range_is_not_found(client: httpx.AsyncClient, method: str, path: str) -> None:
    """Issue 14, Low: ids past the integer range answered 422 (or 500) instead of 404 like any missing id."""
    for big in (2**31, 2**63, 2**64 + 1):
        r = await client.request(method, path.format(big), headers={"If-Match": "*"})
        assert r.status_code == 404, (big, r.text)
        assert r.json()["type"] == "urn:khuyenhoc:problem:not-found"


async def test_absurd_dates_are_refused(client: httpx.AsyncClient) -> None:
    """Issue 14, Low: 0001-01-01 and 9999-12-31 were accepted (year 1 stored as -infinity on PostgreSQL)."""
    for day in ("0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"):
        r = await client.post("/api/v1/commendations", json=COMMENDATION | {"decision_date": day})
        assert_422(r, "body")
        assert r.json()["errors"][0]["type"] == "date_range"
        key = {"name": "Khoá", "role": "viewer", "unit_code": "01", "unit_as_of": day}
        assert_422(await client.post("/api/v1/api-keys", json=key), "body")
        assert_422(await client.get("/api/v1/units", params={"as_of": day}), "query")


async def test_sane_dates_still_pass(client: httpx.AsyncClient) -> None:
    """The bounds refuse absurd dates only: 1900-01-01 and 2100-12-31 are accepted."""
    for day in ("1900-01-01", "2100-12-31"):
        r = await client.post("/api/v1/commendations", json=COMMENDATION | {"decision_date": day})
        assert r.status_code == 201, r.text


async def test_audit_since_must_be_an_rfc3339_time(client: httpx.AsyncClient) -> None:
    """Issue 14, Low: GET /audit?since=0.5 was accepted (read as a Unix time) while as_of=0 was refused."""
    for since in ("0.5", "0", "1700000000", "2025-01-01", "0001-01-01T00:00:00Z"):
        assert_422(await client.get("/api/v1/audit", params={"since": since}), "query")


async def test_audit_since_accepts_a_real_time(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/audit", params={"since": "2025-01-01T00:00:00+07:00"})
    assert r.status_code == 200, r.text


async def test_a_made_up_feed_cursor_is_refused(client: httpx.AsyncClient, db: Database) -> None:
    """Issue 14, Low: a cursor past the feed's head (or malformed) was accepted silently on /sync/changes.

    The head is read, not assumed: on PostgreSQL a position is a transaction id times 2**24, so a long-lived
    server's head passes any fixed number (CI's passed 999,999,999,999)."""
    async with db.sessionmaker() as session:
        past_head = str(await feed.head(session) + 1)
    for since in ("99999999999999999999", past_head, "abc", "-1", "1.5"):
        assert_422(await client.get("/api/v1/sync/changes", params={"since": since}), "query")


async def test_the_feeds_own_cursors_still_work(client: httpx.AsyncClient) -> None:
    first = (await client.get("/api/v1/sync/changes", params={"limit": 1})).json()
    r = await client.get("/api/v1/sync/changes", params={"since": first["next_cursor"]})
    assert r.status_code == 200, r.text
