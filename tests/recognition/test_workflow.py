"""Issue 16: the pass rules, criteria versions, the workflow's permissions, decisions, derived figures and
reconciliation, erasure. Real database, real HTTP."""

from __future__ import annotations

import httpx

from api.recognition import criteria
from tests.recognition.conftest import API, LOW_INDEX, PASS, WARD, YEAR, Team, sheet


def test_pass_rule_is_80_points_and_no_index_below_5() -> None:
    content = criteria.shipped("cong_dan_nong_dan")
    assert content.pass_rule.min_total == 80 and content.pass_rule.min_per_index == 5
    assert content.max_total == 100
    low = criteria.evaluate(content, LOW_INDEX)
    assert (low.total, low.passed, low.below) == (80, False, ["1.1"])
    ok = criteria.evaluate(content, PASS)
    assert (ok.total, ok.passed) == (80, True)
    assert not criteria.evaluate(content, sheet(8, 8, 8, 8, 8, 8, 8, 8, 8, 7)).passed  # 79


def test_every_title_ships_a_100_point_set_with_unconfirmed_tables_marked() -> None:
    for title, group in criteria.shipped_keys():
        content = criteria.shipped(criteria.key_of(title, group))
        assert content.max_total == 100 and content.title == title and content.target_group == group
    assert criteria.shipped("cong_dan_can_bo").pass_rule.confirmed  # QĐ 677
    family = criteria.shipped("gia_dinh")
    assert not family.pass_rule.confirmed  # QĐ 448's pass mark is not published
    assert [i.confirmed for i in family.criteria[0].indices] == [True, True, True]
    assert not criteria.shipped("dong_ho").criteria[0].indices[0].confirmed


async def test_scoring_through_the_api_applies_the_rule(team: Team) -> None:
    low = await team.scored("Nguyễn Văn Bốn", LOW_INDEX)
    assert (low["total"], low["passed"], low["status"], low["criteria_version"]) == (80, False, "scored", 1)
    ok = await team.scored("Trần Thị Tám", PASS)
    assert (ok["total"], ok["passed"]) == (80, True)
    reg = await team.register("Lê Văn Sai")
    bad = await team.scorer.put(f"{API}/registrations/{reg['id']}/scores", json={"scores": {**PASS, "1.1": 11}})
    assert bad.status_code == 422 and [e["loc"] for e in bad.json()["errors"]] == [["body", "scores", "1.1"]]
    missing = {k: v for k, v in PASS.items() if k != "3.3"}
    r = await team.scorer.put(f"{API}/registrations/{reg['id']}/scores", json={"scores": missing})
    assert r.status_code == 422 and r.json()["errors"][0]["type"] == "missing"
    r = await team.scorer.put(f"{API}/registrations/{reg['id']}/scores", json={"scores": {**PASS, "1.1": True}})
    assert r.status_code == 422


async def test_registration_needs_the_target_group_of_citizens_only(team: Team) -> None:
    body = {"unit_code": WARD, "name": "Nhà ông A", "title": "gia_dinh", "year": YEAR, "target_group": "nong_dan"}
    assert (await team.scorer.post(f"{API}/registrations", json=body)).status_code == 422
    body = {"unit_code": WARD, "name": "Ông B", "title": "cong_dan", "year": YEAR}
    assert (await team.scorer.post(f"{API}/registrations", json=body)).status_code == 422
    body = {
        "unit_code": WARD,
        "name": "Ông B",
        "title": "cong_dan",
        "year": YEAR,
        "target_group": "nong_dan",
        "cccd": "0",
    }
    assert (await team.scorer.post(f"{API}/registrations", json=body)).status_code == 422  # no ID numbers


async def test_a_sheet_keeps_its_criteria_version(team: Team, client: httpx.AsyncClient) -> None:
    first = await team.scored("Phạm Văn Một", PASS)
    content = criteria.shipped("cong_dan_nong_dan").model_dump(mode="json")
    content["pass_rule"]["min_total"] = 85
    content["criteria"][0]["indices"][0]["name"] = "Có kế hoạch học tập hằng năm (sửa đổi)"
    # Only admins publish.
    r = await team.province.post(f"{API}/criteria", json={"year": YEAR, "content": content})
    assert r.status_code == 403
    r = await client.post(f"{API}/criteria", json={"year": YEAR, "content": content})
    assert r.status_code == 201, r.text
    version = r.json()["version"]
    assert version >= 2
    got = (await client.get(f"{API}/criteria/cong_dan/{version}", params={"target_group": "nong_dan"})).json()
    assert got["content"]["pass_rule"]["min_total"] == 85 and got["year"] == YEAR
    listed = (await client.get(f"{API}/criteria")).json()
    assert {"title": "cong_dan", "target_group": "nong_dan", "version": version} in [
        {k: v[k] for k in ("title", "target_group", "version")} for v in listed
    ]
    # The earlier sheet stays on version 1 and stays passed; a new sheet is scored on the new version.
    again = (await team.scorer.get(f"{API}/registrations/{first['id']}")).json()
    assert (again["criteria_version"], again["passed"]) == (1, True)
    second = await team.scored("Phạm Văn Hai", PASS)
    assert (second["criteria_version"], second["passed"]) == (version, False)
    # A year before the new version still scores on version 1.
    old = await team.scored("Phạm Văn Ba", PASS, year=YEAR - 1)
    assert old["criteria_version"] == 1
    dist = await client.get(
        f"{API}/stats/distribution",
        params={"unit": WARD, "year": YEAR, "title": "cong_dan", "target_group": "nong_dan", "version": 1},
    )
    assert dist.status_code == 200 and dist.json()["version"] == 1 and dist.json()["sheets"] >= 1


async def test_workflow_permissions(team: Team) -> None:
    reg = await team.scored("Đỗ Thị Năm", PASS)
    url = f"{API}/registrations/{reg['id']}"
    accept = {"accept": True}
    # Nobody verifies their own sheet; the same ward is not the level above; a neighbour does not see it.
    assert (await team.scorer.post(f"{url}/verify", json=accept)).status_code == 403
    assert (await team.colleague.post(f"{url}/verify", json=accept)).status_code == 403
    assert (await team.neighbour.post(f"{url}/verify", json=accept)).status_code == 404
    # The province cannot score (the commune does), but verifies; returning needs a reason.
    r = await team.province.put(f"{url}/scores", json={"scores": PASS})
    assert r.status_code == 403
    assert (await team.province.post(f"{url}/verify", json={"accept": False})).status_code == 422
    r = await team.province.post(f"{url}/verify", json={"accept": False, "reason": "Thiếu minh chứng chỉ số 1.4"})
    assert r.status_code == 200 and (r.json()["status"], r.json()["return_reason"]) == (
        "returned",
        "Thiếu minh chứng chỉ số 1.4",
    )
    assert (await team.province.post(f"{url}/verify", json=accept)).status_code == 409  # not scored again yet
    assert (await team.scorer.put(f"{url}/scores", json={"scores": PASS})).status_code == 200
    r = await team.province.post(f"{url}/verify", json=accept)
    assert r.status_code == 200 and r.json()["status"] == "verified" and r.json()["return_reason"] is None
    assert (await team.scorer.put(f"{url}/scores", json={"scores": PASS})).status_code == 409  # verified: closed


async def _figures(c: httpx.AsyncClient) -> dict[str, int]:
    r = await c.get(f"{API}/figures", params={"unit": WARD, "year": YEAR})
    assert r.status_code == 200, r.text
    return dict(r.json()["figures"])


async def test_decisions_recognise_a_batch_and_the_figures_follow(team: Team) -> None:
    before = await _figures(team.scorer)
    good = [await team.scored(f"Công dân {i}", PASS) for i in range(3)]
    low = await team.scored("Công dân thiếu", LOW_INDEX)
    unscored = await team.register("Công dân chưa chấm")
    mid = await _figures(team.scorer)
    assert mid["citizens_registered"] - before["citizens_registered"] == 5
    assert "citizens_assessed" not in mid  # a population, typed in the report
    # Bulk verification of the filtered set: the scorer's own sheets are skipped, the province does them.
    sel = {"unit_code": WARD, "title": "cong_dan", "year": YEAR, "accept": True}
    mine = [g["id"] for g in good] + [low["id"], unscored["id"]]
    r = await team.scorer.post(f"{API}/verifications", json=sel | {"ids": mine})
    assert r.json() == {"done": 0, "skipped": 5}
    r = await team.province.post(f"{API}/verifications", json=sel | {"ids": mine})
    assert r.status_code == 200 and r.json() == {"done": 4, "skipped": 1}
    decision = {
        "unit_code": WARD,
        "title": "cong_dan",
        "year": YEAR,
        "authority": "UBND phường Kỳ Bá",
        "number": "15/QĐ-UBND",
        "decided_on": "2024-12-20",
    }
    # Listing a sheet that does not pass names it.
    r = await team.scorer.post(f"{API}/decisions", json=decision | {"registration_ids": [good[0]["id"], low["id"]]})
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "registration_ids", 1]
    r = await team.scorer.post(f"{API}/decisions", json=decision | {"registration_ids": [g["id"] for g in good]})
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["recognised"] == 3 and made["number"] == "15/QĐ-UBND"
    listed = (await team.scorer.get(f"{API}/registrations", params={"decision_id": made["id"]})).json()["items"]
    assert sorted(i["id"] for i in listed) == sorted(g["id"] for g in good)
    assert {i["status"] for i in listed} == {"recognised"}
    after = await _figures(team.scorer)
    assert after["learning_citizens"] - before["learning_citizens"] == 3
    # The reconciliation shows the derived figures beside the report's.
    rec = (await team.scorer.get(f"/api/v1/reports/{WARD}/{YEAR}/reconciliation")).json()
    items = {i["field"]: i for i in rec["items"]}
    assert items["learning_citizens"]["registry"] == after["learning_citizens"]
    assert items["citizens_registered"]["registry"] == after["citizens_registered"]
    # The decision's CSV list and the rates.
    csv = await team.scorer.get(f"{API}/registrations", params={"decision_id": made["id"], "format": "csv"})
    assert csv.status_code == 200 and "Công dân 0" in csv.text
    rates = (await team.scorer.get(f"{API}/stats/rates", params={"unit": WARD, "year": YEAR})).json()
    row = next(r for r in rates["rates"] if r["target_group"] == "nong_dan")
    assert row["recognised"] == after["learning_citizens"] and rates["units_keeping_records"] >= 1
    assert row["indicator"] == "learning_citizen_rate"
    assert {(t["year"], t["variant"], t["value"]) for t in row["targets"]} >= {(2025, "", 0.4), (2030, "", 0.6)}
    # Nothing left to recognise: an empty decision is refused.
    again = await team.scorer.post(f"{API}/decisions", json=decision)
    assert again.status_code == 422


async def test_admin_erases_a_person_and_the_counts_stay(team: Team, client: httpx.AsyncClient) -> None:
    reg = await team.scored("Bùi Văn Xoá", PASS)
    before = await _figures(team.scorer)
    assert (await team.province.post(f"{API}/registrations/{reg['id']}/erase")).status_code == 403
    r = await client.post(f"{API}/registrations/{reg['id']}/erase")
    assert r.status_code == 200
    body = r.json()
    assert body["erased"] and body["name"] == "[đã xoá]" and body["village"] == "" and body["total"] == 80
    assert await _figures(team.scorer) == before
    audit = (await client.get("/api/v1/audit", params={"entity": "recognition_registration"})).json()
    assert audit["items"]


async def test_the_demo_commune_agrees_with_its_report(client: httpx.AsyncClient) -> None:
    """Issue 16: the demo commune's recognised and registered counts are its report's: the reconciliation agrees."""
    from api.demo.recognition import COMMUNE
    from api.demo.recognition import YEAR as DEMO_YEAR

    rec = (await client.get(f"/api/v1/reports/{COMMUNE}/{DEMO_YEAR}/reconciliation")).json()
    items = {i["field"]: i for i in rec["items"]}
    names = ["families_registered", "learning_families", "clans_registered", "learning_clans"]
    names += ["communities_registered", "learning_communities", "units_registered", "learning_units"]
    names += ["citizens_registered", "learning_citizens"]
    assert set(names) <= set(items)
    assert all(items[n]["agrees"] for n in names), [items[n] for n in names if not items[n]["agrees"]]
    assert items["learning_citizens"]["registry"] > 0
    rates = (await client.get(f"{API}/stats/rates", params={"unit": COMMUNE, "year": DEMO_YEAR})).json()
    assert rates["units_keeping_records"] == 1
    dist = await client.get(
        f"{API}/stats/distribution", params={"unit": COMMUNE, "year": DEMO_YEAR, "title": "gia_dinh"}
    )
    assert dist.json()["sheets"] > 0 and any(i["below_min"] for i in dist.json()["indices"])
    names_shown = (
        await client.get(f"{API}/stats/distribution", params={"unit": COMMUNE, "year": DEMO_YEAR, "title": "gia_dinh"})
    ).text
    assert "Hộ gia đình số" not in names_shown  # counts only
