"""Money stays whole đồng and goes only where it may (issue 14, lows)."""

from __future__ import annotations

import httpx
import pytest

from tests.registries.test_funds import balance, entry, new_fund

FUND_CLOSED = "urn:khuyenhoc:problem:fund-closed"


async def test_a_transfer_into_a_closed_fund_is_refused(client: httpx.AsyncClient) -> None:
    """Finding: transfers into a closed fund were accepted (only contributions were refused)."""
    source, target = await new_fund(client, "Quỹ nguồn"), await new_fund(client, "Quỹ đã đóng")
    assert (await entry(client, source["id"], kind="contribution", amount_vnd=500_000)).status_code == 201
    assert (await entry(client, target["id"], kind="contribution", amount_vnd=70_000)).status_code == 201
    closed = await client.patch(f"/api/v1/funds/{target['id']}", json={"closed_on": "2024-06-30"})
    assert closed.status_code == 200, closed.text
    r = await entry(client, source["id"], kind="transfer", amount_vnd=200_000, to_fund_id=target["id"])
    assert r.status_code == 409 and r.json()["type"] == FUND_CLOSED
    assert (await balance(client, source["id"]), await balance(client, target["id"])) == (500_000, 70_000)
    r = await entry(client, target["id"], kind="contribution", amount_vnd=1)
    assert r.status_code == 409 and r.json()["type"] == FUND_CLOSED
    # What a closed fund still holds may leave it.
    out = await entry(client, target["id"], kind="transfer", amount_vnd=70_000, to_fund_id=source["id"])
    assert out.status_code == 201, out.text
    assert (await balance(client, source["id"]), await balance(client, target["id"])) == (570_000, 0)


@pytest.mark.parametrize("value", [40000.75, 1.5e300, 10**15 + 1, "Infinity", "NaN"])
async def test_money_and_count_targets_are_whole_and_bounded(client: httpx.AsyncClient, value: object) -> None:
    """Finding: money targets accepted floats (40000.75, 1.5e300); now 422 naming body.value, nothing stored."""
    url = "/api/v1/targets/fund_raised_vnd/2027"
    before = (await client.get(url)).json()["items"]
    content = f'{{"value": {value}}}'.encode()
    r = await client.put(url, content=content, headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    assert ["body", "value"] in [e["loc"] for e in r.json()["errors"]]
    assert (await client.get(url)).json()["items"] == before


async def test_whole_targets_and_rates_are_still_accepted(client: httpx.AsyncClient) -> None:
    assert (await client.put("/api/v1/targets/fund_raised_vnd/2027", json={"value": 40000})).status_code in (200, 201)
    assert (await client.put("/api/v1/targets/members/2027", json={"value": 1.2e6})).status_code in (200, 201)
    assert (await client.put("/api/v1/targets/membership_rate/2027", json={"value": 0.25})).status_code in (200, 201)
    assert (await client.put("/api/v1/targets/members/2027", json={"value": 12.5})).status_code == 422


@pytest.mark.parametrize("value", [False, True, "0.7"])
async def test_a_target_value_is_a_number_not_a_boolean_or_text(client: httpx.AsyncClient, value: object) -> None:
    """Finding (schemathesis ST201): PUT /targets/membership_rate/1990 with value false was stored as 0.0."""
    url = "/api/v1/targets/membership_rate/2027"
    before = (await client.get(url)).json()["items"]
    r = await client.put(url, json={"value": value})
    assert r.status_code == 422 and ["body", "value"] in [e["loc"] for e in r.json()["errors"]], r.text
    assert (await client.get(url)).json()["items"] == before


@pytest.mark.parametrize(
    "field,value", [("gift_value_vnd", False), ("amount_vnd", True), ("amount_vnd", 1.5), ("year", True)]
)
async def test_an_award_amount_or_year_is_a_whole_number_not_a_boolean(
    client: httpx.AsyncClient, field: str, value: object
) -> None:
    """Found by the fuzzer: PATCH /awards/{id} took "gift_value_vnd": false as 0 (schema-violating input accepted)."""
    body = {"unit_code": "12433", "unit_as_of": "2024-12-31", "year": 2024, "recipient_name": "Nguyễn Văn Bình"}
    made = await client.post("/api/v1/awards", json=body | {"recipient_kind": "pupil", "category": "khac"})
    assert made.status_code == 201, made.text
    before = made.json()
    r = await client.patch(f"/api/v1/awards/{before['id']}", json={field: value})
    assert r.status_code == 422 and ["body", field] in [e["loc"] for e in r.json()["errors"]], r.text
    assert (await client.get(f"/api/v1/awards/{before['id']}")).json() == before
