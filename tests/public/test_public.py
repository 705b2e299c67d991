"""Open data: /api/v1/public without an account — approved figures of published unit-years only, never a
draft figure, a person's name or a unit below the commune, for every public route in the route table."""

from __future__ import annotations

import csv
import json
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import AuditEntry, Award, Commendation, Inspection, Publication, Report, Unit, User
from tests.conftest import Account, MakeAccount

# One request per public route: a route missing here fails test_every_public_route_is_checked.
SAMPLES: dict[str, list[str]] = {
    "/api/v1/public/publications": ["/api/v1/public/publications", "/api/v1/public/publications?format=csv"],
    "/api/v1/public/indicators": [
        "/api/v1/public/indicators?unit=34&year=2023",
        "/api/v1/public/indicators?unit=34&year=2023&breakdown=children",
        "/api/v1/public/indicators?unit=34&year=2023&breakdown=children&format=csv",
        "/api/v1/public/indicators?unit=336&year=2023&breakdown=children",
    ],
    "/api/v1/public/series": ["/api/v1/public/series?unit=34&indicator=members&from=2020&to=2024"],
    # The PDF is rendered from this same HTML (tests/public/test_report.py reads its text).
    "/api/v1/public/reports/{unit_code}/{year}/highlights": ["/api/v1/public/reports/34/2023/highlights"],
    "/api/v1/public/exports/sdmx": ["/api/v1/public/exports/sdmx?unit=34&year=2023&breakdown=children"],
    "/api/v1/public/exports/sdmx/structure": ["/api/v1/public/exports/sdmx/structure"],
    "/api/v1/public/exports/dhis2": ["/api/v1/public/exports/dhis2?unit=34&year=2023&breakdown=children"],
    "/api/v1/public/exports/excel-vi": ["/api/v1/public/exports/excel-vi?unit=34&year=2023&breakdown=children"],
    "/api/v1/public/highlights": [
        "/api/v1/public/highlights?unit=34&year=2023",
        "/api/v1/public/highlights?unit=34&year=2023&format=csv",
    ],
}
DRAFT_MEMBERS = 987_654_321  # a figure only a draft holds
THAI_BINH = "vn-pre-2025:34/%"  # the old province's subtree


def public_routes(app: FastAPI) -> set[str]:
    """The public routes, from the app's own route table (its OpenAPI document, as the permission matrix reads)."""
    return {p for p, ops in app.openapi()["paths"].items() if p.startswith("/api/v1/public") and "get" in ops}


def test_every_public_route_is_checked(app: FastAPI) -> None:
    assert public_routes(app) == set(SAMPLES), "add a sample request for each public route"


async def test_published_year_answers_without_an_account(anon: httpx.AsyncClient) -> None:
    r = await anon.get("/api/v1/public/highlights", params={"unit": "34", "year": 2023})
    assert r.status_code == 200, r.text
    items = {h["key"]: h for h in r.json()["items"]}
    assert items["members"]["value"] == 662_525
    assert items["members"]["previous"] is not None  # 2022 is published too
    assert r.headers["cache-control"].startswith("public")
    assert r.headers["vary"] == "Accept"
    assert r.headers["etag"]
    again = await anon.get(
        "/api/v1/public/highlights", params={"unit": "34", "year": 2023}, headers={"If-None-Match": r.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.headers["cache-control"].startswith("public")


async def test_unpublished_years_and_places_are_not_found(anon: httpx.AsyncClient) -> None:
    for url in (
        "/api/v1/public/highlights?unit=34&year=2024",  # no publication
        "/api/v1/public/highlights?unit=35&year=2023",  # Hà Nam: approved but not published
        "/api/v1/public/indicators?unit=01&year=2023",
        "/api/v1/public/series?unit=35&indicator=members&from=2020&to=2024",
    ):
        r = await anon.get(url)
        assert r.status_code == 404, f"{url}: {r.status_code} {r.text}"
        assert r.headers["content-type"] == "application/problem+json"


async def test_series_has_only_published_years(anon: httpx.AsyncClient) -> None:
    r = await anon.get("/api/v1/public/series", params={"unit": "34", "indicator": "members", "from": 2020, "to": 2024})
    assert r.status_code == 200, r.text
    assert [p["year"] for p in r.json()["items"]] == [2022, 2023]


async def test_unpublishing_removes_the_year_on_the_next_request(
    anon: httpx.AsyncClient, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    url = "/api/v1/public/indicators?unit=34&year=2023"
    assert (await anon.get(url)).status_code == 200  # now kept
    r = await client.delete("/api/v1/reports/34/2023/publish")
    assert r.status_code == 204, r.text
    assert (await anon.get(url)).status_code == 404
    # 2024's comparison with 2023 would be gone too; 2022 alone is still public.
    series = await anon.get("/api/v1/public/series?unit=34&indicator=members&from=2020&to=2024")
    assert [p["year"] for p in series.json()["items"]] == [2022]
    highlights_2022 = await anon.get("/api/v1/public/highlights?unit=34&year=2022")
    assert highlights_2022.status_code == 200
    audit = (await session.scalars(select(AuditEntry).where(AuditEntry.entity == "publication"))).all()
    assert [a.action for a in audit][-1] == "unpublish"
    again = await client.post("/api/v1/reports/34/2023/publish")
    assert again.status_code == 201, again.text
    assert again.json()["unit_code"] == "34" and "published_by" not in again.json()
    assert (await anon.get(url)).status_code == 200


async def test_previous_year_unpublished_is_not_compared(anon: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    assert (await client.delete("/api/v1/reports/34/2022/publish")).status_code == 204
    r = await anon.get("/api/v1/public/highlights?unit=34&year=2023")
    assert r.status_code == 200
    assert all(h["previous"] is None and h["change_vs_previous_year"] is None for h in r.json()["items"])


async def test_publishing_needs_approved_figures(
    client: httpx.AsyncClient, session: AsyncSession, make_account: MakeAccount
) -> None:
    assert (await client.post("/api/v1/reports/34/2024/publish")).status_code == 409  # nothing approved
    commune = await session.scalar(
        select(Report).where(Report.year == 2023).join(Unit).where(Unit.path.like(THAI_BINH))
    )
    assert commune is not None
    commune.status = "submitted"
    await session.flush()
    code = await session.scalar(select(Unit.code).where(Unit.id == commune.unit_id))
    r = await client.post(f"/api/v1/reports/{code}/2023/publish")
    assert r.status_code == 409 and r.json()["current_status"] == "submitted"
    editor = await make_account("editor", "34", as_of=__import__("datetime").date(2023, 12, 31))
    r = await client.post("/api/v1/reports/34/2023/publish", headers=editor.headers)
    assert r.status_code == 403  # only admins publish
    assert (await client.post("/api/v1/reports/34/2023/publish")).status_code == 200  # already published


def _unit_codes(value: Any) -> set[str]:
    """Every unit code an answer names (JSON: unit_code and computed_from anywhere; CSV: the unit_code column)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            if k in ("unit_code", "orgUnit") and isinstance(v, str):
                found.add(v)
            elif k == "computed_from" and isinstance(v, list):
                found.update(v)
            else:
                found |= _unit_codes(v)
    elif isinstance(value, list):
        for v in value:
            found |= _unit_codes(v)
    return found


def _csv_codes(text: str) -> set[str]:
    """The unit codes of a CSV answer: its unit_code, REF_AREA or "Mã đơn vị" column (`,` or `;`)."""
    lines = text.lstrip("\ufeff").splitlines()
    sep = ";" if lines[0].count(";") > lines[0].count(",") else ","
    header = next(csv.reader([lines[0]], delimiter=sep))
    column = next((header.index(c) for c in ("unit_code", "REF_AREA", "Mã đơn vị") if c in header), None)
    if column is None:
        return set()
    return {row[column] for row in csv.reader(lines[1:], delimiter=sep) if row}


async def _people(session: AsyncSession) -> set[str]:
    names: set[str] = set()
    for column in (Award.recipient_name, Commendation.recipient_name, User.display_name, User.username):
        names |= {n for n in (await session.scalars(select(column).distinct())).all() if n and len(n) > 3}
    models = select(Inspection.subject_name).where(Inspection.subject_kind.in_(("family", "clan", "citizen")))
    names |= set((await session.scalars(models)).all())
    for column in (Report.submitted_by, Report.approved_by, Publication.published_by):
        names |= {n for n in (await session.scalars(select(column).distinct())).all() if n and len(n) > 3}
    return names


async def test_no_draft_no_person_no_unit_below_commune_on_any_public_route(
    app: FastAPI, anon: httpx.AsyncClient, session: AsyncSession, admin: Account
) -> None:
    # A draft in a published place, with a figure no approved report has.
    first = await session.scalar(
        select(Report.id).join(Unit).where(Report.year == 2023, Unit.path.like(THAI_BINH)).order_by(Report.id).limit(1)
    )
    await session.execute(
        update(Report).where(Report.id == first).values(status="draft", members=DRAFT_MEMBERS, boards=DRAFT_MEMBERS)
    )
    await session.flush()
    people = await _people(session)
    assert len(people) > 20  # the demo's recipients, the accounts, the approvers
    levels = dict((await session.execute(select(Unit.code, Unit.level))).all())
    for route, urls in SAMPLES.items():
        for url in urls:
            r = await anon.get(url)
            assert r.status_code == 200, f"{url}: {r.status_code} {r.text[:300]}"
            text = r.text
            assert str(DRAFT_MEMBERS) not in text, f"{url} shows a draft figure"
            assert not [p for p in people if p in text], f"{url} names a person"
            if r.headers["content-type"].startswith("text/html"):
                codes = set()  # a document for people: no unit codes, checked for names and drafts above
            elif r.headers["content-type"].startswith("application/json"):
                codes = _unit_codes(json.loads(text))
            elif r.headers["content-type"].startswith("application/vnd.sdmx.structure"):
                codes = set()  # code lists only
            else:
                codes = _csv_codes(text)
            below = {c for c in codes if levels.get(c) == "village"}
            assert not below, f"{url} shows units below the commune: {below}"
            assert codes <= set(levels) | {"VN"}, f"{route}: unknown codes"
    # The draft's own figures are gone from the sums (approved only): members are below the article's.
    r = await anon.get("/api/v1/public/highlights?unit=34&year=2023")
    members = {h["key"]: h for h in r.json()["items"]}["members"]["value"]
    assert members < 662_525


async def test_villages_are_never_public(anon: httpx.AsyncClient, session: AsyncSession) -> None:
    village = await session.scalar(select(Unit.code).where(Unit.level == "village").limit(1))
    commune = await session.scalar(
        select(Unit.code).where(Unit.level == "commune", Unit.path.like(THAI_BINH)).order_by(Unit.code).limit(1)
    )
    if village is not None:
        r = await anon.get(f"/api/v1/public/highlights?unit={village}&year=2023")
        assert r.status_code in (404, 422)
    r = await anon.get(f"/api/v1/public/indicators?unit={commune}&year=2023&as_of=2023-12-31&breakdown=children")
    assert r.status_code == 422
    r = await anon.get(f"/api/v1/public/highlights?unit={commune}&year=2023&as_of=2023-12-31")
    assert r.status_code == 200, r.text  # a commune of a published province is public
