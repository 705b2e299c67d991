"""Shared API conventions: problem+json, request ids, conditional requests, readiness."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from fastapi import Request, Response
from pydantic import BaseModel

from api.core.config import Settings
from api.core.representation import check_if_match, make_etag, represent
from api.db.engine import Database, make_engine
from api.main import create_app
from tests.conftest import DatabaseFactory


async def test_health_and_ready(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/health")).json() == {"status": "ok"}
    r = await client.get("/api/v1/ready")
    assert r.status_code == 200 and r.json()["status"] == "ready"


async def test_ready_is_503_while_migrations_are_missing(
    databases: DatabaseFactory, settings: Settings, make_client: Callable[..., httpx.AsyncClient]
) -> None:
    db = Database(make_engine(await databases.create()))
    try:
        async with make_client(create_app(settings, db=db)) as c:
            r = await c.get("/api/v1/ready")
        assert r.status_code == 503
        assert r.headers["content-type"] == "application/problem+json"
        assert "khuyenhoc migrate" in r.json()["detail"]
    finally:
        await db.dispose()


async def test_ready_is_503_when_the_database_is_unreachable(
    settings: Settings, make_client: Callable[..., httpx.AsyncClient]
) -> None:
    db = Database(make_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none"))
    async with make_client(create_app(settings, db=db)) as c:
        r = await c.get("/api/v1/ready")
        units = await c.get("/api/v1/units/34", headers={"Authorization": "Bearer kht_any-token"})
    assert r.status_code == 503 and r.headers["retry-after"]
    # A request that needs the database answers 503 problem+json, not a 500 with a trace.
    assert units.status_code == 503
    assert units.headers["content-type"] == "application/problem+json"
    assert "Traceback" not in units.text


async def test_request_id_is_echoed_or_generated(client: httpx.AsyncClient) -> None:
    mine = await client.get("/api/v1/health", headers={"X-Request-ID": "abc-123"})
    # The server keeps its own id; the caller's comes back beside it (issue 14).
    assert mine.headers["x-client-request-id"] == "abc-123" and len(mine.headers["x-request-id"]) == 32
    generated = await client.get("/api/v1/health", headers={"X-Request-ID": "bad id with spaces\n"})
    assert generated.headers["x-request-id"] != "bad id with spaces"
    assert len(generated.headers["x-request-id"]) == 32
    problem = await client.get("/api/v1/nowhere", headers={"X-Request-ID": "trace-me"})
    assert problem.json()["request_id"] == problem.headers["x-request-id"] != "trace-me"


async def test_unknown_path_and_wrong_method_are_problems(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/nowhere")
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    r = await client.delete("/api/v1/units")
    assert r.status_code == 405 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["status"] == 405


class Thing(BaseModel):
    id: int
    version: int


def conventions_app(settings: Settings, db: Database) -> object:
    """The app plus test-only routes that exercise the shared mechanisms directly."""
    app = create_app(settings, db=db)
    current = Thing(id=1, version=3)

    @app.get("/test/thing")
    async def get_thing(request: Request) -> Response:
        return represent(request, current, etag=f"thing-{current.id}-{current.version}")

    @app.put("/test/thing")
    async def put_thing(request: Request) -> Response:
        check_if_match(request, make_etag(f"thing-{current.id}-{current.version}", "json"))
        current.version += 1
        return represent(request, current, etag=f"thing-{current.id}-{current.version}")

    @app.get("/test/boom")
    async def boom() -> None:
        raise RuntimeError("secret connection string postgresql://user:pw@db")

    return app


async def test_if_match_rejects_a_stale_write_with_412(
    db: Database, settings: Settings, make_client: Callable[..., httpx.AsyncClient]
) -> None:
    async with make_client(conventions_app(settings, db)) as c:
        tag = (await c.get("/test/thing")).headers["etag"]
        ok = await c.put("/test/thing", headers={"If-Match": tag})
        assert ok.status_code == 200 and ok.json()["version"] == 4
        stale = await c.put("/test/thing", headers={"If-Match": tag})
        assert stale.status_code == 412
        assert stale.headers["content-type"] == "application/problem+json"
        assert stale.json()["current_etag"] == ok.headers["etag"]
        assert (await c.get("/test/thing")).json()["version"] == 4  # the stale write changed nothing
        assert (await c.get("/test/thing", headers={"If-None-Match": ok.headers["etag"]})).status_code == 304


async def test_unexpected_errors_are_500_problems_without_internals(db: Database, settings: Settings) -> None:
    transport = httpx.ASGITransport(app=conventions_app(settings, db), raise_app_exceptions=False)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        r = await c.get("/test/boom")
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    assert "secret" not in r.text and "postgresql" not in r.text
    assert r.json()["request_id"]


async def test_dates_in_queries_are_written_yyyy_mm_dd(client: httpx.AsyncClient) -> None:
    # pydantic alone reads a number as a Unix time (as_of=0 would be 1970-01-01): refused, field named.
    for url, params in (
        ("/api/v1/stats/indicators", {"year": 2023, "unit": "34"}),
        ("/api/v1/units/34", {}),
        ("/api/v1/reports/34/2023/summary.xlsx", {}),
    ):
        for bad in ("0", "1700000000", "31/12/2024", "2024-1-5"):
            r = await client.get(url, params={**params, "as_of": bad})
            assert r.status_code == 422, (url, bad, r.text)
            assert r.headers["content-type"].startswith("application/problem+json")
            assert r.json()["errors"][0]["loc"] == ["query", "as_of"], r.text
            assert "YYYY-MM-DD" in r.json()["errors"][0]["msg"]
        ok = await client.get(url, params={**params, "as_of": "2024-12-31"})
        assert ok.status_code == 200, (url, ok.text)
