"""/metrics: Prometheus text, off the API path, behind KH_METRICS_TOKEN; per-route counts and latency."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from api.core.config import Settings
from api.db.engine import Database
from api.main import create_app
from tests.conftest import Account
from tests.ops import hostile_files

TOKEN = "metrics-token-for-tests"


def metrics_app(db: Database, settings: Settings, token: str | None = TOKEN) -> FastAPI:
    secret = SecretStr(token) if token else None
    return create_app(settings.model_copy(update={"metrics_token": secret}), db=db)


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(all_samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return all_samples.get((name, frozenset(labels.items())), 0.0)


async def scrape(c: httpx.AsyncClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    r = await c.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
    return samples(r.text)


async def test_metrics_need_the_token_and_are_not_part_of_the_api(
    db: Database, settings: Settings, make_client: Callable[..., httpx.AsyncClient]
) -> None:
    async with make_client(metrics_app(db, settings, token=None)) as c:
        off = await c.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert off.status_code == 404 and off.headers["content-type"] == "application/problem+json"
    app = metrics_app(db, settings)
    async with make_client(app) as c:
        anonymous = await c.get("/metrics")
        wrong = await c.get("/metrics", headers={"Authorization": "Bearer not-the-token"})
        api_path = await c.get("/api/v1/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"] == "Bearer"
    assert wrong.status_code == 401
    assert api_path.status_code == 404
    assert not any("metrics" in path for path in app.openapi()["paths"])


async def test_requests_are_counted_and_timed_per_route_template(
    db: Database, settings: Settings, admin: Account, make_client: Callable[..., httpx.AsyncClient]
) -> None:
    async with make_client(metrics_app(db, settings)) as c:
        c.headers.update(admin.headers)
        before = await scrape(c)
        statuses = [str((await c.get(f"/api/v1/units/{code}")).status_code) for code in ("34", "33", "nope")]
        await c.get("/api/v1/no/such/path/4f2a")
        after = await scrape(c)
    route = "/api/v1/units/{code}"

    def added(status: str) -> float:
        labels = {"method": "GET", "route": route, "status": status}
        return value(after, "khuyenhoc_http_requests_total", **labels) - value(
            before, "khuyenhoc_http_requests_total", **labels
        )

    assert {s: added(s) for s in statuses} == {s: statuses.count(s) for s in statuses}
    timed = value(after, "khuyenhoc_http_request_duration_seconds_count", method="GET", route=route) - value(
        before, "khuyenhoc_http_request_duration_seconds_count", method="GET", route=route
    )
    assert timed == 3 and "422" in statuses
    assert value(after, "khuyenhoc_http_request_duration_seconds_bucket", method="GET", route=route, le="+Inf") > 0
    # Unknown paths share one label: a scanner cannot blow up the number of series.
    assert not any("4f2a" in dict(labels).get("route", "") for _, labels in after)
    assert value(after, "khuyenhoc_http_requests_total", method="GET", route="unmatched", status="404") >= 1


async def test_database_pool_and_import_jobs_are_reported(
    db: Database, settings: Settings, admin: Account, make_client: Callable[..., httpx.AsyncClient]
) -> None:
    async with make_client(metrics_app(db, settings)) as c:
        c.headers.update(admin.headers)
        before = await scrape(c)
        bad = await c.post(
            "/api/v1/reports/imports",
            params={"year": 2024},
            files={"file": ("x.xlsx", hostile_files.csv_utf8(), "application/octet-stream")},
        )
        good = await c.post(
            "/api/v1/reports/imports",
            params={"year": 2024, "dry_run": "true"},
            files={"file": ("x.xlsx", hostile_files.valid(), "application/octet-stream")},
        )
        after = await scrape(c)
    assert (bad.status_code, good.status_code) == (422, 200)
    for outcome in ("rejected", "succeeded"):
        added = value(after, "khuyenhoc_import_jobs_total", kind="reports", outcome=outcome) - value(
            before, "khuyenhoc_import_jobs_total", kind="reports", outcome=outcome
        )
        assert added == 1, outcome
    assert value(after, "khuyenhoc_import_jobs_in_progress", kind="reports") == 0
    assert value(after, "khuyenhoc_db_pool_connections", database="primary", state="size") >= 1
    assert ("khuyenhoc_db_pool_connections", frozenset({("database", "primary"), ("state", "checked_out")})) in after


async def test_sync_lag_is_how_far_behind_a_partner_pull_is(
    db: Database, settings: Settings, admin: Account, make_client: Callable[..., httpx.AsyncClient]
) -> None:
    """The documented khuyenhoc_sync_lag_seconds gauge is set by /sync/changes: behind while pages are full."""
    async with make_client(metrics_app(db, settings)) as c:
        c.headers.update(admin.headers)
        first = await c.get("/api/v1/sync/changes", params={"limit": 1})
        assert first.status_code == 200 and len(first.json()["items"]) == 1  # the demo reports are on the feed
        who = f"user:{admin.user.username}"  # a user's changes are owned by "user:<name>", a key's by its partner
        behind = value(await scrape(c), "khuyenhoc_sync_lag_seconds", partner=who)
        cursor = first.json()["next_cursor"]
        while True:
            page = (await c.get("/api/v1/sync/changes", params={"since": cursor, "limit": 1000})).json()
            cursor = page["next_cursor"]
            if len(page["items"]) < 1000:
                break
        caught_up = value(await scrape(c), "khuyenhoc_sync_lag_seconds", partner=who)
    assert behind > 0
    assert caught_up == 0
