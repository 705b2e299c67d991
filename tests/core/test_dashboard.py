"""The built dashboard is served at / with client-side routes, without shadowing the API."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from api.core.config import Settings
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
