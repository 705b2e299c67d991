"""Medium 10 (issue 14): unbounded statistics. A series spans at most MAX_SERIES_YEARS years (a 422
naming from and to), only admins make ``Cache-Control: no-cache`` compute afresh, and the CPU part of an
answer runs off the event loop (``/health`` is answered meanwhile)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from api.stats import answers, cache, service
from api.stats.answers import MAX_SERIES_YEARS
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


@pytest.mark.parametrize("part", ["assemble", "render"])
async def test_health_is_answered_while_a_large_statistics_answer_is_made(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, part: str
) -> None:
    """Medium 10: the CPU part of a statistics answer (a row per place and indicator, validated; the body
    rendered and hashed) runs in a worker thread, so the event loop answers ``/health`` meanwhile. The
    part is held until ``/health`` has been answered: were it on the event loop, ``/health`` could only
    be answered after it (the order below would differ, after the hold gives up)."""
    loop = asyncio.get_running_loop()
    order: list[str] = []
    holding, release = asyncio.Event(), threading.Event()
    module, name = (service, "assemble_indicators") if part == "assemble" else (answers, "represent")
    original = getattr(module, name)

    def held(*args: Any, **kwargs: Any) -> Any:
        order.append("statistics: holding")
        loop.call_soon_threadsafe(holding.set)
        release.wait(10)  # what runs this waits: the event loop itself, were it run there
        order.append("statistics: made")
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, held)
    params = {"year": 2024, "breakdown": "children", "unit": "34"}
    stats = asyncio.create_task(client.get("/api/v1/stats/indicators", params=params))
    await holding.wait()
    health = await client.get("/api/v1/health")
    order.append("health: answered")
    release.set()
    answered = await stats
    assert health.status_code == 200 and answered.status_code == 200, answered.text[:300]
    assert len(answered.json()["items"]) > 1
    assert order == ["statistics: holding", "health: answered", "statistics: made"]
