"""Limits a hostile client meets before any endpoint: upload sizes only for uploads, a bounded request head."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
import uvicorn
from starlette.types import Receive, Scope, Send

from api.core.config import Settings, get_settings
from api.db.engine import Database
from api.main import create_app
from api.ops.serving import uvicorn_options
from tests.conftest import Account


def multipart(size: int) -> dict[str, tuple[None, str]]:
    return {"payload": (None, '{"x": "' + "y" * size + '"}')}


async def test_json_sent_as_multipart_gets_the_body_limit_not_the_upload_limit(
    db: Database, settings: Settings, admin: Account, make_client: Callable[..., httpx.AsyncClient]
) -> None:
    """Issue 14, Low: any route took 20 MiB when the client said multipart/form-data; only uploads may."""
    app = create_app(settings.model_copy(update={"max_body_bytes": 2048, "max_upload_bytes": 1024 * 1024}), db=db)
    async with make_client(app) as c:
        c.headers.update(admin.headers)
        json_route = await c.post("/api/v1/commendations", files=multipart(8192))
        upload_route = await c.post(
            "/api/v1/reports/imports", params={"year": 2024, "dry_run": "true"}, files=multipart(8192)
        )
    assert json_route.status_code == 413, json_route.text
    assert "Nội dung gửi lên" in json_route.json()["detail"]
    assert upload_route.status_code != 413, upload_route.text


async def hello(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


@pytest.fixture
async def served(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[int]:
    """A real uvicorn on a free port with the protocol `khuyenhoc serve` uses; short head limits."""
    monkeypatch.setenv("KH_HEADER_TIMEOUT_SECONDS", "0.3")
    monkeypatch.setenv("KH_MAX_HEADER_BYTES", "8192")
    get_settings.cache_clear()
    options = uvicorn_options(get_settings(), workers=1)
    config = uvicorn.Config(
        hello, host="127.0.0.1", port=0, http=options["http"], lifespan="off", log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(500):  # uvicorn offers no event for "listening"
        if server.started:
            break
        await asyncio.sleep(0.01)
    yield server.servers[0].sockets[0].getsockname()[1]
    server.should_exit = True
    await task
    get_settings.cache_clear()


async def exchange(port: int, data: bytes, *, pause: float = 0) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(data)
        await writer.drain()
        if pause:
            await asyncio.sleep(pause)
        return await asyncio.wait_for(reader.read(), timeout=5)  # until the server closes
    finally:
        writer.close()


async def test_a_request_head_that_never_ends_is_cut_off(served: int) -> None:
    """Issue 14, Low: no header-read timeout: a slow client held a connection open as long as it liked."""
    answer = await exchange(served, b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n")
    assert answer.startswith(b"HTTP/1.1 408")


async def test_a_connection_that_sends_nothing_is_closed(served: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", served)
    try:
        assert (await asyncio.wait_for(reader.read(), timeout=5)).startswith(b"HTTP/1.1 408")
    finally:
        writer.close()


async def test_oversized_request_headers_are_refused(served: int) -> None:
    answer = await exchange(served, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 431")


async def test_a_prompt_request_is_served_and_kept_alive(served: int) -> None:
    """The head limits cut off slow heads only: ordinary requests, and a second one later, are answered."""
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{served}") as c:
        assert (await c.get("/")).text == "ok"
        await asyncio.sleep(0.5)  # longer than the head timeout, shorter than keep-alive
        assert (await c.get("/")).text == "ok"
