"""Issue 16: commune learning communities rated on Thông tư 44's 15 criteria (Tốt / Khá / Trung bình / Chưa đạt):
the band edges, cut-offs as versioned data, the self-assessment workflow before and after the 2025 reform, the
rating distribution and the migration. Real database, real HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import ValidationError
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from api.db.engine import make_engine
from api.db.migrate import downgrade_connection, upgrade_connection
from api.recognition import criteria
from tests.conftest import DatabaseFactory, MakeAccount
from tests.recognition.conftest import API, OLD, PROVINCE, WARD, _client
from tests.reports.conftest import COMPLETE

DISTRICT = "336"  # TP Thái Bình, above the ward on the old map
NEW_COMMUNE, NEW_PROVINCE = "11953", "33"  # Phường Phố Hiến, Hưng Yên (the map since 2025-07-01)
YEAR = 2024
TITLE = "cong_dong_xa"
SET = criteria.shipped(TITLE)


def points(i: int, ii: int, iii: int, content: criteria.CriteriaContent = SET) -> dict[str, int]:
    """A sheet giving each standard (I, II, III) these points, filled index by index up to each maximum."""
    out: dict[str, int] = {}
    for standard, want in zip(content.criteria, (i, ii, iii), strict=True):
        for ix in standard.indices:
            out[ix.code] = min(ix.max_points, want)
            want -= out[ix.code]
        assert want == 0
    return out


def band(scores: dict[str, int], content: criteria.CriteriaContent = SET) -> tuple[int, str | None, bool]:
    r = criteria.evaluate(content, scores)
    return r.total, r.rating, r.passed


def test_the_shipped_set_is_three_standards_of_fifteen_criteria_with_editable_cut_offs() -> None:
    assert [len(c.indices) for c in SET.criteria] == [4, 4, 7]
    assert [i.code for i in SET.indices()] == [str(n) for n in range(1, 16)]
    assert SET.max_total == 100
    assert SET.rating_rule is not None and not SET.rating_rule.confirmed  # cut-offs unconfirmed: defaults
    assert [b.name for b in SET.rating_rule.bands] == ["Tốt", "Khá", "Trung bình", "Chưa đạt"]
    assert not any(i.confirmed for i in SET.indices())


def test_band_edges_a_total_at_the_cut_off_and_one_below() -> None:
    assert band(points(22, 22, 41)) == (85, "tot", True)
    assert band(points(22, 22, 40)) == (84, "kha", True)
    assert band(points(18, 18, 34)) == (70, "kha", True)
    assert band(points(18, 18, 33)) == (69, "trung_binh", True)
    assert band(points(13, 12, 25)) == (50, "trung_binh", True)
    assert band(points(13, 12, 24)) == (49, "chua_dat", False)  # Chưa đạt is never recognisable
    assert band(points(0, 0, 0)) == (0, "chua_dat", False)


def test_band_edges_a_standard_at_its_least_share_and_one_point_below() -> None:
    # Tốt needs every standard at ≥ 70 % of its maximum: 35 of 50 is exactly 70 %; 92 points with 17 of 25
    # (68 %) in standard I is only Khá.
    assert band(points(17, 25, 50)) == (92, "kha", True)
    assert band(points(18, 25, 49)) == (92, "tot", True)
    lower = SET.model_dump(mode="json")
    lower["rating_rule"]["bands"][0]["min_total"] = 80
    content = criteria.CriteriaContent.model_validate(lower)
    assert band(points(25, 25, 35), content) == (85, "tot", True)
    assert band(points(25, 25, 34), content) == (84, "kha", True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: b[1].update(min_total=90), "cao hơn"),  # Khá above Tốt
        (lambda b: b[3].update(min_total=10), "không có ngưỡng"),  # the catch-all has a cut-off
        (lambda b: b[0].update(min_total=101), "lớn hơn tổng điểm"),
        (lambda b: b[2].update(code="kha"), "trùng"),
        (lambda b: b[2].update(min_total=70, min_criterion_share=50), "cao hơn"),  # same as Khá
    ],
)
def test_a_rating_rule_out_of_order_is_refused(change: Any, message: str) -> None:
    data = SET.model_dump(mode="json")
    change(data["rating_rule"]["bands"])
    with pytest.raises(ValidationError, match=message):
        criteria.CriteriaContent.model_validate(data)


async def _register(c: httpx.AsyncClient, code: str, year: int = YEAR, **fields: Any) -> httpx.Response:
    body = {"unit_code": code, "name": f"Xã {code}", "title": TITLE, "year": year} | fields
    return await c.post(f"{API}/registrations", json=body)


async def _scored(c: httpx.AsyncClient, code: str, scores: dict[str, int], year: int = YEAR) -> dict[str, Any]:
    r = await _register(c, code, year)
    assert r.status_code == 201, r.text
    r = await c.put(f"{API}/registrations/{r.json()['id']}/scores", json={"scores": scores})
    assert r.status_code == 200, r.text
    return dict(r.json())


DECISION = {"title": TITLE, "authority": "UBND huyện", "number": "7/QĐ-UBND"}


async def test_before_the_reform_the_commune_scores_itself_and_the_district_verifies_and_recognises(
    app: FastAPI, make_account: MakeAccount
) -> None:
    commune = _client(app, await make_account("editor", WARD, as_of=OLD))
    colleague = _client(app, await make_account("editor", WARD, as_of=OLD))
    district = _client(app, await make_account("editor", DISTRICT, as_of=OLD))
    # The registrant is the commune itself: a district's code is refused.
    r = await _register(district, DISTRICT)
    assert r.status_code == 422 and r.json()["errors"][0]["type"] == "commune_required"
    reg = await _scored(commune, WARD, points(18, 18, 34))
    assert (reg["total"], reg["rating"], reg["passed"], reg["status"]) == (70, "kha", True, "scored")
    url = f"{API}/registrations/{reg['id']}"
    # The district cannot score the commune's self-assessment; nobody at the commune verifies it.
    assert (await district.put(f"{url}/scores", json={"scores": points(25, 25, 50)})).status_code == 403
    assert (await commune.post(f"{url}/verify", json={"accept": True})).status_code == 403
    assert (await colleague.post(f"{url}/verify", json={"accept": True})).status_code == 403
    r = await district.post(f"{url}/verify", json={"accept": True})
    assert r.status_code == 200 and r.json()["status"] == "verified"
    # The commune does not recognise itself; the district does, with the band kept.
    body = DECISION | {"year": YEAR, "decided_on": "2024-12-20"}
    r = await commune.post(f"{API}/decisions", json=body | {"unit_code": WARD})
    assert r.status_code == 403, r.text
    r = await district.post(f"{API}/decisions", json=body | {"unit_code": DISTRICT})
    assert r.status_code == 201 and r.json()["recognised"] == 1, r.text
    got = (await district.get(url)).json()
    assert (got["status"], got["rating"]) == ("recognised", "kha")
    listed = await district.get(f"{API}/registrations", params={"title": TITLE, "year": YEAR, "format": "csv"})
    assert listed.status_code == 200 and "rating" in listed.text.splitlines()[0] and ",kha," in listed.text


async def test_chua_dat_is_verified_but_never_recognised(app: FastAPI, make_account: MakeAccount) -> None:
    commune = _client(app, await make_account("editor", WARD, as_of=OLD))
    province = _client(app, await make_account("editor", PROVINCE, as_of=OLD))
    reg = await _scored(commune, WARD, points(13, 12, 24))
    assert (reg["rating"], reg["passed"]) == ("chua_dat", False)
    assert (await province.post(f"{API}/registrations/{reg['id']}/verify", json={"accept": True})).status_code == 200
    body = DECISION | {"year": YEAR, "decided_on": "2024-12-20", "unit_code": PROVINCE}
    r = await province.post(f"{API}/decisions", json=body | {"registration_ids": [reg["id"]]})
    assert r.status_code == 422 and r.json()["errors"][0]["type"] == "not_recognisable"


async def test_since_the_reform_the_province_verifies_and_the_commune_cannot(
    app: FastAPI, make_account: MakeAccount
) -> None:
    commune = _client(app, await make_account("editor", NEW_COMMUNE))
    province = _client(app, await make_account("editor", NEW_PROVINCE))
    reg = await _scored(commune, NEW_COMMUNE, points(25, 25, 50), year=2026)
    assert (reg["rating"], reg["passed"]) == ("tot", True)
    url = f"{API}/registrations/{reg['id']}"
    assert (await commune.post(f"{url}/verify", json={"accept": True})).status_code == 403
    r = await province.post(f"{url}/verify", json={"accept": True})
    assert r.status_code == 200 and r.json()["status"] == "verified", r.text
    body = DECISION | {"year": 2026, "decided_on": "2026-11-30", "authority": "UBND tỉnh Hưng Yên"}
    r = await province.post(f"{API}/decisions", json=body | {"unit_code": NEW_PROVINCE})
    assert r.status_code == 201 and r.json()["recognised"] == 1, r.text


async def test_new_cut_offs_rate_new_sheets_and_old_sheets_keep_their_band(
    app: FastAPI, make_account: MakeAccount, client: httpx.AsyncClient
) -> None:
    commune = _client(app, await make_account("editor", WARD, as_of=OLD))
    first = await _scored(commune, WARD, points(20, 20, 32))  # 72: Khá on version 1
    assert (first["criteria_version"], first["rating"]) == (1, "kha")
    content = SET.model_dump(mode="json")
    content["rating_rule"]["bands"][1]["min_total"] = 75  # Khá from 75 for this year
    r = await client.post(f"{API}/criteria", json={"year": YEAR, "content": content})
    assert r.status_code == 201, r.text
    version = r.json()["version"]
    got = (await client.get(f"{API}/criteria/{TITLE}/{version}")).json()
    assert got["content"]["rating_rule"]["bands"][1]["min_total"] == 75
    other = _client(app, await make_account("editor", "12445", as_of=OLD))  # a commune registers once a year
    second = await _scored(other, "12445", points(20, 20, 32))
    assert (second["criteria_version"], second["rating"]) == (version, "trung_binh")
    again = (await commune.get(f"{API}/registrations/{first['id']}")).json()
    assert (again["criteria_version"], again["rating"]) == (1, "kha")
    # Cut-offs out of order are a 422, never a 500.
    content["rating_rule"]["bands"][2]["min_total"] = 80
    r = await client.post(f"{API}/criteria", json={"year": YEAR, "content": content})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")


async def test_the_rating_distribution_under_a_unit_and_year_counts_only(
    app: FastAPI, make_account: MakeAccount
) -> None:
    communes = {code: _client(app, await make_account("editor", code, as_of=OLD)) for code in (WARD, "12445", "12436")}
    province = _client(app, await make_account("editor", PROVINCE, as_of=OLD))
    tot = await _scored(communes[WARD], WARD, points(25, 25, 50))
    await _scored(communes["12445"], "12445", points(18, 18, 34))  # Khá
    await _register(communes["12436"], "12436")  # registered, not scored: no band
    assert (await province.post(f"{API}/registrations/{tot['id']}/verify", json={"accept": True})).status_code == 200
    body = DECISION | {"year": YEAR, "decided_on": "2024-12-20", "unit_code": PROVINCE}
    assert (await province.post(f"{API}/decisions", json=body)).status_code == 201
    r = await province.get(f"{API}/stats/rates", params={"unit": PROVINCE, "year": YEAR})
    assert r.status_code == 200, r.text
    row = next(x for x in r.json()["rates"] if x["title"] == TITLE)
    assert row["ratings"] == {"tot": 1, "kha": 1, "trung_binh": 0, "chua_dat": 0}
    assert row["recognised_ratings"] == {"tot": 1, "kha": 0, "trung_binh": 0, "chua_dat": 0}
    assert (row["registered"], row["assessed"], row["recognised"]) == (3, 2, 1)
    assert row["indicator"] == "commune_learning_community_rate"
    assert "Xã 12442" not in r.text  # no names
    families = next(x for x in r.json()["rates"] if x["title"] == "gia_dinh")
    assert families["ratings"] is None  # no rating rule
    csv = await province.get(f"{API}/stats/rates", params={"unit": PROVINCE, "year": YEAR, "format": "csv"})
    assert csv.status_code == 200 and "ratings" in csv.text.splitlines()[0]
    dist = await province.get(f"{API}/stats/distribution", params={"unit": PROVINCE, "year": YEAR, "title": TITLE})
    assert dist.status_code == 200, dist.text
    d = dist.json()
    assert (d["sheets"], d["passed"], len(d["indices"])) == (2, 2, 15)
    assert d["indices"][0]["distribution"] == {"6": 2} and d["indices"][0]["below_min"] == 0


async def test_only_the_commune_itself_imports_its_sheet(app: FastAPI, make_account: MakeAccount) -> None:
    commune = _client(app, await make_account("editor", WARD, as_of=OLD))
    t = await commune.get(f"{API}/templates/{TITLE}", params={"year": YEAR, "format": "csv"})
    assert t.status_code == 200 and "15 (tối đa 8" in t.text
    head = t.text.lstrip("\ufeff").splitlines()[0]
    sheet = points(18, 18, 34)
    rows = [head, ",".join([WARD, "", "Xã thử", "", *(str(sheet[str(n)]) for n in range(1, 16))])]
    params = {"title": TITLE, "year": YEAR}
    files = {"file": ("x.csv", ("\n".join(rows) + "\n").encode(), "text/csv")}
    r = await commune.post(f"{API}/imports", params=params, files=files)
    assert r.status_code == 200 and r.json()["passed_rows"] == 1, r.text
    got = (await commune.get(f"{API}/registrations", params={"title": TITLE, "year": YEAR})).json()["items"]
    assert [(g["rating"], g["total"]) for g in got] == [("kha", 70)]
    other = rows[1].replace(WARD, "12445", 1)
    files = {"file": ("x.csv", (rows[0] + "\n" + other + "\n").encode(), "text/csv")}
    r = await commune.post(f"{API}/imports", params=params, files=files)
    assert r.status_code in (404, 422) and r.status_code != 500
    # Registered once a year: a second sheet of the same commune and year is refused, naming the cell.
    files = {"file": ("x.csv", ("\n".join(rows) + "\n").encode(), "text/csv")}
    r = await commune.post(f"{API}/imports", params=params, files=files)
    assert r.status_code == 422 and r.json()["errors"][0]["type"] == "registration_duplicate", r.text
    assert len((await commune.get(f"{API}/registrations", params={"title": TITLE, "year": YEAR})).json()["items"]) == 1


async def test_a_commune_registers_once_a_year(app: FastAPI, make_account: MakeAccount) -> None:
    commune = _client(app, await make_account("editor", WARD, as_of=OLD))
    first = await _register(commune, WARD)
    assert first.status_code == 201, first.text
    again = await _register(commune, WARD)
    assert again.status_code == 409 and again.json()["type"].endswith("registration-duplicate"), again.text
    assert "năm 2024" in again.json()["detail"]
    assert (await _register(commune, WARD, year=YEAR - 1)).status_code == 201  # another year is its own
    listed = await commune.get(f"{API}/registrations", params={"title": TITLE})
    assert sorted(x["year"] for x in listed.json()["items"]) == [YEAR - 1, YEAR]
    # Two rows of the commune in one sheet: the second is named, nothing is written.
    t = await commune.get(f"{API}/templates/{TITLE}", params={"year": YEAR - 2, "format": "csv"})
    head = t.text.lstrip("\ufeff").splitlines()[0]
    sheet = points(18, 18, 34)
    row = ",".join([WARD, "", "Xã thử", "", *(str(sheet[str(n)]) for n in range(1, 16))])
    files = {"file": ("x.csv", f"{head}\n{row}\n{row}\n".encode(), "text/csv")}
    r = await commune.post(f"{API}/imports", params={"title": TITLE, "year": YEAR - 2}, files=files)
    assert r.status_code == 422, r.text
    assert [(e["type"], e["loc"][-2:]) for e in r.json()["errors"]] == [("registration_duplicate", [3, "unit_code"])]


def _columns(conn: Connection) -> set[str]:
    return {c["name"] for c in inspect(conn).get_columns("recognition_registrations")}


async def test_the_migration_adds_the_rating_and_takes_it_away(databases: DatabaseFactory) -> None:
    engine = make_engine(await databases.create())
    try:
        async with engine.begin() as conn:
            await conn.run_sync(upgrade_connection, "c71d5e08a4f2")
        async with engine.connect() as conn:
            assert "rating" not in await conn.run_sync(_columns)
        async with engine.begin() as conn:
            await conn.run_sync(upgrade_connection, "3f8a2c6d9b14")
        async with engine.connect() as conn:
            assert "rating" in await conn.run_sync(_columns)
        async with engine.begin() as conn:
            await conn.run_sync(downgrade_connection, "c71d5e08a4f2")
        async with engine.connect() as conn:
            assert "rating" not in await conn.run_sync(_columns)
    finally:
        await engine.dispose()


async def _rated(client: httpx.AsyncClient, unit: str, year: int) -> dict[str, Any]:
    params = {"unit": unit, "year": year, "indicator": "commune_learning_community_rate"}
    r = await client.get("/api/v1/stats/indicators", params=params)
    assert r.status_code == 200, r.text
    return dict(r.json()["items"][0]["value"])


async def test_the_communes_recognised_rating_is_its_reports_figure(
    app: FastAPI, make_account: MakeAccount, client: httpx.AsyncClient
) -> None:
    """Issue 16: "Xã đạt cộng đồng học tập cấp xã" was typed into the commune's report; it is now derived from the
    commune's own rating: 0 while registered, scored and verified, 1 once recognised, in the report, the
    reconciliation, the province's statistics on the next request; a typed value that contradicts it is refused."""
    from api.stats import cache

    commune = _client(app, await make_account("editor", WARD, as_of=OLD))
    district = _client(app, await make_account("editor", DISTRICT, as_of=OLD))
    year = 2023  # the ward's approved demo report, typed
    typed = (await client.get(f"/api/v1/reports/{WARD}/{year}")).json()
    province_before = await _rated(client, PROVINCE, year)
    reg = await _scored(commune, WARD, points(22, 22, 41), year=year)
    assert reg["rating"] == "tot"
    report = (await client.get(f"/api/v1/reports/{WARD}/{year}")).json()
    assert (report["communes_rated_learning_community"], report["status"]) == (0, "approved")
    assert report["learning_citizens"] == typed["learning_citizens"]  # the other figures stay typed
    r = await district.post(f"{API}/registrations/{reg['id']}/verify", json={"accept": True})
    assert r.status_code == 200, r.text
    body = DECISION | {"year": year, "decided_on": f"{year}-12-20", "unit_code": DISTRICT}
    r = await district.post(f"{API}/decisions", json=body)
    assert r.status_code == 201 and r.json()["recognised"] == 1, r.text
    cache.CACHE.clear()
    report = (await client.get(f"/api/v1/reports/{WARD}/{year}")).json()
    assert report["communes_rated_learning_community"] == 1
    province_after = await _rated(client, PROVINCE, year)
    moved = 1 - (typed["communes_rated_learning_community"] or 0)
    assert province_after["numerator"] == province_before["numerator"] + moved
    rec = (await client.get(f"/api/v1/reports/{WARD}/{year}/reconciliation")).json()
    item = next(i for i in rec["items"] if i["field"] == "communes_rated_learning_community")
    assert (item["registry"], item["agrees"]) == (1, True)
    r = await client.get(f"{API}/figures", params={"unit": WARD, "year": year})
    assert r.status_code == 200 and r.json()["figures"]["communes_rated_learning_community"] == 1, r.text
    # A report typed for a year the commune keeps its rating in cannot say otherwise.
    fresh = 2022
    await _scored(commune, WARD, points(22, 22, 41), year=fresh)
    wrong = await client.put(
        f"/api/v1/reports/{WARD}/{fresh}", json=COMPLETE | {"communes_rated_learning_community": 1}
    )
    assert wrong.status_code == 422, wrong.text
    errors = {tuple(e["loc"]): e["type"] for e in wrong.json()["errors"]}
    assert errors == {("body", "communes_rated_learning_community"): "derived_figure"}
