"""Unit codes in bodies and filters are read on a date (issue 13, item 3: dated unit references).

Codes checked against api/units/data and the installed 2025 list: "13285" is Phường Quang Trung
(TP Phủ Lý, Hà Nam) until 2025-06-30 and Phường Châu Sơn (Ninh Bình) after; "00004" is Phường
Trúc Bạch (Ba Đình, Hà Nội) until 2025-06-30 and Phường Ba Đình after; "33" is the old Hưng Yên
until 2025-06-30 and, after, the Hưng Yên formed from it and Thái Bình ("34").
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Award, Unit

AWARD = {"recipient_name": "Trần Thị Lan", "recipient_kind": "pupil", "category": "khac"}


async def ha_nam_key(client: httpx.AsyncClient) -> dict[str, str]:
    """A Hà Nam partner key, scoped to the province as it was before 2025-07-01."""
    body = {"name": "Hà Nam", "role": "partner", "unit_code": "35", "unit_as_of": "2023-12-31", "partner": "ha-nam"}
    r = await client.post("/api/v1/api-keys", json=body)
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['secret']}"}


async def unit_of_award(session: AsyncSession, award_id: int) -> Any:
    stmt = select(Unit.code, Unit.name, Unit.valid_to).join(Award, Award.unit_id == Unit.id).where(Award.id == award_id)
    return (await session.execute(stmt)).one()


async def all_items(client: httpx.AsyncClient, url: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        r = await client.get(url, params={**params, "limit": 1000, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.text
        items += r.json()["items"]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            return items


@pytest.mark.parametrize("via", ["sync", "api"])
async def test_ha_nam_2024_award_for_13285_lands_on_the_2024_commune(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, session: AsyncSession, via: str
) -> None:
    """Finding: a Hà Nam partner key sending a 2024 award for commune 13285 got 403 (code read on today's map)."""
    key = await ha_nam_key(client)
    body = AWARD | {"unit_code": "13285", "year": 2024}
    if via == "sync":
        r = await anon.put(f"/api/v1/sync/awards/{uuid.uuid4().hex}", headers=key, json=body)
    else:
        r = await anon.post("/api/v1/awards", headers=key, json=body)
    assert r.status_code == 201, r.text
    unit = await unit_of_award(session, r.json()["id"])
    assert (unit.code, unit.name) == ("13285", "Phường Quang Trung")


async def test_ha_noi_2024_award_for_00004_lands_on_truc_bach(client: httpx.AsyncClient, session: AsyncSession) -> None:
    """Finding: a Hà Nội 2024 award for commune 00004 was silently attached to today's Phường Ba Đình."""
    r = await client.post("/api/v1/awards", json=AWARD | {"unit_code": "00004", "year": 2024})
    assert r.status_code == 201, r.text
    unit = await unit_of_award(session, r.json()["id"])
    assert (unit.name, str(unit.valid_to)) == ("Phường Trúc Bạch", "2025-06-30")


async def test_award_date_wins_over_year_and_unit_as_of_over_both(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    """The dating rule's order: unit_as_of, else the award's date, else 31 December of its year."""
    dated = await client.post(
        "/api/v1/awards", json=AWARD | {"unit_code": "00004", "year": 2025, "awarded_on": "2025-03-01"}
    )
    explicit = await client.post(
        "/api/v1/awards", json=AWARD | {"unit_code": "00004", "year": 2024, "unit_as_of": "2025-07-01"}
    )
    assert dated.status_code == explicit.status_code == 201, (dated.text, explicit.text)
    assert (await unit_of_award(session, dated.json()["id"])).name == "Phường Trúc Bạch"
    assert (await unit_of_award(session, explicit.json()["id"])).name == "Phường Ba Đình"


async def test_awards_filter_13285_with_year_2024_finds_the_partners_award(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    """Finding: /awards?unit=13285 (year 2024) did not return the Hà Nam partner's own award."""
    key = await ha_nam_key(client)
    created = await anon.put(
        f"/api/v1/sync/awards/{uuid.uuid4().hex}", headers=key, json=AWARD | {"unit_code": "13285", "year": 2024}
    )
    assert created.status_code == 201, created.text
    for who in (anon, client):
        headers = key if who is anon else {}
        listed = await who.get("/api/v1/awards", params={"unit": "13285", "year": 2024}, headers=headers)
        assert listed.status_code == 200, listed.text
        assert created.json()["id"] in [a["id"] for a in listed.json()["items"]]
        exported = await who.get("/api/v1/awards/export", params={"unit": "13285", "year": 2024}, headers=headers)
        assert exported.status_code == 200, exported.text
        assert created.json()["recipient_name"] in exported.text
    today = await client.get("/api/v1/awards", params={"unit": "13285", "year": 2024, "as_of": "2026-01-01"})
    assert today.status_code == 200 and today.json()["items"] == []  # Phường Châu Sơn had no 2024 awards


async def test_reports_filter_01_keeps_pre_2025_ha_noi_reports(client: httpx.AsyncClient) -> None:
    """Finding: /reports?unit=01 hid every pre-2025 Hà Nội report (only today's Hà Nội was searched)."""
    items = await all_items(client, "/api/v1/reports", unit="01")
    assert any(i["unit_code"] == "01" and i["year"] == 2023 for i in items)


async def test_reports_filter_33_in_2023_lists_what_the_statistics_sum(client: httpx.AsyncClient) -> None:
    """Finding: /reports?unit=33&year=2023 was empty while /stats/highlights says 662,525 members for it."""
    stats = await client.get("/api/v1/stats/highlights", params={"unit": "33", "year": 2023})
    members = next(h["value"] for h in stats.json()["items"] if h["key"] == "members")
    assert members == 662_525
    items = await all_items(client, "/api/v1/reports", unit="33", year=2023, status="approved")
    assert sum(i["members"] or 0 for i in items) == members
    old_map = await all_items(client, "/api/v1/reports", unit="33", year=2023, as_of="2023-12-31")
    assert old_map == []  # read on the 2023 map, "33" is the old Hưng Yên alone, which has no demo reports


async def test_a_code_missing_on_its_date_is_explained_in_plain_vietnamese(client: httpx.AsyncClient) -> None:
    """Errors name the date, the unit the code meant and its successor, with the field; no developer wording."""
    r = await client.post("/api/v1/awards", json=AWARD | {"unit_code": "34", "year": 2026})
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["type"] == "urn:khuyenhoc:problem:validation"
    assert body["errors"][0]["loc"] == ["body", "unit_code"] and body["errors"][0]["type"] == "unknown_unit"
    for words in ("31/12/2026", "Tỉnh Thái Bình", "30/06/2025", "Tỉnh Hưng Yên (mã 33)"):
        assert words in body["detail"], body["detail"]
    assert "as_of" not in body["detail"]
    assert body["meant"]["name"] == "Tỉnh Thái Bình" and body["successors"] == [{"code": "33", "name": "Tỉnh Hưng Yên"}]
    report = await client.put(
        "/api/v1/sync/reports/r-34-2026", json={"unit_code": "34", "year": 2026, "status": "draft"}
    )
    assert report.status_code == 422 and report.json()["errors"][0]["loc"] == ["body", "unit_code"], report.text
    flt = await client.get("/api/v1/reports", params={"unit": "34", "as_of": "2026-01-01"})
    assert flt.status_code == 422 and flt.json()["errors"][0]["loc"] == ["query", "unit"], flt.text
    village = await client.post("/api/v1/units", json={"parent_code": "12442", "name": "Thôn Đông"})
    assert village.status_code == 422 and village.json()["errors"][0]["loc"] == ["body", "parent_code"], village.text
    assert "30/06/2025" in village.json()["detail"] and "Tỉnh Hưng Yên (mã 33)" in village.json()["detail"]
    path = await client.get("/api/v1/units/34", params={"as_of": "2026-01-01"})
    assert path.status_code == 404 and "as_of" not in path.json()["detail"] and "Tỉnh Hưng Yên" in path.json()["detail"]


@pytest.mark.parametrize(
    ("resource", "body"),
    [
        ("commendations", {"form": "medal", "year": 2024, "issuing_level": "central", "recipient_kind": "person"}),
        ("inspections", {"year": 2024, "subject_kind": "association", "subject_name": "Hội Khuyến học phường"}),
        ("partnerships", {"title": "Phối hợp", "year": 2024}),
        ("activities", {"kind": "training", "title": "Tập huấn", "year": 2024}),
    ],
)
async def test_registries_read_the_code_on_the_records_year(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, resource: str, body: dict[str, Any]
) -> None:
    """The same dating rule for every dated registry: a Hà Nam key's 2024 record for 13285 is accepted."""
    key = await ha_nam_key(client)
    r = await anon.put(
        f"/api/v1/sync/{resource}/{uuid.uuid4().hex}",
        headers=key,
        json=body | {"unit_code": "13285", "recipient_name": "Hà Văn Sơn"}
        if resource == "commendations"
        else body | {"unit_code": "13285"},
    )
    assert r.status_code == 201, r.text
    listed = await anon.get(f"/api/v1/{resource}", params={"unit": "13285", "year": 2024}, headers=key)
    assert r.json()["id"] in [i["id"] for i in listed.json()["items"]], listed.text


IMPORT_HEADER = "unit_code,recipient_name,recipient_kind,category,year,awarded_on"


async def import_csv(client: httpx.AsyncClient, lines: list[str], headers: dict[str, str]) -> httpx.Response:
    data = ("\n".join([IMPORT_HEADER, *lines]) + "\n").encode()
    files = {"file": ("khen-thuong.csv", data, "text/csv")}
    return await client.post("/api/v1/awards/imports", params={"wait": "true"}, files=files, headers=headers)


async def test_award_import_reads_each_code_on_the_rows_date(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    """The import follows the API's rule: a Hà Nam 2024 row for 13285 is its commune; an award date picks the map."""
    key = await ha_nam_key(client)
    ha_nam = await import_csv(anon, ["13285,Đỗ Văn Nam,pupil,khac,2024,"], key)
    assert ha_nam.status_code == 201, ha_nam.text
    dated = await import_csv(client, ["00004,Lê Thị Hoa,pupil,khac,2025,2025-03-01"], {})
    assert dated.status_code == 201, dated.text
    stmt = select(Award.recipient_name, Unit.name).join(Unit, Unit.id == Award.unit_id)
    placed = dict((await session.execute(stmt.where(Award.recipient_name.in_(["Đỗ Văn Nam", "Lê Thị Hoa"])))).all())
    assert placed == {"Đỗ Văn Nam": "Phường Quang Trung", "Lê Thị Hoa": "Phường Trúc Bạch"}
    missing = await import_csv(client, ["34,Vũ Văn Tú,pupil,khac,2026,", "34,Vũ Văn Tú,pupil,khong-co,2026,"], {})
    assert missing.status_code == 422, missing.text
    assert any("31/12/2026" in e["msg"] and e["type"] == "unknown_unit" for e in missing.json()["errors"])


async def test_award_import_reads_one_code_on_both_sides_of_the_reform_in_one_file(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    """A code looked up once per part when it names one unit all through the part's dates (the fast path of the
    import): a part whose dates straddle 2025-07-01 still puts each row on the unit of its own date."""
    rows = [
        "00004,Trước Sáp Nhập,pupil,khac,2025,2025-03-01",
        "00004,Sau Sáp Nhập,pupil,khac,2025,2025-09-01",
        "00004,Cuối Năm,pupil,khac,2025,",
    ]
    r = await import_csv(client, rows, {})
    assert r.status_code == 201, r.text
    stmt = select(Award.recipient_name, Unit.name, Unit.valid_to).join(Unit, Unit.id == Award.unit_id)
    names = ["Trước Sáp Nhập", "Sau Sáp Nhập", "Cuối Năm"]
    placed = {n: (u, v) for n, u, v in (await session.execute(stmt.where(Award.recipient_name.in_(names)))).all()}
    assert placed["Trước Sáp Nhập"] == ("Phường Trúc Bạch", dt.date(2025, 6, 30))
    assert placed["Sau Sáp Nhập"][1] is None and placed["Sau Sáp Nhập"] == placed["Cuối Năm"]
    assert placed["Sau Sáp Nhập"][0] != "Phường Trúc Bạch"


@pytest.mark.parametrize("resource", ["funds", "associations"])
async def test_registry_filter_on_todays_code_keeps_the_records_of_the_units_it_was_formed_from(
    client: httpx.AsyncClient, resource: str
) -> None:
    """Like /reports?unit=01: /funds?unit=33 hid the demo records of Thái Bình's wards (today part of Hưng Yên)."""
    merged = await all_items(client, f"/api/v1/{resource}", unit="33")
    old = await all_items(client, f"/api/v1/{resource}", unit="34")
    assert old and {i["id"] for i in old} <= {i["id"] for i in merged}
    assert await all_items(client, f"/api/v1/{resource}", unit="33", as_of="2024-12-31") == []
