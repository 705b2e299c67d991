"""A repeated public request is answered from the kept answer before routing, like the signed-in statistics:
no caller to check, no session opened (api/stats/cache.py, KeptAnswers), and still rate-limited."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import httpx

from api.core.config import Settings
from api.db.changes import SqliteChanges
from api.db.engine import Database
from api.main import create_app
from api.stats import cache

URL = "/api/v1/public/highlights?unit=34&year=2023"


async def test_repeated_public_request_is_served_before_routing(
    tmp_path: Path, db: Database, settings: Settings, make_client: Callable[..., httpx.AsyncClient]
) -> None:
    counter = tmp_path / "counter.db"
    sqlite3.connect(counter).close()
    changes = SqliteChanges(str(counter))  # nothing commits to it: the epoch stays
    await changes.start()
    try:
        app = create_app(settings.model_copy(update={"public_rate_per_minute": 5}), db=db)
        app.state.notifications = changes
        cache.CACHE.clear()
        async with make_client(app) as anon:
            first = await anon.get(URL)
            assert first.status_code == 200, first.text
            app.state.db = None  # the endpoint could no longer open a session: only a kept answer can come
            again = await anon.get(URL)
            assert again.status_code == 200 and again.content == first.content
            assert again.headers["cache-control"].startswith("public") and again.headers["vary"] == "Accept"
            cond = await anon.get(URL, headers={"If-None-Match": first.headers["etag"]})
            assert cond.status_code == 304
            # The limit comes first: the kept answers are limited too.
            statuses = [(await anon.get(URL)).status_code for _ in range(3)]
            assert statuses == [200, 200, 429]
    finally:
        await changes.stop()
        cache.CACHE.clear()
