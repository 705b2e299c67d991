"""The built dashboard is served at / with client-side routes, without shadowing the API."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from api.core.config import Settings
from api.core.dashboard import accepted_encodings
from api.db.engine import Database
from api.main import create_app


async def test_dashboard_routes_fall_back_to_index_and_api_paths_stay_api(
    tmp_path: Path, db: Database, settings: Settings, make_client: Callable[..., httpx.AsyncClient]
) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>Khuyến học</title>", encoding="utf-8")
    (tmp_path / "assets" / "app.js").write_text("console.log(1)", encoding="utf-8")
    (tmp_path / "favicon.svg").write_text("<svg/>", encoding="utf-8")
    app = create_app(settings.model_copy(update={"frontend_dist": tmp_path}), db=db)
    async with make_client(app) as c:
        for path in ["/", "/reports/34/2023", "/units?q=x"]:
            r = await c.get(path)
            assert r.status_code == 200 and "Khuyến học" in r.text, path
        assert (await c.get("/assets/app.js")).text == "console.log(1)"
        assert (await c.get("/favicon.svg")).text == "<svg/>"
        assert (await c.get("/../../etc/passwd")).text.startswith("<!doctype html>")
        api_404 = await c.get("/api/v1/nowhere")
        assert api_404.status_code == 404 and api_404.headers["content-type"] == "application/problem+json"
        assert (await c.delete("/api/v1/units")).status_code == 405
        assert (await c.get("/api")).status_code == 404


# Issue 15 item 2: the dashboard's first load on a slow link (precompressed files, cache headers).

SCRIPT = "console.log('Khuyến học');\n" * 200
INDEX = "<!doctype html><title>Khuyến học</title><p>Đang tải…</p>" + " " * 400


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """A built dashboard as `npm run build` leaves it: each text file beside its .br and .gz."""
    (tmp_path / "assets").mkdir()
    files = {"index.html": INDEX, "assets/index-AbC123.js": SCRIPT, "favicon.svg": "<svg/>" * 100}
    for name, text in files.items():
        body = text.encode()
        (tmp_path / name).write_bytes(body)
        (tmp_path / f"{name}.br").write_bytes(b"BR:" + body[:50])  # recognisable, not decoded here
        (tmp_path / f"{name}.gz").write_bytes(gzip.compress(body))
    (tmp_path / "assets" / "plain-Zz9.css").write_text("body{}" * 100, encoding="utf-8")
    return tmp_path


@pytest.fixture
async def client(
    dist: Path, db: Database, settings: Settings, make_client: Callable[..., httpx.AsyncClient]
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update={"frontend_dist": dist}), db=db)
    async with make_client(app) as c:
        yield c


async def _raw(c: httpx.AsyncClient, path: str, accept: str, **headers: str) -> tuple[httpx.Response, bytes]:
    """The answer as sent (httpx would decode it otherwise)."""
    async with c.stream("GET", path, headers={"Accept-Encoding": accept, **headers}) as r:
        return r, b"".join([chunk async for chunk in r.aiter_raw()])


@pytest.mark.parametrize(
    ("accept", "encoding", "suffix"),
    [
        ("gzip, deflate, br, zstd", "br", ".br"),
        ("br;q=1.0, gzip;q=0.8", "br", ".br"),
        ("gzip, deflate", "gzip", ".gz"),
        ("br;q=0, gzip", "gzip", ".gz"),
        ("*", "br", ".br"),
        ("identity", None, ""),
        ("", None, ""),
        ("gzip;q=0, br;q=0", None, ""),
    ],
)
@pytest.mark.parametrize("name", ["assets/index-AbC123.js", "index.html", "favicon.svg"])
async def test_precompressed_file_chosen_by_accept_encoding(
    client: httpx.AsyncClient, dist: Path, name: str, accept: str, encoding: str | None, suffix: str
) -> None:
    """Finding (issue 15.2): the 1.15 MB script went out uncompressed; the .br/.gz beside it is sent instead."""
    r, body = await _raw(client, f"/{name}", accept)
    assert r.status_code == 200
    assert r.headers.get("content-encoding") == encoding
    assert body == (dist / f"{name}{suffix}").read_bytes()
    assert r.headers["content-length"] == str(len(body))
    assert r.headers["vary"] == "Accept-Encoding"
    expected_type = {"js": "text/javascript", "html": "text/html", "svg": "image/svg+xml"}[name.rsplit(".", 1)[1]]
    assert r.headers["content-type"].startswith(expected_type)


async def test_client_routes_answer_index_html_compressed(client: httpx.AsyncClient, dist: Path) -> None:
    """Finding (issue 15.2): index.html, answered for every client-side route, is compressed too."""
    for path in ["/", "/bao-cao/34/2023", "/don-vi?q=x", "/../../etc/passwd"]:
        r, body = await _raw(client, path, "gzip")
        assert r.status_code == 200 and r.headers["content-encoding"] == "gzip", path
        assert gzip.decompress(body).decode() == INDEX, path


async def test_file_without_precompressed_copy_is_sent_as_is(client: httpx.AsyncClient) -> None:
    r, body = await _raw(client, "/assets/plain-Zz9.css", "br, gzip")
    assert r.status_code == 200 and "content-encoding" not in r.headers
    assert body == b"body{}" * 100 and r.headers["content-type"].startswith("text/css")
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert (await client.get("/assets/missing-123.js")).status_code == 404


@pytest.mark.parametrize("accept", ["br", "gzip", "identity"])
async def test_cache_control_immutable_for_hashed_files_no_cache_for_the_rest(
    client: httpx.AsyncClient, accept: str
) -> None:
    """Finding (issue 15.2): no cache headers; hashed files are kept a year, index.html revalidated each load."""
    r, _ = await _raw(client, "/assets/index-AbC123.js", accept)
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    for path in ["/", "/index.html", "/tuan-thu", "/favicon.svg"]:
        r, _ = await _raw(client, path, accept)
        assert r.headers["cache-control"] == "no-cache", path


async def test_revalidation_answers_304_per_encoding(client: httpx.AsyncClient) -> None:
    """index.html is `no-cache`: a reload must cost a 304, and an ETag names one encoding only."""
    first, _ = await _raw(client, "/", "br")
    plain, _ = await _raw(client, "/", "identity")
    assert first.headers["etag"] != plain.headers["etag"]
    again, body = await _raw(client, "/", "br", **{"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and body == b""
    assert again.headers["vary"] == "Accept-Encoding" and again.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip, deflate, br, zstd", ["br", "gzip"]),
        ("GZIP", ["gzip"]),
        ("br;q=0", []),
        ("*;q=0.5, gzip;q=0", ["br"]),
        ("br; q=bad, gzip", ["gzip"]),
        ("", []),
    ],
)
def test_accepted_encodings(header: str, accepted: list[str]) -> None:
    assert accepted_encodings(header) == accepted
