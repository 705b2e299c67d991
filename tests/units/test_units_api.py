"""Administrative units across the 2025 reorganisation."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import UnitSuccession
from api.units.loader import load_all, load_commune_successions

BEFORE, AFTER = "2024-12-31", "2025-07-01"


async def all_items(client: httpx.AsyncClient, url: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a list, following next_cursor."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        r = await client.get(url, params={**params, "limit": 1000, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.text
        body = r.json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items


@pytest.mark.parametrize(
    ("level", "as_of", "expected"),
    [
        ("province", BEFORE, 63),
        ("district", BEFORE, 696),
        ("commune", BEFORE, 10051),
        ("province", AFTER, 34),
        ("district", AFTER, 0),
        ("commune", AFTER, 3321),
    ],
)
async def test_unit_counts_by_date(client: httpx.AsyncClient, level: str, as_of: str, expected: int) -> None:
    items = await all_items(client, "/api/v1/units", level=level, as_of=as_of)
    assert len(items) == expected
    assert len({i["code"] for i in items}) == expected  # no code twice on one date, pages do not overlap


async def test_thai_binh_before_the_reform_has_hung_yen_as_successor(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/units/34", params={"as_of": BEFORE})
    assert r.status_code == 200
    tb = r.json()
    assert tb["name"] == "Tỉnh Thái Bình"
    assert tb["level"] == "province"
    assert tb["valid_to"] == "2025-06-30"
    assert tb["successor_codes"] == ["33"]


async def test_new_hung_yen_is_formed_from_old_hung_yen_and_thai_binh(client: httpx.AsyncClient) -> None:
    new = (await client.get("/api/v1/units/33", params={"as_of": AFTER})).json()
    assert new["valid_from"] == "2025-07-01"
    assert new["predecessor_codes"] == ["33", "34"]
    old = (await client.get("/api/v1/units/33", params={"as_of": BEFORE})).json()
    assert old["name"] == "Tỉnh Hưng Yên" and old["valid_to"] == "2025-06-30"
    assert old["successor_codes"] == ["33"]


async def test_districts_and_communes_follow_their_province_until_a_commune_mapping_exists(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    district = (await client.get("/api/v1/units/336", params={"as_of": BEFORE})).json()
    assert district["parent_code"] == "34" and district["successor_codes"] == ["33"]
    commune = (await all_items(client, "/api/v1/units/336/children", as_of=BEFORE))[0]
    assert commune["successor_codes"] == ["33"]
    new_commune = (await all_items(client, "/api/v1/units/33/children", as_of=AFTER))[0]

    result, errors = await load_commune_successions(
        session, f"old_code,new_code\n{commune['code']},{new_commune['code']}\n"
    )
    await session.commit()
    assert errors == [] and result.successions_added == 1
    again = (await client.get(f"/api/v1/units/{commune['code']}", params={"as_of": BEFORE})).json()
    assert again["successor_codes"] == [new_commune["code"]]
    successor = (await client.get(f"/api/v1/units/{new_commune['code']}")).json()
    assert successor["predecessor_codes"] == [commune["code"]]


async def test_a_commune_mapping_with_errors_loads_nothing_and_names_each_bad_cell(session: AsyncSession) -> None:
    before = await session.scalar(select(func.count()).select_from(UnitSuccession))
    csv_text = "old_code,new_code\n12460,99999\n00001,00070\n88888,00070\n"
    result, errors = await load_commune_successions(session, csv_text)
    assert [(e.row, e.column) for e in errors] == [(2, "new_code"), (4, "old_code")]
    assert result.successions_added == 0
    assert await session.scalar(select(func.count()).select_from(UnitSuccession)) == before


async def test_children_of_thai_binh_are_its_eight_districts(client: httpx.AsyncClient) -> None:
    items = await all_items(client, "/api/v1/units/34/children", as_of=BEFORE)
    assert sorted(i["code"] for i in items) == ["336", "338", "339", "340", "341", "342", "343", "344"]
    same = await all_items(client, "/api/v1/units", parent="34", as_of=BEFORE)
    assert same == items
    assert len(await all_items(client, "/api/v1/units/33/children", as_of=AFTER)) == 104


@pytest.mark.parametrize("q", ["thai binh", "THÁI BÌNH", "tinh thai binh", "Thái  Bình"])
async def test_search_ignores_diacritics_and_case(client: httpx.AsyncClient, q: str) -> None:
    items = await all_items(client, "/api/v1/units", q=q, as_of=BEFORE, level="province")
    assert [i["name"] for i in items] == ["Tỉnh Thái Bình"]


async def test_search_treats_wildcards_literally(client: httpx.AsyncClient) -> None:
    assert await all_items(client, "/api/v1/units", q="%", as_of=BEFORE) == []
    assert await all_items(client, "/api/v1/units", q="_", as_of=BEFORE) == []


async def test_a_code_no_longer_valid_answers_404_saying_when_it_was(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/units/34", params={"as_of": "2026-01-01"})
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert "Tỉnh Thái Bình" in body["detail"] and "30/06/2025" in body["detail"]
    assert body["code"] == "34" and body["meant"]["valid_to"] == "2025-06-30"


@pytest.mark.parametrize(
    ("url", "params", "status", "loc"),
    [
        ("/api/v1/units/99", {}, 404, None),
        ("/api/v1/units/abc", {}, 422, ["path", "code"]),
        ("/api/v1/units/34", {"as_of": "2024-02-30"}, 422, ["query", "as_of"]),
        ("/api/v1/units", {"as_of": "31/12/2024"}, 422, ["query", "as_of"]),
        ("/api/v1/units", {"level": "hamlet"}, 422, ["query", "level"]),
        ("/api/v1/units", {"parent": "98"}, 422, ["query", "parent"]),
        ("/api/v1/units", {"limit": 5000}, 422, ["query", "limit"]),
        ("/api/v1/units", {"limit": 0}, 422, ["query", "limit"]),
        ("/api/v1/units", {"cursor": "not-a-cursor"}, 422, ["query", "cursor"]),
        ("/api/v1/units", {"format": "xml"}, 422, ["query", "format"]),
    ],
)
async def test_bad_input_is_a_problem_naming_the_field(
    client: httpx.AsyncClient, url: str, params: dict[str, Any], status: int, loc: list[str] | None
) -> None:
    r = await client.get(url, params=params)
    assert r.status_code == status
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"].startswith("urn:")
    if loc is not None:
        assert [e["loc"] for e in body["errors"]] == [loc]


async def test_unit_list_as_csv_for_excel(client: httpx.AsyncClient) -> None:
    r = await client.get(
        "/api/v1/units", params={"level": "province", "as_of": AFTER, "limit": 100}, headers={"Accept": "text/csv"}
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith("\ufeff".encode())
    lines = r.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "code,name,level,division_type,parent_code,valid_from,valid_to,successor_codes,predecessor_codes"
    assert len(lines) == 1 + 34
    assert "33,Tỉnh Hưng Yên,province,tỉnh,,2025-07-01,,,33|34" in lines
    same = await client.get(
        "/api/v1/units", params={"level": "province", "as_of": AFTER, "limit": 100, "format": "csv"}
    )
    assert same.content == r.content


async def test_empty_csv_list_still_has_its_header(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/units", params={"q": "khong co ten nay", "format": "csv"})
    assert r.content.decode("utf-8-sig").splitlines() == [
        "code,name,level,division_type,parent_code,valid_from,valid_to,successor_codes,predecessor_codes"
    ]


async def test_unit_etag_answers_304_when_unchanged(client: httpx.AsyncClient) -> None:
    first = await client.get("/api/v1/units/34", params={"as_of": BEFORE})
    tag = first.headers["etag"]
    again = await client.get("/api/v1/units/34", params={"as_of": BEFORE}, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    other = await client.get("/api/v1/units/33", params={"as_of": BEFORE}, headers={"If-None-Match": tag})
    assert other.status_code == 200


async def test_loading_units_twice_changes_nothing(session: AsyncSession) -> None:
    result = await load_all(session)
    assert (result.inserted, result.updated, result.successions_added) == (0, 0, 0)
    assert result.unchanged == 63 + 696 + 10051 + 34 + 3321


async def test_search_results_name_their_parents_so_same_named_units_differ(client: httpx.AsyncClient) -> None:
    """Issue 19 item 3: four "Phường Lê Hồng Phong" could only be told apart by their codes."""
    items = await all_items(client, "/api/v1/units", q="le hong phong", as_of=BEFORE, level="commune")
    wards = [i for i in items if i["name"] == "Phường Lê Hồng Phong"]
    assert len(wards) >= 2
    assert all(len(w["parent_names"]) == 2 for w in wards), wards
    assert len({tuple(w["parent_names"]) for w in wards}) == len(wards)
    thai_binh = await client.get("/api/v1/units/12433", params={"as_of": BEFORE})
    assert thai_binh.json()["parent_names"][-1] == "Tỉnh Thái Bình"
    province = await client.get("/api/v1/units/34", params={"as_of": BEFORE})
    assert province.json()["parent_names"] == []
