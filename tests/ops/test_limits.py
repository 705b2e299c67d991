"""Limits from configuration: body and upload sizes, page size, request timeout."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, text

from api.core.config import Settings, get_settings
from api.db.engine import Database, SessionDep
from api.main import create_app
from api.models import Report
from tests.conftest import Account
from tests.ops import hostile_files

PROBLEM = "application/problem+json"
UNIT, YEAR = "12433", 2024  # a ward of TP Thái Bình before 2025-07-01; no demo report that year


def limited_app(db: Database, settings: Settings, **limits: float) -> FastAPI:
    return create_app(settings.model_copy(update=limits), db=db)


async def report_count(db: Database) -> int:
    async with db.sessionmaker() as s:
        return int(await s.scalar(select(func.count()).select_from(Report)) or 0)


async def test_a_body_over_the_limit_is_refused_with_413_before_the_endpoint_runs(
    db: Database, settings: Settings, admin: Account, make_client: Callable[..., httpx.AsyncClient]
) -> None:
    app = limited_app(db, settings, max_body_bytes=2048)
    before = await report_count(db)
    async with make_client(app) as c:
        c.headers.update(admin.headers)
        small = await c.put(f"/api/v1/reports/{UNIT}/{YEAR}", json={"members": 5})
        assert small.status_code == 201, small.text
        padded = {"members": 6, "padding": "x" * 4096}  # would be a 422 (extra field) if it got that far
        big = await c.put(f"/api/v1/reports/{UNIT}/{YEAR}", json=padded, headers={"If-Match": "*"})
    assert big.status_code == 413
    assert big.headers["content-type"] == PROBLEM
    assert big.json()["limit"] == 2048 and "2 KB" in big.json()["detail"]
    assert big.json()["request_id"]
    assert await report_count(db) == before + 1


async def test_a_chunked_body_without_length_is_cut_off_at_the_limit(
    db: Database, settings: Settings, admin: Account, make_client: Callable[..., httpx.AsyncClient]
) -> None:
    app = limited_app(db, settings, max_body_bytes=2048)
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        yield b'{"members": 1, "x": "'
        for _ in range(1000):  # 1 MB if nobody stops reading
            sent += 1
            yield b"y" * 1024
        yield b'"}'

    async with make_client(app) as c:
        c.headers.update(admin.headers)
        r = await c.put(
            f"/api/v1/reports/{UNIT}/{YEAR}", content=chunks(), headers={"Content-Type": "application/json"}
        )
    assert r.status_code == 413 and r.headers["content-type"] == PROBLEM
    assert sent < 10, "the body was read past the limit"


async def test_uploads_have_their_own_limit(
    db: Database, settings: Settings, admin: Account, make_client: Callable[..., httpx.AsyncClient]
) -> None:
    workbook = hostile_files.valid()
    # A JSON body of that size is refused, the same bytes as an upload are not; a bigger upload is.
    app = limited_app(db, settings, max_body_bytes=1024, max_upload_bytes=len(workbook) + 4096)
    async with make_client(app) as c:
        c.headers.update(admin.headers)
        ok = await c.post(
            "/api/v1/reports/imports",
            params={"year": YEAR, "dry_run": "true"},
            files={"file": ("bao-cao.xlsx", workbook, "application/octet-stream")},
        )
        assert ok.status_code == 200, ok.text
        big = await c.post(
            "/api/v1/reports/imports",
            params={"year": YEAR},
            files={"file": ("bao-cao.xlsx", workbook + b"\0" * 8192, "application/octet-stream")},
        )
    assert big.status_code == 413 and big.headers["content-type"] == PROBLEM
    assert "Tệp tải lên" in big.json()["detail"]


async def test_page_size_is_limited_by_the_setting(client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KH_MAX_PAGE_SIZE", "5")
    get_settings.cache_clear()
    try:
        ok = await client.get("/api/v1/units", params={"limit": 5})
        too_many = await client.get("/api/v1/units", params={"limit": 6})
    finally:
        get_settings.cache_clear()
    assert ok.status_code == 200 and len(ok.json()["items"]) == 5
    assert too_many.status_code == 422 and too_many.headers["content-type"] == PROBLEM
    assert too_many.json()["errors"][0]["loc"] == ["query", "limit"]


async def test_a_request_over_the_timeout_answers_503_and_its_writes_are_rolled_back(
    db: Database, settings: Settings, make_client: Callable[..., httpx.AsyncClient]
) -> None:
    app = limited_app(db, settings, request_timeout_seconds=0.5)
    reached = asyncio.Event()

    @app.post("/test/slow-write")
    async def slow_write(session: SessionDep, pause: float) -> dict[str, bool]:
        if not pause:
            return {"done": False}
        await session.execute(text("UPDATE units SET name = 'ĐÃ ĐỔI' WHERE code = '34'"))
        reached.set()
        await asyncio.sleep(pause)
        return {"done": True}

    async with make_client(app) as c:
        # The first call of a route is slower (the app's stack and the route's dependencies are built): on a
        # loaded machine it may itself pass the 0.5 s; what is tested is the call after it.
        warm = [(await c.post("/test/slow-write", params={"pause": 0})).status_code for _ in range(3)]
        assert warm[-1] == 200, warm
        started = time.monotonic()
        r = await c.post("/test/slow-write", params={"pause": 30})
    assert reached.is_set()
    assert r.status_code == 503 and r.headers["content-type"] == PROBLEM
    assert r.headers["retry-after"] and "0.5 giây" in r.json()["detail"]
    assert time.monotonic() - started < 5
    async with db.sessionmaker() as s:
        names = (await s.scalars(text("SELECT name FROM units WHERE code = '34'"))).all()
    assert names and "ĐÃ ĐỔI" not in names
