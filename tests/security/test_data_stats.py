"""Medium 10 (issue 14): unbounded statistics. A series spans at most MAX_SERIES_YEARS years (a 422
naming from and to), and only admins make ``Cache-Control: no-cache`` compute afresh."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI

from api.stats import cache
from api.stats.router import MAX_SERIES_YEARS
from tests.conftest import MakeAccount

SERIES = "/api/v1/stats/series"


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    cache.CACHE.clear()


async def test_a_series_over_too_many_years_is_a_422_naming_from_and_to(client: httpx.AsyncClient) -> None:
    """Medium 10: 1990–2100 took 4–5 s for any viewer; now refused at once."""
    r = await client.get(SERIES, params={"indicator": "membership_rate", "from": 1990, "to": 2100})
    assert r.status_code == 422, r.text[:300]
    assert r.headers["content-type"] == "application/problem+json"
    assert [(e["loc"], e["type"]) for e in r.json()["errors"]] == [
        (["query", "from"], "series_span"),
        (["query", "to"], "series_span"),
    ]
    backwards = await client.get(SERIES, params={"indicator": "members", "from": 2024, "to": 2020})
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["loc"] == ["query", "from"]
    widest = await client.get(SERIES, params={"indicator": "members", "unit": "34", "from": 2005, "to": 2024})
    assert widest.status_code == 200 and len(widest.json()["items"]) == MAX_SERIES_YEARS


async def test_only_admins_bypass_kept_answers(
    app: FastAPI,
    make_client: Callable[..., httpx.AsyncClient],
    make_account: MakeAccount,
    client: httpx.AsyncClient,
) -> None:
    """Medium 10: a viewer's no-cache gets the kept answer; an admin's is computed afresh."""
    viewer = await make_account("viewer")
    params = {"indicator": "members", "unit": "34", "from": 2020, "to": 2024}
    async with make_client(app) as c:
        c.headers.update(viewer.headers)
        first = await c.get(SERIES, params=params)
        assert first.status_code == 200
        hits = cache.CACHE.hits
        again = await c.get(SERIES, params=params, headers={"Cache-Control": "no-cache"})
        assert again.status_code == 200 and again.content == first.content
        assert cache.CACHE.hits == hits + 1
    hits = cache.CACHE.hits
    fresh = await client.get(SERIES, params=params, headers={"Cache-Control": "no-cache"})
    assert fresh.status_code == 200 and fresh.content == first.content
    assert cache.CACHE.hits == hits
