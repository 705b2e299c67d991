"""Statistics answers kept per worker: served again while the data is unchanged, never after a change
(an approval is in the very next answer), recomputed on ``Cache-Control: no-cache``."""

from __future__ import annotations

import httpx
import pytest

from api.stats import cache
from tests.reporting import REOPEN, submit_and_approve
from tests.reports.conftest import COMPLETE

URL = "/api/v1/reports/12433/2021"  # a commune of old Thái Bình, in a year without demo reports
PARAMS = {"unit": "34", "year": 2021, "indicator": "members"}


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    cache.CACHE.clear()


async def members(client: httpx.AsyncClient, **headers: str) -> tuple[int | None, httpx.Response]:
    r = await client.get("/api/v1/stats/indicators", params=PARAMS, headers=headers)
    assert r.status_code in (200, 304), r.text
    return (r.json()["items"][0]["value"] if r.status_code == 200 else None), r


async def test_an_approval_is_in_the_next_answer_and_unchanged_data_is_served_again(client: httpx.AsyncClient) -> None:
    assert (await client.put(URL, json=COMPLETE)).status_code in (200, 201)
    await submit_and_approve(client, "12433", 2021, as_of="2024-12-31", approve=False)
    before, first = await members(client)
    assert before is None  # nothing approved yet
    hits = cache.CACHE.hits
    _, second = await members(client)
    assert cache.CACHE.hits == hits + 1 and second.content == first.content
    assert (await members(client, **{"If-None-Match": first.headers["etag"]}))[1].status_code == 304

    assert (await client.post(f"{URL}/approve")).status_code == 200
    after, third = await members(client, **{"If-None-Match": first.headers["etag"]})
    assert third.status_code == 200 and after == COMPLETE["members"]
    assert (await client.post(f"{URL}/reopen", json=REOPEN)).status_code == 200
    assert (await members(client))[0] is None


async def test_no_cache_recomputes(client: httpx.AsyncClient) -> None:
    _, first = await members(client)
    hits = cache.CACHE.hits
    _, fresh = await members(client, **{"Cache-Control": "no-cache"})
    assert cache.CACHE.hits == hits and fresh.content == first.content


async def test_a_target_change_is_in_the_next_answer(client: httpx.AsyncClient) -> None:
    params = {"unit": "34", "year": 2023, "indicator": "learning_family_rate"}
    first = (await client.get("/api/v1/stats/indicators", params=params)).json()["items"][0]
    put = await client.put(
        "/api/v1/targets/learning_family_rate/2023",
        json={"value": 0.61, "unit_code": "34", "unit_as_of": "2023-12-31"},
    )
    assert put.status_code == 201, put.text
    second = (await client.get("/api/v1/stats/indicators", params=params)).json()["items"][0]
    assert first["target"] != second["target"] == 0.61
