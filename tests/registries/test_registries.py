"""Registries: validation, scope filtering, CSV, If-Match, audit; associations' years; reconciliation."""

from __future__ import annotations

import csv
import datetime as dt
import io

import httpx

from tests.conftest import MakeAccount

OLD = dt.date(2024, 12, 31)
WARD, NEIGHBOUR = "12442", "12445"


async def test_commendation_crud_with_validation_if_match_and_audit(client: httpx.AsyncClient) -> None:
    body = {
        "unit_code": WARD,
        "unit_as_of": "2024-12-31",
        "form": "medal",
        "year": 2024,
        "issuing_level": "central",
        "issuing_body": "Trung ương Hội",
        "decision_number": "12/QĐ-KHVN",
        "recipient_kind": "person",
        "recipient_name": "Nguyễn Văn Hùng",
    }
    bad = await client.post("/api/v1/commendations", json=body | {"form": "trophy", "year": 1700, "extra": 1})
    assert bad.status_code == 422
    assert {tuple(e["loc"]) for e in bad.json()["errors"]} == {("body", "form"), ("body", "year"), ("body", "extra")}
    created = await client.post("/api/v1/commendations", json=body)
    assert created.status_code == 201 and created.headers["location"].endswith(str(created.json()["id"]))
    url = f"/api/v1/commendations/{created.json()['id']}"
    tag = (await client.get(url)).headers["etag"]
    assert (
        await client.patch(url, json={"recipient_name": "Nguyễn Văn Hưng"}, headers={"If-Match": tag})
    ).status_code == 200
    stale = await client.patch(url, json={"recipient_name": "Ai đó"}, headers={"If-Match": tag})
    assert stale.status_code == 412
    assert (await client.get(url)).json()["recipient_name"] == "Nguyễn Văn Hưng"
    listed = await client.get(
        "/api/v1/commendations", params={"unit": WARD, "year": 2024, "form": "medal", "format": "csv"}
    )
    rows = list(csv.DictReader(io.StringIO(listed.content.decode("utf-8-sig"))))
    assert [r["recipient_name"] for r in rows] == ["Nguyễn Văn Hưng"] and rows[0]["unit_code"] == WARD
    assert (await client.delete(url)).status_code == 204
    assert (await client.get(url)).status_code == 404
    trail = (
        await client.get("/api/v1/audit", params={"entity": "commendation", "id": str(created.json()["id"])})
    ).json()
    assert [e["action"] for e in trail["items"]] == ["create", "update", "delete"]


async def test_a_commune_editor_never_sees_another_communes_award_recipients(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    for unit, name in ((WARD, "Phạm Thu Hà"), (NEIGHBOUR, "Đỗ Minh Quân")):
        r = await client.post(
            "/api/v1/awards",
            json={
                "unit_code": unit,
                "unit_as_of": "2024-12-31",
                "year": 2024,
                "recipient_name": name,
                "recipient_kind": "pupil",
                "category": "khac",
            },
        )
        assert r.status_code == 201, r.text
    editor = await make_account("editor", WARD, as_of=OLD)
    mine = (await anon.get("/api/v1/awards", params={"year": 2024, "limit": 1000}, headers=editor.headers)).json()[
        "items"
    ]
    assert [a["recipient_name"] for a in mine] == ["Phạm Thu Hà"]
    csv_text = (await anon.get("/api/v1/awards", params={"year": 2024, "format": "csv"}, headers=editor.headers)).text
    assert "Đỗ Minh Quân" not in csv_text
    theirs = (await client.get("/api/v1/awards", params={"unit": NEIGHBOUR, "year": 2024})).json()["items"][0]
    assert (await anon.get(f"/api/v1/awards/{theirs['id']}", headers=editor.headers)).status_code == 404
    assert (
        await anon.patch(f"/api/v1/awards/{theirs['id']}", json={"school": "x"}, headers=editor.headers)
    ).status_code == 404
    outside = await anon.post(
        "/api/v1/awards",
        headers=editor.headers,
        json={
            "unit_code": NEIGHBOUR,
            "unit_as_of": "2024-12-31",
            "year": 2024,
            "recipient_name": "X",
            "recipient_kind": "pupil",
            "category": "khac",
        },
    )
    assert outside.status_code == 404 and outside.json()["errors"][0]["loc"] == ["body", "unit_code"]
    unknown = await anon.post(
        "/api/v1/awards",
        headers=editor.headers,
        json={
            "unit_code": WARD,
            "unit_as_of": "2024-12-31",
            "year": 2024,
            "recipient_name": "X",
            "recipient_kind": "pupil",
            "category": "khong_co",
        },
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["loc"] == ["body", "category"]


async def test_association_years_and_categories(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    branch = (
        await client.post(
            "/api/v1/associations",
            json={
                "unit_code": WARD,
                "unit_as_of": "2024-12-31",
                "kind": "branch",
                "name": "Chi hội tổ 5",
                "host_kind": "village",
            },
        )
    ).json()
    url = f"/api/v1/associations/{branch['id']}/years"
    assert (await client.put(f"{url}/2024", json={"members": 120, "rating": "Vững mạnh"})).status_code == 200
    assert (await client.put(f"{url}/2024", json={"members": -1})).status_code == 422
    assert (await client.get(url)).json() == [
        {"association_id": branch["id"], "year": 2024, "members": 120, "rating": "Vững mạnh"}
    ]
    board = (
        await client.post(
            "/api/v1/associations",
            json={
                "unit_code": WARD,
                "unit_as_of": "2024-12-31",
                "kind": "board",
                "name": "Ban khuyến học họ Vũ",
                "host_kind": "clan",
            },
        )
    ).json()
    assert (await client.put(f"/api/v1/associations/{board['id']}/years/2024", json={"members": 5})).status_code == 422
    assert (
        await client.post("/api/v1/award-categories", json={"code": "hb_to_hieu", "name": "Học bổng Tô Hiệu"})
    ).status_code == 201
    codes = [c["code"] for c in (await client.get("/api/v1/award-categories")).json()["items"]]
    assert "hb_to_hieu" in codes and "hoc_bong_vuot_kho" in codes
    editor = await make_account("editor", WARD, as_of=OLD)
    assert (
        await anon.post("/api/v1/award-categories", json={"code": "x_y", "name": "x"}, headers=editor.headers)
    ).status_code == 403


async def test_partnership_links_must_be_links(client: httpx.AsyncClient) -> None:
    body = {
        "unit_code": "34",
        "unit_as_of": "2023-12-31",
        "title": "Phối hợp với Hội Khuyến học tỉnh Hà Nam",
        "year": 2023,
        "parties": ["Hội Khuyến học tỉnh Hà Nam"],
        "documents": ["javascript:alert(1)"],
    }
    bad = await client.post("/api/v1/partnerships", json=body)
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"][:2] == ["body", "documents"]
    ok = await client.post("/api/v1/partnerships", json=body | {"documents": ["https://example.org/kh.pdf"]})
    assert ok.status_code == 201 and ok.json()["parties"] == ["Hội Khuyến học tỉnh Hà Nam"]


async def test_reconciliation_shows_agreement_and_the_demo_mismatch(client: httpx.AsyncClient) -> None:
    agree = (await client.get("/api/v1/reports/12433/2023/reconciliation")).json()
    assert agree["report_status"] == "approved"
    assert {i["field"]: i["agrees"] for i in agree["items"]} == dict.fromkeys(
        [
            "members",
            "branches",
            "boards",
            "fund_raised_vnd",
            "fund_balance_vnd",
            "awards_count",
            "awards_vnd",
            "emulation_flags",
            "medals",
            "certificates_of_merit",
            "inspections",
        ],
        True,
    )
    mismatch = {i["field"]: i for i in (await client.get("/api/v1/reports/12439/2023/reconciliation")).json()["items"]}
    assert mismatch["awards_count"]["agrees"] is False and mismatch["awards_count"]["difference"] == 1
    assert mismatch["members"]["agrees"] is True
    none = (await client.get("/api/v1/reports/12442/2023/reconciliation")).json()
    assert none["report_status"] == "approved"  # a ward with a report and empty registries disagrees everywhere
    assert all(not i["agrees"] for i in none["items"] if i["report"])


async def test_a_draft_is_prefilled_from_the_registries(client: httpx.AsyncClient) -> None:
    branch = (
        await client.post(
            "/api/v1/associations",
            json={"unit_code": WARD, "unit_as_of": "2024-12-31", "kind": "branch", "name": "Chi hội tổ 1"},
        )
    ).json()
    await client.put(f"/api/v1/associations/{branch['id']}/years/2024", json={"members": 77})
    await client.put(f"/api/v1/reports/{WARD}/2024", json={"population": 9000})
    r = await client.post(f"/api/v1/reports/{WARD}/2024/prefill")
    assert r.status_code == 200, r.text
    assert (r.json()["population"], r.json()["members"], r.json()["branches"]) == (9000, 77, 1)
    assert r.json()["status"] == "draft"


async def test_inspection_coverage_is_the_share_of_units_inspected(client: httpx.AsyncClient) -> None:
    before = (await client.get("/api/v1/inspections/coverage", params={"unit": "336", "year": 2024})).json()
    assert before == {"unit_code": "336", "year": 2024, "level": "commune", "units": 19, "inspected": 0, "share": 0.0}
    for ward in (WARD, NEIGHBOUR, WARD):
        r = await client.post(
            "/api/v1/inspections",
            json={
                "unit_code": ward,
                "unit_as_of": "2024-12-31",
                "year": 2024,
                "subject_kind": "association",
                "subject_name": "Hội",
            },
        )
        assert r.status_code == 201
    after = (await client.get("/api/v1/inspections/coverage", params={"unit": "336", "year": 2024})).json()
    assert (after["inspected"], round(after["share"], 4)) == (2, round(2 / 19, 4))


async def test_null_for_a_required_list_is_a_clear_422(client: httpx.AsyncClient) -> None:
    made = await client.post(
        "/api/v1/activities",
        json={"unit_code": WARD, "unit_as_of": "2024-12-31", "kind": "training", "title": "Tập huấn", "year": 2024},
    )
    r = await client.patch(f"/api/v1/activities/{made.json()['id']}", json={"links": None})
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "links"]
