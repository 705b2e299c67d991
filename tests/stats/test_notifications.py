"""Change notifications (PostgreSQL, api/db/notify.py) and SQLite's change counter (api/db/changes.py):
a worker that hears them serves kept statistics answers and signed-in callers without asking the
database, and still shows every committed change in the next request; when it stops hearing them it
asks the database again, and it starts hearing them again by itself. The same tests run on both
databases (issue 15, item 1: on SQLite every request used to sign the caller in and recompute)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import event, text

from api.db.changes import SqliteChanges, sqlite_file
from api.db.notify import Notifications
from api.stats import cache
from tests.conftest import Live
from tests.reporting import REOPEN, submit_and_approve, unit_editor
from tests.reports.conftest import COMPLETE, OLD

REPORT = "/api/v1/reports/12433/{year}"  # a commune of old Thái Bình (34); each test its own year


@pytest.fixture
async def heard(live: Live) -> AsyncIterator[Notifications]:
    url = live.db.engine.url.render_as_string(hide_password=False)
    path = sqlite_file(url)
    notifications = Notifications(url) if path is None else SqliteChanges(path)
    await notifications.start()
    assert notifications.live
    live.app.state.notifications = notifications
    cache.CACHE.clear()
    yield notifications
    live.app.state.notifications = None
    await notifications.stop()


class Statements:
    """Counts the SQL statements the service sends."""

    def __init__(self, live: Live) -> None:
        self.count = 0
        self.engine = live.db.engine.sync_engine

    def __enter__(self) -> Statements:
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, *_: Any) -> None:
        self.count += 1


@pytest.fixture
def statements(live: Live) -> Iterator[Statements]:
    with Statements(live) as s:
        yield s


async def members(client: httpx.AsyncClient, year: int, **headers: str) -> tuple[int | None, httpx.Response]:
    params = {"unit": "34", "year": year, "indicator": "members"}
    r = await client.get("/api/v1/stats/indicators", params=params, headers=headers)
    assert r.status_code in (200, 304), r.text
    return (r.json()["items"][0]["value"] if r.status_code == 200 else None), r


async def test_a_kept_answer_costs_no_query_and_an_approval_is_in_the_next_answer(
    live: Live, heard: Notifications, statements: Statements
) -> None:
    async with live.client() as client:
        editor = await unit_editor(client, "12433", OLD)
        assert (await client.put(REPORT.format(year=2021), json=COMPLETE)).status_code in (200, 201)
        assert (await client.post(f"{REPORT.format(year=2021)}/submit", headers=editor)).status_code == 200
        before, first = await members(client, 2021)
        assert before is None

        statements.count = 0
        _, second = await members(client, 2021, **{"If-None-Match": first.headers["etag"]})
        assert second.status_code == 304 and statements.count == 0  # the caller and the answer were kept

        for _ in range(5):  # every change is in the very next answer, each time
            assert (await client.post(f"{REPORT.format(year=2021)}/approve")).status_code == 200
            assert (await members(client, 2021))[0] == COMPLETE["members"]
            assert (await client.post(f"{REPORT.format(year=2021)}/reopen", json=REOPEN)).status_code == 200
            assert (await members(client, 2021))[0] is None
            assert (await client.post(f"{REPORT.format(year=2021)}/submit", headers=editor)).status_code == 200


async def test_a_write_by_another_process_is_in_the_next_answer(live: Live, heard: Notifications) -> None:
    async with live.client() as client:
        assert (await client.put(REPORT.format(year=2020), json=COMPLETE)).status_code in (200, 201)
        await submit_and_approve(client, "12433", 2020, as_of=OLD)
        assert (await members(client, 2020))[0] == COMPLETE["members"]
        hits = cache.CACHE.hits
        assert (await members(client, 2020))[0] == COMPLETE["members"] and cache.CACHE.hits == hits + 1
        for n in range(1, 4):
            async with live.db.engine.begin() as conn:  # as another worker, or psql, would
                await conn.execute(text("UPDATE reports SET members = members + 7 WHERE year = 2020"))
            # Not waiting for its notification: the next request reads the change counters (PostgreSQL) or
            # SQLite's data version, either of which moved at the commit.
            assert (await members(client, 2020))[0] == COMPLETE["members"] + 7 * n


async def test_a_signed_out_token_is_refused_at_once_and_other_callers_are_kept(
    live: Live, heard: Notifications, statements: Statements
) -> None:
    async with live.client() as admin:
        made = await admin.post(
            "/api/v1/users",
            json={
                "username": "viewer-notify",
                "password": "mật-khẩu-dài-12",
                "display_name": "Người xem",
                "role": "viewer",
            },
        )
        assert made.status_code == 201, made.text
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=live.app), base_url="http://test") as anon:
        signed = await anon.post(
            "/api/v1/auth/token", data={"username": "viewer-notify", "password": "mật-khẩu-dài-12"}
        )
        assert signed.status_code == 200, signed.text
    token = signed.json()["access_token"]
    async with live.client(token) as viewer, live.client() as admin:
        assert (await viewer.get("/api/v1/me")).status_code == 200
        statements.count = 0
        assert (await viewer.get("/api/v1/me")).status_code == 200
        assert statements.count == 0  # kept
        assert (await viewer.post("/api/v1/auth/logout")).status_code == 204
        assert (await viewer.get("/api/v1/me")).status_code == 401
        assert (await admin.get("/api/v1/me")).status_code == 200


@pytest.mark.postgres_only
async def test_without_notifications_the_database_is_asked_and_listening_resumes(
    live: Live, heard: Notifications, statements: Statements
) -> None:
    async with live.client() as client:
        assert (await client.put(REPORT.format(year=2019), json=COMPLETE)).status_code in (200, 201)
        await submit_and_approve(client, "12433", 2019, as_of=OLD, approve=False)
        await members(client, 2019)
        async with live.db.engine.connect() as conn:
            killed = await conn.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name = 'khuyenhoc-notifications' AND datname = current_database()"
                )
            )
        assert killed == 1
        for _ in range(100):
            if not heard.live:
                break
            await asyncio.sleep(0.01)
        assert not heard.live
        statements.count = 0
        await members(client, 2019)
        assert statements.count > 0  # checked against the database while deaf
        # A write while nobody listens is still seen: by the checks now, by the new epoch later.
        assert (await client.post(f"{REPORT.format(year=2019)}/approve")).status_code == 200
        assert (await members(client, 2019))[0] == COMPLETE["members"]
        for _ in range(300):
            if heard.live:
                break
            await asyncio.sleep(0.01)
        assert heard.live
        assert (await members(client, 2019))[0] == COMPLETE["members"]
        assert (await client.post(f"{REPORT.format(year=2019)}/reopen", json=REOPEN)).status_code == 200
        assert (await members(client, 2019))[0] is None


async def test_kept_answers_served_before_routing_are_the_endpoints_answers(
    live: Live, heard: Notifications, statements: Statements
) -> None:
    params = {"unit": "34", "year": 2017, "indicator": ["members", "learning_family_rate"]}
    async with live.client() as admin:
        made = await admin.post(
            "/api/v1/users",
            json={
                "username": "no-stats",
                "password": "mật-khẩu-dài-12",
                "display_name": "Không xem thống kê",
                "role": "viewer",
                "scopes": ["reports:read"],
            },
        )
        assert made.status_code == 201, made.text
        first = await admin.get("/api/v1/stats/indicators", params=params)  # made by the endpoint, kept
        assert first.status_code == 200
        statements.count = 0
        hits = cache.CACHE.hits
        again = await admin.get("/api/v1/stats/indicators", params=params)  # before routing
        assert cache.CACHE.hits == hits + 1 and statements.count == 0
        assert again.content == first.content
        for header in ("etag", "content-type", "cache-control", "vary", "content-length"):
            assert again.headers.get(header) == first.headers.get(header), header
        assert again.headers["x-request-id"] and again.headers["x-content-type-options"] == "nosniff"
        unchanged = await admin.get(
            "/api/v1/stats/indicators", params=params, headers={"If-None-Match": first.headers["etag"]}
        )
        assert unchanged.status_code == 304 and not unchanged.content and "content-type" not in unchanged.headers
        assert unchanged.headers["etag"] == first.headers["etag"]
        csv = await admin.get("/api/v1/stats/indicators", params=params, headers={"Accept": "text/csv"})
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        assert (
            await admin.get("/api/v1/stats/indicators", params=params, headers={"Accept": "text/csv"})
        ).content == csv.content
        wrong = await admin.get("/api/v1/stats/indicators", params={**params, "format": "xml"})
        assert wrong.status_code == 422  # the endpoint still validates what was never answered
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=live.app), base_url="http://test") as anon:
        assert (await anon.get("/api/v1/stats/indicators", params=params)).status_code == 401
        signed = await anon.post("/api/v1/auth/token", data={"username": "no-stats", "password": "mật-khẩu-dài-12"})
        token = signed.json()["access_token"]
    async with live.client(token) as no_stats:
        for _ in range(2):  # kept as a caller after the first, still without the scope
            assert (await no_stats.get("/api/v1/stats/indicators", params=params)).status_code == 403


@pytest.mark.postgres_only
async def test_the_change_counters_move_once_per_committed_transaction_never_on_reads(
    live: Live, heard: Notifications
) -> None:
    """Issue 15 (PostgreSQL freshness): each committed transaction that changes what statistics (or callers)
    are made from moves its counter once, at its commit; one rolled back, or one that only signs in
    (the last sign-in stamp), moves nothing. ``refresh`` turns a move into a new epoch (forgotten callers)."""

    async def counters() -> tuple[int, int]:
        async with live.db.engine.connect() as conn:
            row = (await conn.execute(text("SELECT stats, auth FROM change_counters WHERE id = 1"))).one()
        return int(row[0]), int(row[1])

    await heard.refresh()
    assert heard.checked and heard.trust_for_stats
    stats, auth = await counters()
    epoch, generation = heard.stats_epoch, heard.auth_generation
    await heard.refresh()
    assert (heard.stats_epoch, heard.auth_generation) == (epoch, generation)  # nothing changed: kept

    async with live.db.engine.begin() as conn:  # three statements, one transaction: one move, at the commit
        for _ in range(3):  # (units: what statistics and callers are made from)
            await conn.execute(text("UPDATE units SET name = name WHERE id IN (SELECT min(id) FROM units)"))
        async with live.db.engine.connect() as other:  # not yet committed: not counted
            assert tuple((await other.execute(text("SELECT stats, auth FROM change_counters WHERE id = 1"))).one()) == (
                stats,
                auth,
            )
    assert await counters() == (stats + 1, auth + 1)
    await heard.refresh()
    assert heard.stats_epoch > epoch and heard.auth_generation > generation
    stats, auth = stats + 1, auth + 1

    async with live.db.engine.connect() as conn:  # rolled back: nothing
        await conn.execute(text("UPDATE users SET display_name = display_name"))
        await conn.rollback()
    async with live.db.engine.begin() as conn:  # a sign-in stamp: nothing
        await conn.execute(text("UPDATE users SET last_login_at = now()"))
    assert await counters() == (stats, auth)
    async with live.db.engine.begin() as conn:  # a caller changed: the auth counter only
        await conn.execute(text("UPDATE users SET display_name = display_name"))
    assert await counters() == (stats, auth + 1)
    generation = heard.auth_generation
    await heard.refresh()
    assert heard.auth_generation > generation


async def test_a_caller_read_before_the_callers_were_forgotten_is_not_kept(heard: Notifications) -> None:
    """A request that read its caller from the database while another request saw the counters move
    (a sign-out elsewhere) must not keep that caller: it may be the one signed out."""
    from api.auth.principal import SYSTEM

    await heard.refresh()
    generation = heard.auth_generation
    heard.forget_principals()  # what a moved counter does, while the first request was reading
    heard.keep_principal("k", SYSTEM, expires_in=None, generation=generation)
    assert heard.principal("k") is None
    heard.keep_principal("k", SYSTEM, expires_in=None, generation=heard.auth_generation)
    assert heard.principal("k") is SYSTEM
