"""The open data is rate-limited per client address (api/ops/public_limit.py); the signed-in API is not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from fastapi import FastAPI

from api.core.config import Settings
from api.db.engine import Database
from api.main import create_app
from api.ops.public_limit import PublicRateLimit


def test_bucket_refills_over_the_minute() -> None:
    limit = PublicRateLimit(lambda *a: None, settings=Settings(public_rate_per_minute=60))  # type: ignore[arg-type]
    assert all(limit.take("a", now=0.0) == 0 for _ in range(60))
    assert limit.take("a", now=0.0) > 0  # the burst is spent
    assert limit.take("b", now=0.0) == 0  # another address has its own
    assert limit.take("a", now=1.01) == 0  # one a second comes back
    assert 0 < limit.take("a", now=1.02) <= 1.0


async def test_429_with_retry_after_per_address(
    db: Database, settings: Settings, make_client: Callable[..., httpx.AsyncClient], client: Any
) -> None:
    app: FastAPI = create_app(settings.model_copy(update={"public_rate_per_minute": 3}), db=db)
    url = "/api/v1/public/highlights?unit=34&year=2023"
    async with make_client(app) as anon:
        codes = [(await anon.get(url)).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        r = await anon.get(url)
        assert r.status_code == 429 and r.headers["content-type"] == "application/problem+json"
        assert int(r.headers["retry-after"]) >= 1
        assert r.json()["type"] == "urn:khuyenhoc:problem:rate-limited"
        # The signed-in statistics are not limited by it.
        assert (await anon.get("/api/v1/stats/highlights?unit=34&year=2023", headers=client.headers)).status_code == 200
