"""Roll-ups: partial coverage, never counting a place twice, the 2025 reorganisation, targets, CSV, ETags."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Report, Unit
from tests.reports.conftest import COMPLETE


async def approved(session: AsyncSession, code: str, year: int, source: str, figures: dict[str, int]) -> None:
    unit_id = await session.scalar(select(Unit.id).where(Unit.code == code, Unit.source == source))
    session.add(Report(unit_id=unit_id, year=year, status="approved", **figures))
    await session.flush()


async def rows(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    r = await client.get("/api/v1/stats/indicators", params=params)
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def test_districts_add_up_to_the_province(client: httpx.AsyncClient) -> None:
    districts = await rows(
        client, unit="34", year=2023, breakdown="children", indicator=["members", "learning_family_rate"]
    )
    members = [r for r in districts if r["indicator"] == "members"]
    assert [r["unit_code"] for r in members] == ["336", "338", "339", "340", "341", "342", "343", "344"]
    assert sum(r["value"] for r in members) == 662_525
    assert sum(r["coverage"]["counted"] for r in members) == 242
    families = [r for r in districts if r["indicator"] == "learning_family_rate"]
    assert sum(r["value"]["numerator"] for r in families) == 393_740
    assert sum(r["value"]["denominator"] for r in families) == 600_214
    communes = await rows(client, unit="336", year=2023, breakdown="children", indicator=["members"])
    assert len(communes) == 19 and sum(r["value"] for r in communes) == members[0]["value"]


async def test_a_unit_is_never_counted_twice(client: httpx.AsyncClient, session: AsyncSession) -> None:
    # A province report on top of its communes' reports is replaced by them …
    await approved(
        session,
        "34",
        2023,
        "vn-pre-2025",
        COMPLETE | {"communes": 242, "communes_rated_learning_community": 242, "members": 5000},
    )
    [tb] = await rows(client, unit="34", year=2023, indicator=["members"])
    assert tb["value"] == 662_525 and tb["coverage"]["reports"] == 242
    # … and a partner's province-level report counts whole until reports below it exist.
    [ha_nam] = await rows(client, unit="35", year=2023, indicator=["members"])
    assert ha_nam["value"] == 221_000 and ha_nam["coverage"]["counted"] == ha_nam["coverage"]["expected"] == 98
    commune = await session.scalar(
        select(Unit.code).where(
            Unit.source == "vn-pre-2025", Unit.level == "commune", Unit.path.like("vn-pre-2025:35/%")
        )
    )
    await approved(session, str(commune), 2023, "vn-pre-2025", COMPLETE)
    [partial] = await rows(client, unit="35", year=2023, indicator=["members"])
    assert partial["value"] == COMPLETE["members"]
    assert partial["coverage"]["counted"] == 1 and partial["coverage"]["reports"] == 1


async def test_a_new_province_before_it_existed_is_its_predecessors(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    old_hung_yen_commune = await session.scalar(
        select(Unit.code).where(
            Unit.source == "vn-pre-2025", Unit.level == "commune", Unit.path.like("vn-pre-2025:33/%")
        )
    )
    await approved(session, str(old_hung_yen_commune), 2023, "vn-pre-2025", COMPLETE)
    r = await client.get("/api/v1/stats/indicators", params={"unit": "33", "year": 2023, "indicator": "members"})
    body = r.json()
    assert body["computed_from"] == ["33", "34"]
    assert body["items"][0]["value"] == 662_525 + COMPLETE["members"]
    # The same code read on the old map is old Hưng Yên alone.
    [old] = await rows(client, unit="33", year=2023, indicator=["members"], as_of="2024-12-31")
    assert old["value"] == COMPLETE["members"] and old["computed_from"] == ["33"]
    # Today's provinces for 2023: the new Hưng Yên row carries both; the old map has 63 provinces.
    today = await rows(client, year=2023, breakdown="children", indicator=["members"])
    assert len(today) == 34
    assert next(r for r in today if r["unit_code"] == "33")["computed_from"] == ["33", "34"]
    assert len(await rows(client, year=2023, breakdown="children", indicator=["members"], as_of="2024-12-31")) == 63


async def test_a_units_own_target_overrides_the_national_one(client: httpx.AsyncClient) -> None:
    put = await client.put(
        "/api/v1/targets/learning_family_rate/2023",
        json={"value": 0.6, "unit_code": "34", "unit_as_of": "2023-12-31", "source": "KH tỉnh 2023"},
    )
    assert put.status_code == 201, put.text
    [row] = await rows(client, unit="34", year=2023, indicator=["learning_family_rate"])
    assert (row["target"], row["meets_target"], round(row["gap"], 1)) == (0.6, True, 5.6)
    [ha_nam] = await rows(client, unit="35", year=2023, indicator=["learning_family_rate"])
    assert ha_nam["target"] == 0.7  # the national 2025 target still applies elsewhere
    listed = (await client.get("/api/v1/targets/learning_family_rate/2023")).json()["items"]
    assert [(t["unit_code"], t["value"]) for t in listed] == [("34", 0.6)]
    again = await client.put(
        "/api/v1/targets/learning_family_rate/2023", json={"value": 0.62, "unit_code": "34", "unit_as_of": "2023-12-31"}
    )
    assert again.status_code == 200 and again.json()["version"] == 2
    assert (await client.put("/api/v1/targets/learning_family_rate/2023", json={"value": 70})).status_code == 422
    assert (await client.get("/api/v1/targets/no_such_rate/2023")).status_code == 422


async def test_indicators_as_csv_for_pandas_and_excel(client: httpx.AsyncClient) -> None:
    r = await client.get(
        "/api/v1/stats/indicators", params={"unit": "34", "year": 2023, "breakdown": "children", "format": "csv"}
    )
    assert r.headers["content-type"].startswith("text/csv") and r.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(table) == 8 * 19
    members = [t for t in table if t["indicator"] == "members"]
    assert sum(int(t["value"]) for t in members) == 662_525
    family = next(t for t in table if t["indicator"] == "learning_family_rate" and t["unit_code"] == "336")
    assert int(family["numerator"]) <= int(family["denominator"]) and family["meets_target"] in ("true", "false")


async def test_statistics_answer_304_until_the_figures_change(client: httpx.AsyncClient, session: AsyncSession) -> None:
    params = {"unit": "35", "year": 2023, "indicator": "members"}
    first = await client.get("/api/v1/stats/indicators", params=params)
    again = await client.get(
        "/api/v1/stats/indicators", params=params, headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    commune = await session.scalar(
        select(Unit.code).where(
            Unit.source == "vn-pre-2025", Unit.level == "commune", Unit.path.like("vn-pre-2025:35/%")
        )
    )
    await approved(session, str(commune), 2023, "vn-pre-2025", COMPLETE)
    changed = await client.get(
        "/api/v1/stats/indicators", params=params, headers={"If-None-Match": first.headers["etag"]}
    )
    assert changed.status_code == 200


async def test_series_and_bad_parameters(client: httpx.AsyncClient) -> None:
    r = await client.get(
        "/api/v1/stats/series", params={"unit": "34", "indicator": "membership_rate", "from": 2021, "to": 2024}
    )
    points = {p["year"]: p["value"] for p in r.json()["items"]}
    assert points[2021] is None and points[2024] is None
    assert round(100 * points[2023]["value"], 1) == 34.9 and round(100 * points[2022]["value"], 1) == 34.4
    for params, loc in [
        ({"unit": "34", "indicator": "membership_rate", "from": 2024, "to": 2021}, ["query", "from"]),
        ({"unit": "34", "indicator": "happiness"}, ["query", "indicator"]),
    ]:
        bad = await client.get("/api/v1/stats/series", params=params)
        assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == loc
    assert (await client.get("/api/v1/stats/indicators", params={"unit": "34"})).status_code == 422
    assert (await client.get("/api/v1/stats/indicators", params={"unit": "99", "year": 2023})).status_code == 404


async def test_a_series_of_a_unit_that_no_longer_exists_reads_it_on_its_own_years(client: httpx.AsyncClient) -> None:
    r = await client.get(
        "/api/v1/stats/series", params={"unit": "34", "indicator": "members", "from": 2020, "to": 2026}
    )
    assert r.status_code == 200, r.text
    assert {p["year"]: p["value"] for p in r.json()["items"]}[2023] == 662_525


async def test_no_change_is_claimed_between_a_partial_year_and_a_complete_one(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await approved(session, "12433", 2024, "vn-pre-2025", COMPLETE)
    [row] = await rows(client, unit="34", year=2024, indicator=["members"])
    assert row["coverage"]["counted"] == 1 and row["change_vs_previous_year"] is None
    [full] = await rows(client, unit="34", year=2023, indicator=["members"])
    assert full["change_vs_previous_year"] == 662_525 - 652_000
