"""Unit scope: outside it a record does not exist (404), and nothing can be written there."""

from __future__ import annotations

import datetime as dt

import httpx

from tests.conftest import MakeAccount

OLD = dt.date(2024, 12, 31)


async def test_a_district_admin_sees_only_its_subtree_and_cannot_grant_more(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    district_admin = await make_account("admin", "336", as_of=OLD)  # TP Thái Bình, before the reform
    mine = await make_account("viewer", "12433", as_of=OLD)  # a ward of TP Thái Bình
    theirs = await make_account("viewer", "12427", as_of=OLD)  # a commune of another district
    h = district_admin.headers

    assert (await anon.get(f"/api/v1/users/{mine.user.id}", headers=h)).status_code == 200
    guessed = await anon.get(f"/api/v1/users/{theirs.user.id}", headers=h)
    assert guessed.status_code == 404 and guessed.headers["content-type"] == "application/problem+json"
    assert (
        await anon.patch(f"/api/v1/users/{theirs.user.id}", json={"display_name": "x"}, headers=h)
    ).status_code == 404
    assert (await anon.delete(f"/api/v1/users/{theirs.user.id}", headers=h)).status_code == 404
    listed = {u["id"] for u in (await anon.get("/api/v1/users", params={"limit": 1000}, headers=h)).json()["items"]}
    assert mine.user.id in listed and theirs.user.id not in listed

    province_key = await anon.post(
        "/api/v1/api-keys", json={"name": "cả tỉnh", "unit_code": "34", "unit_as_of": "2024-12-31"}, headers=h
    )
    assert province_key.status_code == 404  # the province is above its scope: as if it did not exist
    assert province_key.json()["errors"][0]["loc"] == ["body", "unit_code"]
    national = await anon.post(
        "/api/v1/users",
        json={"username": "toan-quoc", "password": "mat-khau-dai-du", "display_name": "x", "role": "viewer"},
        headers=h,
    )
    assert national.status_code == 403
    ok = await anon.post(
        "/api/v1/api-keys",
        json={"name": "một phường", "unit_code": "12433", "unit_as_of": "2024-12-31", "role": "viewer"},
        headers=h,
    )
    assert ok.status_code == 201, ok.text


async def test_a_commune_editor_adds_villages_only_in_its_commune(
    anon: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    communes = (await anon.get("/api/v1/units/33/children", headers=(await make_account("viewer")).headers)).json()
    own, other = communes["items"][0]["code"], communes["items"][1]["code"]
    editor = await make_account("editor", own)
    r = await anon.post("/api/v1/units", json={"parent_code": own, "name": "Thôn Đông"}, headers=editor.headers)
    assert r.status_code == 201, r.text
    village = r.json()
    assert village["code"] == f"{own}-01" and village["level"] == "village" and village["parent_code"] == own
    second = await anon.post("/api/v1/units", json={"parent_code": own, "name": "Thôn Tây"}, headers=editor.headers)
    assert second.json()["code"] == f"{own}-02"
    dup = await anon.post(
        "/api/v1/units", json={"parent_code": own, "name": "Thôn Nam", "code_suffix": "01"}, headers=editor.headers
    )
    assert dup.status_code == 409
    away = await anon.post("/api/v1/units", json={"parent_code": other, "name": "Thôn Bắc"}, headers=editor.headers)
    assert away.status_code == 404 and away.json()["errors"][0]["loc"] == ["body", "parent_code"]
    children = await anon.get(f"/api/v1/units/{own}/children", headers=editor.headers)
    assert [c["name"] for c in children.json()["items"]] == ["Thôn Đông", "Thôn Tây"]


async def test_a_province_key_cannot_write_in_another_province(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    secret = (
        await client.post("/api/v1/api-keys", json={"name": "Ninh Bình", "role": "partner", "unit_code": "37"})
    ).json()["secret"]
    key = {"Authorization": f"Bearer {secret}"}
    home = (await anon.get("/api/v1/units/37/children", headers=key)).json()["items"][0]["code"]
    away = (await anon.get("/api/v1/units/33/children", headers=key)).json()["items"][0]["code"]
    # A partner key may not add villages at all (no units:write) …
    assert (
        await anon.post("/api/v1/units", json={"parent_code": home, "name": "Thôn"}, headers=key)
    ).status_code == 403
    # … and one that may, scoped to Ninh Bình, still cannot write in Hưng Yên.
    editor_key = (
        await client.post("/api/v1/api-keys", json={"name": "NB biên tập", "role": "editor", "unit_code": "37"})
    ).json()["secret"]
    ek = {"Authorization": f"Bearer {editor_key}"}
    assert (await anon.post("/api/v1/units", json={"parent_code": home, "name": "Thôn"}, headers=ek)).status_code == 201
    assert (await anon.post("/api/v1/units", json={"parent_code": away, "name": "Thôn"}, headers=ek)).status_code == 404


async def test_the_new_province_staff_see_records_of_the_units_it_was_formed_from(
    anon: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    hung_yen_admin = await make_account("admin", "33")
    thai_binh_user = await make_account("viewer", "12433", as_of=OLD)  # a ward of old Thái Bình
    ha_noi_user = await make_account("viewer", "01")
    h = hung_yen_admin.headers
    assert (await anon.get(f"/api/v1/users/{thai_binh_user.user.id}", headers=h)).status_code == 200
    assert (await anon.get(f"/api/v1/users/{ha_noi_user.user.id}", headers=h)).status_code == 404
