"""Report validation answers every error at once (issue 14, lows)."""

from __future__ import annotations

import httpx

URL = "/api/v1/reports/12433/2024"  # a commune of old Thái Bình, no demo report that year


async def test_type_errors_do_not_hide_rule_errors(client: httpx.AsyncClient) -> None:
    """Finding: validation ran in two passes, so a field of the wrong type hid the rule errors of the others."""
    body = {
        "members": "nhiều",  # not a number
        "colour": "xanh",  # not a field
        "population": 100,
        "learning_citizens": 200,  # more than the citizens assessed
        "citizens_assessed": 100,
        "communes": 3,  # a commune report covers one commune (a rule that needs the unit's level)
    }
    r = await client.put(URL, json=body)
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    by_loc = {tuple(e["loc"]): e["type"] for e in r.json()["errors"]}
    assert by_loc == {
        ("body", "members"): "int_type",
        ("body", "colour"): "extra_forbidden",
        ("body", "learning_citizens"): "exceeds_denominator",
        ("body", "communes"): "commune_count",
    }
    assert (await client.get(URL)).status_code == 404


async def test_a_body_that_is_not_an_object_is_still_one_clear_error(client: httpx.AsyncClient) -> None:
    for content in (b"[1, 2]", b'"members"', b"{not json"):
        r = await client.put(URL, content=content, headers={"content-type": "application/json"})
        assert r.status_code == 422, (content, r.text)
        assert r.json()["errors"]


async def test_true_and_false_are_not_figures(client: httpx.AsyncClient) -> None:
    """Finding (schemathesis ST201 in CI): `{"branches": true}` was stored as one branch, `false` as zero."""
    r = await client.put(URL, json={"branches": True, "learning_citizens": False, "members": 5})
    assert r.status_code == 422, r.text
    assert {tuple(e["loc"]): e["type"] for e in r.json()["errors"]} == {
        ("body", "branches"): "int_type",
        ("body", "learning_citizens"): "int_type",
    }
    assert (await client.get(URL)).status_code == 404
