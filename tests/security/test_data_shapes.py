"""Low (issue 14): every list answers ``{items, next_cursor}``; /award-categories and a report's history
answered bare arrays."""

from __future__ import annotations

import httpx

from tests.reports.conftest import COMPLETE

REPORT = "/api/v1/reports/12433/2021"


async def test_award_categories_are_a_page(client: httpx.AsyncClient) -> None:
    body = (await client.get("/api/v1/award-categories")).json()
    assert set(body) == {"items", "next_cursor"} and body["next_cursor"] is None
    assert "hoc_bong_vuot_kho" in {c["code"] for c in body["items"]}


async def test_report_history_is_a_page(client: httpx.AsyncClient) -> None:
    assert (await client.put(REPORT, json=COMPLETE)).status_code in (200, 201)
    body = (await client.get(f"{REPORT}/history")).json()
    assert set(body) == {"items", "next_cursor"} and body["next_cursor"] is None
    assert [h["action"] for h in body["items"]] == ["create"]
