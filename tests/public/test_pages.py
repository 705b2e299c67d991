"""The open-data page's URL answers the dashboard with its own Open Graph tags (for Zalo and Facebook)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from api.core.config import Settings
from api.db.engine import Database
from api.main import create_app

INDEX = '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Khuyến học</title></head><body></body>'


async def test_open_graph_tags_of_a_published_year(
    tmp_path: Path, db: Database, settings: Settings, make_client: Callable[..., httpx.AsyncClient]
) -> None:
    (tmp_path / "index.html").write_text(INDEX, encoding="utf-8")
    (tmp_path / "assets").mkdir()
    app = create_app(settings.model_copy(update={"frontend_dist": tmp_path}), db=db)
    async with make_client(app) as c:
        r = await c.get("/cong-khai/34/2023")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        page = r.text
        assert '<meta property="og:title" content="Khuyến học Tỉnh Thái Bình năm 2023: số liệu công khai">' in page
        assert "662.525 hội viên" in page and "34,9 %" in page and "163,25 tỷ đồng" in page
        assert '<meta property="og:url" content="http://test/cong-khai/34/2023">' in page
        assert page.count("<title>") == 1 and "<title>Khuyến học Tỉnh Thái Bình năm 2023" in page
        # Not published: the plain dashboard (the page itself says so), no tags about the unit.
        plain = await c.get("/cong-khai/35/2023")
        assert plain.status_code == 200 and "og:title" not in plain.text
        assert (await c.get("/dang-nhap")).text == INDEX
