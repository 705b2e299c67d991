"""Annual reports: validation, workflow and its permissions, lost updates, scope, freshness of figures."""

from __future__ import annotations

import httpx

from tests.conftest import MakeAccount
from tests.reports.conftest import COMMUNE, COMPLETE, FOREIGN_COMMUNE, OLD, OTHER_COMMUNE

URL = f"/api/v1/reports/{COMMUNE}/2024"


async def test_every_violation_is_listed_at_once_and_nothing_is_saved(client: httpx.AsyncClient) -> None:
    bad = COMPLETE | {
        "members": 9001,  # > population
        "learning_families": 2100,  # > registered (2000)
        "clans_registered": 40,  # > clans (33)
        "communes": 2,  # a commune report covers one commune
    }
    r = await client.put(URL, json=bad)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    locs = {tuple(e["loc"]) for e in r.json()["errors"]}
    assert locs == {
        ("body", "members"),
        ("body", "learning_families"),
        ("body", "clans_registered"),
        ("body", "communes"),
    }
    assert "dân số (9.000)" in next(e["msg"] for e in r.json()["errors"] if e["loc"] == ["body", "members"])
    assert (await client.get(URL)).status_code == 404


async def test_shape_errors_name_the_field(client: httpx.AsyncClient) -> None:
    r = await client.put(URL, json={"members": -1, "population": "nhiều", "colour": "xanh"})
    assert r.status_code == 422
    assert {tuple(e["loc"]) for e in r.json()["errors"]} == {
        ("body", "members"),
        ("body", "population"),
        ("body", "colour"),
    }
    assert (
        await client.put(URL, content=b"{not json", headers={"content-type": "application/json"})
    ).status_code == 422
    assert (await client.get(URL)).status_code == 404


async def test_families_assessed_defaults_to_households(client: httpx.AsyncClient) -> None:
    r = await client.put(URL, json={"households": 1200, "learning_families": 700})
    assert r.status_code == 201
    assert r.json()["families_assessed"] == 1200
    assert r.json()["status"] == "draft"


async def test_the_workflow_and_who_may_do_each_step(anon: httpx.AsyncClient, make_account: MakeAccount) -> None:
    commune = await make_account("editor", COMMUNE, as_of=OLD)
    neighbour = await make_account("editor", OTHER_COMMUNE, as_of=OLD)
    district = await make_account("editor", "336", as_of=OLD)
    viewer = await make_account("viewer", "34", as_of=OLD)
    c, d = commune.headers, district.headers

    created = await anon.put(URL, json={"population": 9000, "members": 3100}, headers=c)
    assert created.status_code == 201 and created.json()["status"] == "draft"
    incomplete = await anon.post(f"{URL}/submit", headers=c)
    assert incomplete.status_code == 422
    assert ["report", "households"] in [e["loc"] for e in incomplete.json()["errors"]]
    assert (await anon.put(URL, json=COMPLETE, headers=c)).status_code == 200

    assert (await anon.post(f"{URL}/approve", headers=d)).status_code == 409  # not submitted yet
    assert (await anon.post(f"{URL}/submit", headers=neighbour.headers)).status_code == 404  # not its report
    submitted = await anon.post(f"{URL}/submit", headers=c)
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert submitted.json()["submitted_by"] == commune.user.username
    assert (await anon.put(URL, json=COMPLETE, headers=c)).status_code == 409  # locked while submitted

    assert (await anon.post(f"{URL}/approve", headers=c)).status_code == 403  # not its own
    assert (await anon.post(f"{URL}/approve", headers=viewer.headers)).status_code == 403
    approved = await anon.post(f"{URL}/approve", headers=d)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["approved_by"] == district.user.username
    locked = await anon.put(URL, json=COMPLETE | {"members": 3000}, headers=c)
    assert locked.status_code == 409 and locked.headers["content-type"] == "application/problem+json"
    assert (await anon.post(f"{URL}/reopen", json={"reason": "Sửa lại"}, headers=c)).status_code == 403

    reopened = await anon.post(f"{URL}/reopen", json={"reason": "Sai số hội viên"}, headers=d)
    assert reopened.status_code == 200 and reopened.json()["status"] == "draft"
    assert reopened.json()["approved_at"] is None
    assert (await anon.put(URL, json=COMPLETE | {"members": 3000}, headers=c)).status_code == 200

    history = (await anon.get(f"{URL}/history", headers=c)).json()["items"]
    assert [h["action"] for h in history] == ["create", "update", "submit", "approve", "reopen", "update"]
    assert history[-1]["changes"]["members"] == [3100, 3000]
    assert history[3]["actor_name"] == district.user.username


async def test_two_editors_cannot_overwrite_each_other(anon: httpx.AsyncClient, make_account: MakeAccount) -> None:
    a = await make_account("editor", COMMUNE, as_of=OLD)
    b = await make_account("editor", "336", as_of=OLD)
    await anon.put(URL, json=COMPLETE, headers=a.headers)
    tag = (await anon.get(URL, headers=a.headers)).headers["etag"]
    assert (await anon.get(URL, headers=b.headers)).headers["etag"] == tag
    first = await anon.put(URL, json=COMPLETE | {"members": 3050}, headers=a.headers | {"If-Match": tag})
    assert first.status_code == 200
    second = await anon.put(URL, json=COMPLETE | {"members": 2990}, headers=b.headers | {"If-Match": tag})
    assert second.status_code == 412
    assert (await anon.get(URL, headers=a.headers)).json()["members"] == 3050
    stale_submit = await anon.post(f"{URL}/submit", headers=a.headers | {"If-Match": tag})
    assert stale_submit.status_code == 412
    assert (
        await anon.put(f"/api/v1/reports/{COMMUNE}/2025", json=COMPLETE, headers=a.headers | {"If-Match": tag})
    ).status_code in (404, 412)


async def test_a_commune_editor_cannot_reach_another_communes_report(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    for code in (OTHER_COMMUNE, FOREIGN_COMMUNE):
        assert (await client.put(f"/api/v1/reports/{code}/2024", json=COMPLETE)).status_code == 201
    editor = await make_account("editor", COMMUNE, as_of=OLD)
    for code in (OTHER_COMMUNE, FOREIGN_COMMUNE):
        url = f"/api/v1/reports/{code}/2024"
        for method, path in [("GET", url), ("PUT", url), ("GET", f"{url}/history"), ("POST", f"{url}/submit")]:
            r = await anon.request(method, path, json=COMPLETE if method == "PUT" else None, headers=editor.headers)
            assert r.status_code == 404, (method, path, r.status_code)
    listed = (await anon.get("/api/v1/reports", params={"year": 2024}, headers=editor.headers)).json()["items"]
    assert listed == []
    own = (await anon.get("/api/v1/reports", params={"year": 2023, "limit": 1000}, headers=editor.headers)).json()
    assert [r["unit_code"] for r in own["items"]] == [COMMUNE]  # the demo 2023 report of its own commune


async def test_report_list_filters_and_csv(client: httpx.AsyncClient) -> None:
    page = await client.get("/api/v1/reports", params={"year": 2023, "unit": "336", "limit": 5})
    body = page.json()
    assert len(body["items"]) == 5 and body["next_cursor"]
    assert {r["status"] for r in body["items"]} == {"approved"}
    all_336 = []
    cursor = None
    while True:
        r = (
            await client.get(
                "/api/v1/reports",
                params={"year": 2023, "unit": "336", "limit": 7, **({"cursor": cursor} if cursor else {})},
            )
        ).json()
        all_336 += r["items"]
        cursor = r["next_cursor"]
        if not cursor:
            break
    assert len(all_336) == 19  # the wards and communes of TP Thái Bình
    csv = await client.get("/api/v1/reports", params={"year": 2023, "unit": "336", "limit": 1000, "format": "csv"})
    lines = csv.content.decode("utf-8-sig").splitlines()
    header = lines[0].split(",")
    assert {"unit_code", "year", "status", "members", "fund_raised_vnd"} <= set(header)
    assert len(lines) == 20
    assert (await client.get("/api/v1/reports", params={"status": "lost"})).status_code == 422
    assert (await client.get("/api/v1/reports", params={"unit": "999"})).status_code == 422


async def test_an_approval_shows_in_the_province_figures_at_once(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    stats = {"unit": "34", "year": 2024, "indicator": "members"}
    before = (await client.get("/api/v1/stats/indicators", params=stats)).json()["items"][0]
    assert before["value"] is None and before["coverage"]["counted"] == 0
    commune = await make_account("editor", COMMUNE, as_of=OLD)
    district = await make_account("editor", "336", as_of=OLD)
    await anon.put(URL, json=COMPLETE, headers=commune.headers)
    await anon.post(f"{URL}/submit", headers=commune.headers)
    drafts = (
        await anon.get("/api/v1/stats/indicators", params=stats | {"status": "all"}, headers=commune.headers)
    ).json()
    assert drafts["items"][0]["value"] == COMPLETE["members"]  # its own submitted figures, when asked for
    assert (await client.get("/api/v1/stats/indicators", params=stats)).json()["items"][0]["value"] is None
    await anon.post(f"{URL}/approve", headers=district.headers)
    after = (await client.get("/api/v1/stats/indicators", params=stats)).json()["items"][0]
    assert after["value"] == COMPLETE["members"]
    assert after["coverage"] == {"counted": 1, "expected": 242, "reports": 1}
