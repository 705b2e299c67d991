"""Issue 16: the records are the source of the report's registered and recognised figures. A decision is in
/stats on the next request; a typed value cannot contradict the records; a scored registration keeps its title,
year and group; a recognised one is never deleted. Real database, real HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from api.stats import cache
from tests.recognition.conftest import API, LOW_INDEX, PASS, PROVINCE, WARD, Team
from tests.reports.conftest import COMPLETE

REPORTS = "/api/v1/reports"
DECISION = {"authority": "UBND phường Kỳ Bá", "number": "31/QĐ-UBND", "decided_on": "2023-12-20"}


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    cache.CACHE.clear()


async def citizen_rate(c: httpx.AsyncClient, unit: str, year: int) -> dict[str, Any]:
    params = {"unit": unit, "year": year, "indicator": "learning_citizen_rate"}
    r = await c.get("/api/v1/stats/indicators", params=params)
    assert r.status_code == 200, r.text
    return dict(r.json()["items"][0]["value"])


async def recognise(team: Team, year: int, ids: list[int]) -> dict[str, Any]:
    sel = {"unit_code": WARD, "title": "cong_dan", "year": year, "accept": True, "ids": ids}
    r = await team.province.post(f"{API}/verifications", json=sel)
    assert r.status_code == 200 and r.json()["done"] == len(ids), r.text
    body = {"unit_code": WARD, "title": "cong_dan", "year": year, "registration_ids": ids} | DECISION
    r = await team.scorer.post(f"{API}/decisions", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_a_decision_is_in_the_statistics_of_the_unit_and_its_province_on_the_next_request(
    team: Team, client: httpx.AsyncClient
) -> None:
    typed = (await client.get(f"{REPORTS}/{WARD}/2023")).json()  # the ward's approved 2023 report, typed
    assert typed["status"] == "approved" and typed["learning_citizens"] > 0
    ward0, province0 = await citizen_rate(client, WARD, 2023), await citizen_rate(client, PROVINCE, 2023)
    assert ward0["numerator"] == typed["learning_citizens"]

    # The ward starts keeping citizens' records for 2023: its report's citizens figures are the records' now.
    good = [await team.scored(f"Công dân {i}", PASS, year=2023) for i in range(2)]
    await team.scored("Công dân chưa đạt", LOW_INDEX, year=2023)  # scored, short of the rule: registered only
    report = (await client.get(f"{REPORTS}/{WARD}/2023")).json()
    assert (report["citizens_registered"], report["learning_citizens"], report["status"]) == (3, 0, "approved")
    assert report["citizens_assessed"] == typed["citizens_assessed"]  # a population: stays typed
    assert report["learning_families"] == typed["learning_families"]  # no families' records: stays typed
    assert (await citizen_rate(client, WARD, 2023))["numerator"] == 0
    province1 = await citizen_rate(client, PROVINCE, 2023)
    assert province1["numerator"] == province0["numerator"] - typed["learning_citizens"]

    await recognise(team, 2023, [g["id"] for g in good])
    ward2, province2 = await citizen_rate(client, WARD, 2023), await citizen_rate(client, PROVINCE, 2023)
    assert ward2["numerator"] == 2 and province2["numerator"] == province1["numerator"] + 2
    assert province2["denominator"] == province0["denominator"]

    # The audit trail says the approved report followed the records, and why.
    history = (await client.get(f"{REPORTS}/{WARD}/2023/history")).json()["items"]
    derived = [h for h in history if h["action"] == "derive"]
    assert derived and "đã phê duyệt" in derived[-1]["reason"]
    assert derived[-1]["changes"]["learning_citizens"] == [0, 2]
    # The reconciliation agrees: the report is the records.
    rec = (await client.get(f"{REPORTS}/{WARD}/2023/reconciliation")).json()
    items = {i["field"]: i for i in rec["items"]}
    assert items["learning_citizens"]["agrees"] and items["citizens_registered"]["agrees"]


async def test_the_demo_commune_still_agrees_after_a_new_registration(client: httpx.AsyncClient) -> None:
    from api.demo.recognition import COMMUNE
    from api.demo.recognition import YEAR as DEMO_YEAR

    before = (await client.get(f"{REPORTS}/{COMMUNE}/{DEMO_YEAR}")).json()
    body = {"unit_code": COMMUNE, "title": "gia_dinh", "year": DEMO_YEAR, "name": "Hộ mới", "village": "Thôn 1"}
    r = await client.post(f"{API}/registrations", json=body)
    assert r.status_code == 201, r.text
    after = (await client.get(f"{REPORTS}/{COMMUNE}/{DEMO_YEAR}")).json()
    assert after["families_registered"] == before["families_registered"] + 1
    assert after["learning_families"] == before["learning_families"]
    rec = (await client.get(f"{REPORTS}/{COMMUNE}/{DEMO_YEAR}/reconciliation")).json()
    assert all(i["agrees"] for i in rec["items"] if i["field"].endswith("_registered") or "learning_" in i["field"])
    # Deleting the registration (not recognised) takes the count back.
    assert (await client.delete(f"{API}/registrations/{r.json()['id']}")).status_code == 204
    again = (await client.get(f"{REPORTS}/{COMMUNE}/{DEMO_YEAR}")).json()
    assert again["families_registered"] == before["families_registered"]


async def test_a_typed_value_cannot_contradict_the_records(team: Team, client: httpx.AsyncClient) -> None:
    year = 2024  # no report of the ward yet: the records make none, the report takes them when written
    reg = await team.register("Công dân đầu tiên", year=year)
    assert (await client.get(f"{REPORTS}/{WARD}/{year}")).status_code == 404
    wrong = await client.put(f"{REPORTS}/{WARD}/{year}", json=COMPLETE)
    assert wrong.status_code == 422
    errors = {tuple(e["loc"]): e["type"] for e in wrong.json()["errors"]}
    assert errors == {
        ("body", "citizens_registered"): "derived_figure",
        ("body", "learning_citizens"): "derived_figure",
    }
    # Left empty, they are filled in from the records; the same value is accepted.
    empty = COMPLETE | {"citizens_registered": None, "learning_citizens": None}
    r = await client.put(f"{REPORTS}/{WARD}/{year}", json=empty)
    assert r.status_code == 201, r.text
    assert (r.json()["citizens_registered"], r.json()["learning_citizens"]) == (1, 0)
    assert r.json()["learning_families"] == COMPLETE["learning_families"]  # families: typed
    same = COMPLETE | {"citizens_registered": 1, "learning_citizens": 0}
    assert (await client.put(f"{REPORTS}/{WARD}/{year}", json=same)).status_code == 200
    # A new registration moves the draft's figure; a typed draft value would now be refused again.
    await team.register("Công dân thứ hai", year=year)
    assert (await client.get(f"{REPORTS}/{WARD}/{year}")).json()["citizens_registered"] == 2
    assert (await client.put(f"{REPORTS}/{WARD}/{year}", json=same)).status_code == 422
    assert reg["status"] == "registered"


async def _sync_key(client: httpx.AsyncClient) -> dict[str, str]:
    body = {"name": "Phần mềm của phường", "role": "partner", "unit_code": WARD, "unit_as_of": "2024-12-31"}
    r = await client.post("/api/v1/api-keys", json=body | {"partner": "phuong-ky-ba"})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['secret']}"}


async def test_sync_cannot_change_what_a_scored_registration_was_scored_as(
    team: Team, client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    headers = await _sync_key(client)
    url = "/api/v1/sync/recognition-registrations/KB-2024-7"
    body = {"unit_code": WARD, "title": "cong_dan", "target_group": "nong_dan", "year": 2024, "name": "Ông Bảy"}
    first = await anon.put(url, json=body, headers=headers)
    assert first.status_code == 201, first.text
    # Registered only: its group and title may still change.
    moved = await anon.put(url, json=body | {"target_group": "cong_nhan"}, headers=headers)
    assert moved.status_code == 200 and moved.json()["target_group"] == "cong_nhan"
    rid = first.json()["id"]
    r = await team.scorer.put(f"{API}/registrations/{rid}/scores", json={"scores": PASS})
    assert r.status_code == 200, r.text
    for change in ({"target_group": "can_bo"}, {"year": 2023}, {"title": "gia_dinh", "target_group": None}):
        r = await anon.put(url, json=body | {"target_group": "cong_nhan"} | change, headers=headers)
        assert r.status_code == 409, (change, r.text)
        assert r.json()["type"] == "urn:khuyenhoc:problem:registration-locked"
    # A PATCH never takes these fields (only the name and the village).
    r = await team.scorer.patch(f"{API}/registrations/{rid}", json={"title": "gia_dinh"})
    assert r.status_code == 422
    # Its name may still be corrected.
    r = await anon.put(url, json=body | {"target_group": "cong_nhan", "name": "Ông Bảy (sửa)"}, headers=headers)
    assert r.status_code == 200 and r.json()["status"] == "scored"


async def test_a_recognised_registration_is_not_deleted_and_the_counts_stay(
    team: Team, client: httpx.AsyncClient
) -> None:
    reg = await team.scored("Bà Chín", PASS, year=2023)
    decision = await recognise(team, 2023, [reg["id"]])
    report = (await client.get(f"{REPORTS}/{WARD}/2023")).json()
    r = await client.delete(f"{API}/registrations/{reg['id']}")
    assert r.status_code == 409 and r.json()["type"] == "urn:khuyenhoc:problem:registration-recognised"
    assert (await team.scorer.delete(f"{API}/registrations/{reg['id']}")).status_code == 409
    # Erasure removes the person's data and keeps the record, the decision's count and the report's figures.
    assert (await client.post(f"{API}/registrations/{reg['id']}/erase")).status_code == 200
    assert (await client.get(f"{API}/decisions/{decision['id']}")).json()["recognised"] == 1
    after = (await client.get(f"{REPORTS}/{WARD}/2023")).json()
    assert (after["learning_citizens"], after["citizens_registered"]) == (
        report["learning_citizens"],
        report["citizens_registered"],
    )


async def test_the_excel_import_and_partner_sync_cannot_contradict_the_records_either(
    team: Team, client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    from tests.reports.test_excel import upload, xlsx

    await team.register("Công dân đã đăng ký", year=2024)
    header = ["unit_code", *COMPLETE]
    r = await upload(client, xlsx([header, [WARD, *COMPLETE.values()]]))
    assert r.status_code == 422
    bad = {(e["row"], e["column"].split(" ")[1], e["type"]) for e in r.json()["errors"]}
    assert bad == {(2, "(citizens_registered)", "derived_figure"), (2, "(learning_citizens)", "derived_figure")}
    empty = [WARD, *(None if k in ("citizens_registered", "learning_citizens") else v for k, v in COMPLETE.items())]
    r = await upload(client, xlsx([header, empty]))
    assert r.status_code == 200, r.text
    assert (await client.get(f"{REPORTS}/{WARD}/2024")).json()["citizens_registered"] == 1
    # A partner's report says something else: refused, naming the field.
    body = {"name": "Phần mềm báo cáo", "role": "partner", "unit_code": WARD, "unit_as_of": "2024-12-31"}
    secret = (await client.post("/api/v1/api-keys", json=body | {"partner": "bao-cao-kb"})).json()["secret"]
    report = COMPLETE | {"unit_code": WARD, "year": 2024, "status": "draft"}
    r = await anon.put("/api/v1/sync/reports/KB-2024", json=report, headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 422, r.text
    assert {tuple(e["loc"]) for e in r.json()["errors"] if e["type"] == "derived_figure"} == {
        ("body", "citizens_registered"),
        ("body", "learning_citizens"),
    }


async def test_copies_of_another_instances_records_are_not_counted(client: httpx.AsyncClient, session: Any) -> None:
    """A sync pull copies registrations (registered only: no sheet, no decision) beside the source's report:
    the copies must not replace that report's figures (tests/sync/test_two_instances.py found it)."""
    from api.recognition.schemas import RegistrationIn
    from api.recognition.service import REGISTRATIONS
    from api.registries import kit
    from api.reports import derived
    from api.sync import mirror

    assert derived.COPIES == mirror.MIRROR_PREFIX
    before = (await client.get(f"{REPORTS}/{WARD}/2023")).json()
    copy = RegistrationIn(unit_code=WARD, title="gia_dinh", year=2023, name="Bản sao", external_id="x:1")
    await kit.create(session, mirror.mirror_principal("khac.example"), REGISTRATIONS, copy)
    await session.commit()  # the test's transaction is still rolled back afterwards
    after = (await client.get(f"{REPORTS}/{WARD}/2023")).json()
    assert after["families_registered"] == before["families_registered"]
    assert after["version"] == before["version"]
