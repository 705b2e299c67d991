"""Findings of the CI fuzz gate (schemathesis) once the new routes and the declared headers were in."""

from __future__ import annotations

import io

import httpx
from openpyxl import load_workbook


async def test_if_none_match_star_is_a_304_not_an_empty_200(client: httpx.AsyncClient) -> None:
    """`If-None-Match: *` on a record's GET answered 200 with no body and no Content-Type (the route set its
    status over represent's 304)."""
    rid = (await client.get("/api/v1/activities")).json()["items"][0]["id"]
    r = await client.get(f"/api/v1/activities/{rid}", headers={"If-None-Match": "*"})
    assert r.status_code == 304 and r.content == b"" and r.headers["etag"]
    fresh = await client.get(f"/api/v1/activities/{rid}", headers={"If-None-Match": '"another"'})
    assert fresh.status_code == 200 and fresh.json()["id"] == rid


async def test_an_empty_idempotency_key_is_refused(client: httpx.AsyncClient) -> None:
    """An empty `Idempotency-Key` (the schema says at least one character) was accepted as no key."""
    before = (await client.get("/api/v1/activities")).json()["items"]
    body = {"unit_code": "34", "kind": "other", "title": "Thử", "year": 2024}
    r = await client.post("/api/v1/activities", json=body, headers={"Idempotency-Key": " "})
    assert r.status_code == 400 and r.headers["content-type"].startswith("application/problem+json"), r.text
    assert (await client.get("/api/v1/activities")).json()["items"] == before


async def test_a_control_character_in_a_name_does_not_break_the_award_template(client: httpx.AsyncClient) -> None:
    """A category named with a control character made the award template a 500 (openpyxl refuses it)."""
    r = await client.post("/api/v1/award-categories", json={"code": "hoc_bong_ctl", "name": "Học\u0005 bổng"})
    assert r.status_code == 201, r.text
    t = await client.get("/api/v1/awards/imports/template.xlsx")
    assert t.status_code == 200, t.text
    load_workbook(io.BytesIO(t.content), read_only=True).close()
