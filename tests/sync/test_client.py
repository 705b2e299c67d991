"""The sync client (api/sync/client.py) against a real in-process partner instance: the data path is the
partner's app and database; a wrapping transport only injects faults (503s, dropped connections, a crash).

Each test reads its own province from the partner with a key scoped to it, so the tests share the two
databases without seeing each other's changes."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from api.core.config import Settings
from api.db.engine import Database, make_engine
from api.main import create_app
from api.models import Association, Award, Change, Commendation, Fund, Report, SyncCursor
from api.sync import client as sync_client
from api.sync import mirror, service
from api.sync.client import RetryPolicy, SyncError, normalise_source, pull, push
from tests.conftest import DatabaseFactory, Live, _account, migrate_and_load
from tests.reporting import submit_and_approve

OLD = "2023-12-31"
MEDAL = {"form": "medal", "year": 2023, "issuing_level": "central", "recipient_kind": "person"}


def figures(members: int = 1800) -> dict[str, int]:
    """A complete commune report that keeps every rule."""
    return {
        "population": 5000,
        "households": 1500,
        "members": members,
        "branches": 5,
        "boards": 10,
        "learning_citizens": 900,
        "citizens_assessed": 3000,
        "citizens_registered": 1000,
        "learning_families": 1000,
        "families_assessed": 1500,
        "families_registered": 1100,
        "learning_clans": 10,
        "clans": 20,
        "clans_registered": 12,
        "learning_communities": 4,
        "communities": 6,
        "communities_registered": 5,
        "learning_units": 5,
        "units_assessed": 8,
        "units_registered": 6,
        "communes_rated_learning_community": 1,
        "communes": 1,
        "fund_raised_vnd": 100_000_000,
        "fund_balance_vnd": 20_000_000,
        "awards_count": 300,
        "awards_vnd": 50_000_000,
        "emulation_flags": 0,
        "medals": 0,
        "certificates_of_merit": 0,
        "inspections": 1,
    }


async def _instance(databases: DatabaseFactory) -> AsyncIterator[Live]:
    engine = make_engine(await databases.create())
    await migrate_and_load(engine, demo=False)
    db = Database(engine)
    async with db.sessionmaker() as s, s.begin():
        account = await _account(s, "admin", None, None, None, "mật-khẩu-thử-1")
    settings = Settings(database_url="sqlite://", log_level="WARNING", frontend_dist=Path("/nonexistent-dashboard"))
    yield Live(db, create_app(settings, db=db), account.token)
    await engine.dispose()


@pytest.fixture(scope="module")
async def local(databases: DatabaseFactory) -> AsyncIterator[Live]:
    """This instance: units only; the client writes its mirror copies here."""
    async for instance in _instance(databases):
        yield instance


class Faults(httpx.AsyncBaseTransport):
    """The partner's real app behind a transport that can fail chosen requests first."""

    def __init__(self, app: Any) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.plan: list[tuple[str, Callable[[httpx.Request], httpx.Response]]] = []  # (path part, fault)
        self.seen: list[httpx.Request] = []

    def fail(self, path_part: str, fault: Callable[[httpx.Request], httpx.Response], times: int = 1) -> None:
        self.plan += [(path_part, fault)] * times

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        for n, (part, fault) in enumerate(self.plan):
            if part in request.url.path:
                del self.plan[n]
                return fault(request)
        return await self.inner.handle_async_request(request)


def status(code: int, retry_after: str | None = None) -> Callable[[httpx.Request], httpx.Response]:
    headers = {"Retry-After": retry_after} if retry_after else {}
    return lambda request: httpx.Response(code, json={"title": "Tạm thời không phục vụ"}, headers=headers)


def dropped(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("Connection refused", request=request)


class Crash(Exception):
    """The process dies here (not a network error: no retry)."""


class Sleeps:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def partner_client(remote: Live, secret: str, transport: Faults | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=transport or Faults(remote.app),
        base_url="http://doi-tac.test",
        headers={"Authorization": f"Bearer {secret}"},
    )


async def make_key(remote: Live, unit: str, *, role: str = "partner", partner: str | None = None) -> str:
    body: dict[str, Any] = {"name": f"Khoá {unit}", "role": role, "unit_code": unit, "unit_as_of": OLD}
    if partner:
        body["partner"] = partner
    async with remote.client() as c:
        r = await c.post("/api/v1/api-keys", json=body)
    assert r.status_code == 201, r.text
    return str(r.json()["secret"])


async def communes(remote: Live, province: str, n: int) -> list[str]:
    async with remote.client() as c:
        districts = (await c.get(f"/api/v1/units/{province}/children", params={"as_of": OLD})).json()["items"]
        out: list[str] = []
        for d in districts:
            kids = (await c.get(f"/api/v1/units/{d['code']}/children", params={"as_of": OLD, "limit": 100})).json()
            out += [k["code"] for k in kids["items"]]
            if len(out) >= n:
                return out[:n]
    raise AssertionError(f"{province} has fewer than {n} communes")


async def file_reports(remote: Live, secret: str, codes: list[str], year: int, members: int = 1800) -> None:
    """Approved commune reports, sent as that key's partner (one batch)."""
    items = [
        {
            "external_id": f"BC-{c}-{year}",
            "data": figures(members) | {"unit_code": c, "year": year, "status": "approved"},
        }
        for c in codes
    ]
    async with remote.client(secret) as c:
        r = await c.post("/api/v1/sync/reports:batch", json={"items": items})
    assert r.status_code == 200, r.text


async def count(db: Database, model: Any, *where: Any) -> int:
    async with db.sessionmaker() as s:
        return int(await s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def settled(remote: Live, seconds: float = 60) -> None:
    """Wait until the partner's newest change is on its feed. PostgreSQL hands a change out once every
    transaction that started before it has ended, on the whole server: a long transaction in another
    database of the same server (another test run, a benchmark) delays the feed, never skips it."""
    async with remote.db.sessionmaker() as s:
        top = await s.scalar(select(func.max(Change.seq)))
    if top is None:
        return
    deadline = time.monotonic() + seconds
    async with remote.client() as c:
        while not (await c.get("/api/v1/sync/changes", params={"since": str(top - 1), "limit": 1})).json()["items"]:
            assert time.monotonic() < deadline, "the partner's feed stayed behind"
            await asyncio.sleep(0.2)


async def cursor_of(db: Database, key_prefix: str) -> str | None:
    async with db.sessionmaker() as s:
        rows = (await s.scalars(select(SyncCursor).where(SyncCursor.source.like(f"{key_prefix}%")))).all()
    assert len(rows) <= 1
    return rows[0].cursor if rows else None


def test_a_partner_address_names_one_source() -> None:
    assert normalise_source("https://KhuyenHoc.HaNam.example.vn/") == (
        "khuyenhoc.hanam.example.vn",
        "https://khuyenhoc.hanam.example.vn",
    )
    assert normalise_source("http://127.0.0.1:8001/api/v1/")[0] == "127.0.0.1:8001"
    assert normalise_source("https://example.vn:443/kh")[0] == "example.vn/kh"
    with pytest.raises(ValueError):
        normalise_source("ftp://example.vn")
    long = mirror.mirror_partner("x" * 100 + ".example.vn")
    assert len(long) == 64 and long.startswith("mirror:xxx")
    assert long == mirror.mirror_partner("x" * 100 + ".example.vn")  # stable
    me = {"unit_code": "34"}
    assert sync_client.cursor_key("a.vn", me, ["award", "report"]) == "a.vn?scope=34&types=award,report"
    assert sync_client.cursor_key("a.vn", {}, None) == "a.vn"
    assert len(sync_client.cursor_key("y" * 400, me, None)) == 300


async def test_pull_mirrors_records_then_follows_changes_and_deletes(remote_35: dict[str, Any], local: Live) -> None:
    remote, secret, lines = remote_35["remote"], remote_35["secret"], []
    await settled(remote)
    async with partner_client(remote, secret) as http:
        first = await pull(local.db, http, source="ha-nam.test", limit=3, log=lines.append, sleep=Sleeps())
    partner = "mirror:ha-nam.test"
    # 3 reports, 2 associations, a fund, an award, 2 commendations; the 2 ledger entries are copied too (issue 18
    # item 3), and each moved the fund's balance: the fund's two newer versions are applied too.
    assert (first.pages, first.changes, first.applied, first.skipped, first.failed) == (5, 13, 13, 0, 0), lines
    assert any(line.startswith("Trang 1: 3 thay đổi") for line in lines)
    assert await count(local.db, Report, Report.partner == partner) == 3
    assert await count(local.db, Commendation, Commendation.partner == partner) == 2
    async with local.db.sessionmaker() as s:
        assoc = {a.name: a for a in (await s.scalars(select(Association).where(Association.partner == partner)))}
        fund = await s.scalar(select(Fund).where(Fund.partner == partner))
        award = await s.scalar(select(Award).where(Award.partner == partner))
    assert assoc["Chi hội thôn Đông"].parent_id == assoc["Hội Khuyến học xã"].id  # the remote id, mapped here
    assert fund is not None and fund.association_id == assoc["Hội Khuyến học xã"].id
    # The award names the fund's copy; its disbursement is the copied entry, not a second one.
    assert award is not None and award.fund_id == fund.id and award.amount_vnd == 2_000_000
    async with remote.client() as rc, local.client() as lc:
        there = (await rc.get(f"/api/v1/funds/{remote_35['fund']}")).json()
        here = (await lc.get(f"/api/v1/funds/{fund.id}")).json()
    assert here["balance_vnd"] == there["balance_vnd"] > 0, (here, there)
    assert assoc["Hội Khuyến học xã"].external_id == f"association:{remote_35['association']}"
    # The copies count in this instance's statistics exactly as there.
    query = {"unit": "35", "year": 2023}
    async with remote.client() as rc, local.client() as lc:
        theirs = (await rc.get("/api/v1/stats/highlights", params=query)).json()
        ours = (await lc.get("/api/v1/stats/highlights", params=query)).json()
    assert "items" in ours and ours == theirs and ours["coverage"]["reports"] == 3

    # Nothing new: nothing fetched but one empty page, nothing written.
    async with partner_client(remote, secret) as http:
        again = await pull(local.db, http, source="ha-nam.test", limit=3, log=lines.append)
    assert (again.pages, again.changes) == (0, 0) and again.cursor == first.cursor

    # The partner changes a report and a commendation, and deletes one commendation and the award.
    async with remote.client() as c:
        rid = remote_35["commendations"]
        assert (await c.patch(f"/api/v1/commendations/{rid[0]}", json={"recipient_name": "Tên mới"})).status_code == 200
        assert (await c.delete(f"/api/v1/commendations/{rid[1]}")).status_code == 204
        assert (await c.delete(f"/api/v1/awards/{remote_35['award']}")).status_code == 204
    await file_reports(remote, remote_35["reporter"], remote_35["codes"][:1], 2023, members=2500)
    await settled(remote)
    async with partner_client(remote, secret) as http:
        third = await pull(local.db, http, source="ha-nam.test", log=lines.append)
    # The deleted award's money went back to its fund there: one more ledger entry (a reversal), copied, and
    # the fund's new balance; deleting the copy of the award reverses nothing twice.
    assert (third.changes, third.applied, third.skipped, third.failed) == (6, 6, 0, 0)
    async with remote.client() as rc, local.client() as lc:
        there = (await rc.get(f"/api/v1/funds/{remote_35['fund']}")).json()
        here = (await lc.get(f"/api/v1/funds/{fund.id}")).json()
    assert here["balance_vnd"] == there["balance_vnd"], (here, there)
    async with local.db.sessionmaker() as s:
        names = (await s.scalars(select(Commendation.recipient_name).where(Commendation.partner == partner))).all()
        members = await s.scalar(select(func.sum(Report.members)).where(Report.partner == partner))
    assert list(names) == ["Tên mới"]
    assert await count(local.db, Award, Award.partner == partner) == 0
    assert members == 2500 + 1800 * 2
    async with remote.client() as rc, local.client() as lc:
        assert (await lc.get("/api/v1/stats/highlights", params=query)).json() == (
            await rc.get("/api/v1/stats/highlights", params=query)
        ).json()


@pytest.fixture(scope="module")
async def remote(databases: DatabaseFactory) -> AsyncIterator[Live]:
    """The partner instance, with its own database."""
    async for instance in _instance(databases):
        yield instance


@pytest.fixture(scope="module")
async def remote_35(remote: Live) -> dict[str, Any]:
    """Hà Nam's records on the partner: 3 commune reports, an association with a branch, a fund it runs,
    an award, two commendations; and a key that reads Hà Nam's feed."""
    codes = await communes(remote, "35", 3)
    reporter = await make_key(remote, "35", role="admin", partner="hkh-ha-nam")
    await file_reports(remote, reporter, codes, 2023)
    async with remote.client() as c:

        async def post(path: str, body: dict[str, Any]) -> int:
            r = await c.post(path, json=body)
            assert r.status_code == 201, r.text
            return int(r.json()["id"])

        where = {"unit_code": codes[0], "unit_as_of": OLD}
        association = await post("/api/v1/associations", where | {"kind": "association", "name": "Hội Khuyến học xã"})
        await post(
            "/api/v1/associations",
            where | {"kind": "branch", "name": "Chi hội thôn Đông", "host_kind": "village", "parent_id": association},
        )
        fund = await post(
            "/api/v1/funds",
            where | {"name": "Quỹ khuyến học xã", "owner_kind": "association", "association_id": association},
        )
        r = await c.post(f"/api/v1/funds/{fund}/entries", json={"kind": "contribution", "amount_vnd": 10_000_000})
        assert r.status_code == 201, r.text
        category = (await c.get("/api/v1/award-categories")).json()["items"][0]["code"]
        award = await post(
            "/api/v1/awards",
            where
            | {
                "year": 2023,
                "recipient_name": "Lê Thị Hoa",
                "recipient_kind": "pupil",
                "category": category,
                "amount_vnd": 2_000_000,
                "fund_id": fund,
            },
        )
        commendations = [
            await post("/api/v1/commendations", MEDAL | where | {"recipient_name": name}) for name in ("Một", "Hai")
        ]
    return {
        "remote": remote,
        "secret": await make_key(remote, "35", partner="doc-ha-nam"),
        "reporter": reporter,
        "codes": codes,
        "association": association,
        "fund": fund,
        "award": award,
        "commendations": commendations,
    }


async def test_pull_skips_copies_of_others_data_and_keeps_reports_owned_here(remote: Live, local: Live) -> None:
    """Nam Định (36): the partner holds a copy of a third instance's report (mirror:…) and its own report of a
    commune that already has a report here; neither is written here, the other one is."""
    codes = await communes(remote, "36", 3)
    reporter = await make_key(remote, "36", role="admin", partner="hkh-nam-dinh")
    await file_reports(remote, reporter, codes[:2], 2023)
    async with remote.db.sessionmaker() as s, s.begin():  # what a pull from a third instance writes there
        third = mirror.mirror_principal("tinh-khac.example.vn")
        body = figures() | {"unit_code": codes[2], "year": 2023, "status": "approved"}
        await service.upsert(s, third, "reports", "report:77", body, None)
    async with local.client() as c:  # this instance's own report of the first commune
        assert (await c.put(f"/api/v1/reports/{codes[0]}/2023", json=figures(999))).status_code == 201
    lines: list[str] = []
    await settled(remote)
    async with partner_client(remote, await make_key(remote, "36", partner="doc-nam-dinh")) as http:
        result = await pull(local.db, http, source="nam-dinh.test", log=lines.append)
    assert (result.changes, result.applied, result.skipped, result.failed) == (3, 1, 2, 0), lines
    assert any("đã có ở đây" in line for line in lines) and any("bản sao dữ liệu của nơi khác" in x for x in lines)
    async with local.db.sessionmaker() as s:
        rows = (await s.execute(select(Report.partner, Report.members, Report.status).where(Report.year == 2023))).all()
    by_partner = {p: (m, st) for p, m, st in rows if p in (None, "mirror:nam-dinh.test", "mirror:tinh-khac.example.vn")}
    assert by_partner == {None: (999, "draft"), "mirror:nam-dinh.test": (1800, "approved")}


async def test_an_interrupted_pull_resumes_where_it_stopped(
    remote: Live, local: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ninh Bình (37): 25 reports read 10 at a time. The process dies before page 2 is fetched, then in the
    middle of applying page 2; each time the stored cursor is the last page applied, and the rerun completes."""
    codes = await communes(remote, "37", 25)
    await file_reports(remote, await make_key(remote, "37", role="admin", partner="hkh-ninh-binh"), codes, 2023)
    secret = await make_key(remote, "37", partner="doc-ninh-binh")
    partner = "mirror:ninh-binh.test"
    await settled(remote)
    faults = Faults(remote.app)
    calls = 0
    real = faults.handle_async_request

    async def die_on_second_page(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        if "/sync/changes" in request.url.path:
            calls += 1
            if calls == 2:
                raise Crash
        return await real(request)

    faults.handle_async_request = die_on_second_page  # type: ignore[method-assign]
    async with partner_client(remote, secret, faults) as http:
        with pytest.raises(Crash):
            await pull(local.db, http, source="ninh-binh.test", limit=10, log=lambda _: None)
    first_cursor = await cursor_of(local.db, "ninh-binh.test")
    assert first_cursor and await count(local.db, Report, Report.partner == partner) == 10

    # Dying halfway through applying page 2: its transaction never commits.
    applied = 0
    apply = mirror.apply_change

    async def die_in_page_two(*args: Any, **kwargs: Any) -> mirror.Outcome:
        nonlocal applied
        applied += 1
        if applied == 13:  # the third item of the second page of this run
            raise Crash
        return await apply(*args, **kwargs)

    monkeypatch.setattr(mirror, "apply_change", die_in_page_two)
    async with partner_client(remote, secret) as http:
        with pytest.raises(Crash):
            await pull(local.db, http, source="ninh-binh.test", limit=10, log=lambda _: None)
    assert await cursor_of(local.db, "ninh-binh.test") != first_cursor  # page 2 went through
    assert await count(local.db, Report, Report.partner == partner) == 20
    monkeypatch.setattr(mirror, "apply_change", apply)

    lines: list[str] = []
    async with partner_client(remote, secret) as http:
        rest = await pull(local.db, http, source="ninh-binh.test", limit=10, log=lines.append)
    assert (rest.changes, rest.applied, rest.failed) == (5, 5, 0), lines
    assert "tiếp tục từ con trỏ" in lines[0]
    async with local.db.sessionmaker() as s:
        rows = (await s.execute(select(Report.unit_id, Report.year).where(Report.partner == partner))).all()
    assert len(rows) == 25 == len(set(rows))  # every report once


async def test_a_crash_inside_a_page_leaves_the_cursor_before_it(
    remote: Live, local: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thái Nguyên (19): the page that was being applied when the process died is applied again in full."""
    codes = await communes(remote, "19", 6)
    await file_reports(remote, await make_key(remote, "19", role="admin", partner="hkh-thai-nguyen"), codes, 2023)
    secret = await make_key(remote, "19", partner="doc-thai-nguyen")
    await settled(remote)
    apply = mirror.apply_change
    done = 0

    async def die_on_fourth(*args: Any, **kwargs: Any) -> mirror.Outcome:
        nonlocal done
        done += 1
        if done == 4:
            raise Crash
        return await apply(*args, **kwargs)

    monkeypatch.setattr(mirror, "apply_change", die_on_fourth)
    async with partner_client(remote, secret) as http:
        with pytest.raises(Crash):
            await pull(local.db, http, source="thai-nguyen.test", limit=6, log=lambda _: None)
    assert await cursor_of(local.db, "thai-nguyen.test") is None
    assert await count(local.db, Report, Report.partner == "mirror:thai-nguyen.test") == 0
    monkeypatch.setattr(mirror, "apply_change", apply)
    async with partner_client(remote, secret) as http:
        result = await pull(local.db, http, source="thai-nguyen.test", limit=6, log=lambda _: None)
    assert (result.pages, result.applied) == (1, 6)
    assert await count(local.db, Report, Report.partner == "mirror:thai-nguyen.test") == 6


async def test_retries_with_exponential_backoff_then_gives_up(remote: Live, local: Live) -> None:
    """Bắc Ninh (27): 503s, a 429 with Retry-After and a dropped connection are retried with growing waits;
    a refusal (401) is not retried; after the last attempt the pull stops with the cursor where it was."""
    codes = await communes(remote, "27", 2)
    await file_reports(remote, await make_key(remote, "27", role="admin", partner="hkh-bac-ninh"), codes, 2023)
    secret = await make_key(remote, "27", partner="doc-bac-ninh")
    policy = RetryPolicy(attempts=5, base_delay=1.0, max_delay=8.0)
    await settled(remote)

    faults = Faults(remote.app)
    faults.fail("/sync/changes", status(503), times=5)
    sleeps, lines = Sleeps(), []
    async with partner_client(remote, secret, faults) as http:
        with pytest.raises(SyncError, match="5 lần"):
            await pull(local.db, http, source="bac-ninh.test", retry=policy, sleep=sleeps, log=lines.append)
    assert len(sleeps.delays) == 4
    for n, delay in enumerate(sleeps.delays):  # 1, 2, 4, 8 s, less up to a quarter of jitter
        assert 0.75 * min(8.0, 2.0**n) <= delay <= min(8.0, 2.0**n)
    assert await cursor_of(local.db, "bac-ninh.test") is None
    assert sum("thử lại sau" in line for line in lines) == 4

    faults = Faults(remote.app)
    faults.fail("/sync/changes", status(503))
    faults.fail("/sync/changes", status(429, retry_after="3"))
    faults.fail("/sync/changes", dropped)
    faults.fail("/sync/changes", status(502))
    sleeps = Sleeps()
    async with partner_client(remote, secret, faults) as http:
        result = await pull(local.db, http, source="bac-ninh.test", retry=policy, sleep=sleeps, log=lambda _: None)
    assert result.applied == 2 and len(sleeps.delays) == 4
    assert sleeps.delays[1] >= 3.0  # Retry-After is honoured
    assert await count(local.db, Report, Report.partner == "mirror:bac-ninh.test") == 2

    sleeps = Sleeps()
    async with partner_client(remote, "khk_sai_khoa") as http:
        with pytest.raises(SyncError, match="401"):
            await pull(local.db, http, source="bac-ninh.test", retry=policy, sleep=sleeps, log=lambda _: None)
    assert sleeps.delays == []


async def test_push_sends_own_approved_reports_idempotently(remote: Live, local: Live) -> None:
    """Hải Dương (30): this instance's approved reports go to the partner once; pushing again replaces them
    without changing them (same ETags); a report the partner has from another system is refused alone."""
    codes = await communes(local, "30", 4)
    async with local.client() as c:
        for n, code in enumerate(codes):
            assert (await c.put(f"/api/v1/reports/{code}/2023", json=figures(1000 + n))).status_code == 201
            # the fourth stays submitted: not pushed
            await submit_and_approve(c, code, 2023, as_of=OLD, approve=n < 3)
    # The partner already has the third commune's report from another system.
    other = await make_key(remote, "30", role="admin", partner="he-thong-khac")
    await file_reports(remote, other, codes[2:3], 2023)
    key = await make_key(remote, "30", role="admin", partner="tinh-ben-canh")
    faults = Faults(remote.app)
    faults.fail("/sync/reports:batch", status(503))  # the first attempt is lost: same key on the retry
    lines: list[str] = []
    async with partner_client(remote, key, faults) as http:
        result = await push(local.db, http, province="30", year=2023, log=lines.append, sleep=Sleeps())
    assert (result.reports, result.created, result.replaced, result.failed) == (3, 2, 0, 1), lines
    assert any(f"kh-{codes[2]}-2023: HTTP 409" in line for line in lines)
    posts = [r for r in faults.seen if r.method == "POST"]
    keys = [r.headers["idempotency-key"] for r in posts]
    assert len(posts) == 3 and keys[0] == keys[1] != keys[2]  # retry reused it; the resent rest has its own

    async with remote.client() as c:
        got = (await c.get("/api/v1/reports", params={"unit": "30", "year": 2023, "limit": 100})).json()["items"]
        etags = {code: (await c.get(f"/api/v1/reports/{code}/2023")).headers["etag"] for code in codes[:2]}
    assert sorted((r["unit_code"], r["members"], r["status"]) for r in got) == [
        (codes[0], 1000, "approved"),
        (codes[1], 1001, "approved"),
        (codes[2], 1800, "approved"),
    ]
    await settled(remote)
    async with partner_client(remote, key) as http:
        again = await push(local.db, http, province="30", year=2023, log=lines.append)
    assert (again.created, again.replaced, again.failed) == (0, 2, 1)
    await settled(remote)
    async with remote.client() as c:
        for code in codes[:2]:
            assert (await c.get(f"/api/v1/reports/{code}/2023")).headers["etag"] == etags[code]
        external = (await c.get("/api/v1/sync/changes", params={"types": "report", "limit": 1000})).json()["items"]
    mine = [x for x in external if x["partner"] == "tinh-ben-canh"]
    assert sorted(x["external_id"] for x in mine) == sorted(f"kh-{c}-2023" for c in codes[:2])  # no new changes


async def test_resending_the_same_report_keeps_it_unchanged(remote: Live) -> None:
    """Server side: an identical PUT /sync/reports changes neither the approval time nor the ETag."""
    code = (await communes(remote, "31", 1))[0]
    key = await make_key(remote, "31", role="admin", partner="hai-phong")
    body = figures() | {"unit_code": code, "year": 2022, "status": "approved"}
    async with remote.client(key) as c:
        first = await c.put("/api/v1/sync/reports/HP-1", json=body)
        second = await c.put("/api/v1/sync/reports/HP-1", json=body)
        third = await c.put("/api/v1/sync/reports/HP-1", json=body | {"members": 1})
    assert (first.status_code, second.status_code, third.status_code) == (201, 200, 200)
    assert second.headers["etag"] == first.headers["etag"] != third.headers["etag"]
    assert second.json()["approved_at"] == first.json()["approved_at"] == third.json()["approved_at"]
    medal = MEDAL | {"unit_code": code, "unit_as_of": OLD, "recipient_name": "Vũ Thị Mai"}
    async with remote.client(key) as c:
        made = await c.put("/api/v1/sync/commendations/HP-2", json=medal)
        again = await c.put("/api/v1/sync/commendations/HP-2", json=medal)
    assert (made.status_code, again.status_code) == (201, 200) and made.headers["etag"] == again.headers["etag"]


async def test_an_ambiguous_unit_code_is_read_by_the_key_scope_then_the_record_dates(local: Live) -> None:
    """ "00004" is Phường Trúc Bạch until 2025-06-30 and Phường Ba Đình after: the copy lands on the right one."""
    async with local.db.sessionmaker() as s:
        old_hanoi = await mirror.scope_prefixes(s, {"unit_code": "01", "unit_name": "Thành phố Hà Nội"})
        assert any(p.startswith("vn-pre-2025:01/") for p in old_hanoi)
        in_2023 = await mirror.unit_as_of(s, "00004", {"year": 2023}, ())
        in_2026 = await mirror.unit_as_of(s, "00004", {"year": 2026}, ())
        by_date = await mirror.unit_as_of(s, "00004", {"year": 2025, "decision_date": "2025-03-01"}, ())
        scoped = await mirror.unit_as_of(s, "00004", {}, ["vn-pre-2025:01/"])
    assert in_2023 is not None and in_2023 <= dt.date(2025, 6, 30)
    assert in_2026 is not None and in_2026 >= dt.date(2025, 7, 1)
    assert by_date == in_2023 == scoped
    change = {
        "seq": 1,
        "type": "commendation",
        "id": 5,
        "partner": None,
        "op": "upsert",
        "data": MEDAL | {"id": 5, "unit_code": "00004", "recipient_name": "Phạm Văn Hùng", "version": 3},
    }
    async with local.db.sessionmaker() as s, s.begin():
        outcome = await mirror.apply_change(s, mirror.mirror_principal("ha-noi.test"), change)
        path = await s.scalar(select(Commendation.unit_path).where(Commendation.partner == "mirror:ha-noi.test"))
    assert outcome.kind == "applied" and path is not None and path.startswith("vn-pre-2025:01/")


async def test_a_report_change_without_unit_code_is_placed_by_its_unit_path(local: Live) -> None:
    """Feeds written by an older demo loader carried unit_path instead of unit_code."""
    change = {
        "seq": 9,
        "type": "report",
        "id": 41,
        "partner": None,
        "op": "upsert",
        "data": figures() | {"year": 2021, "status": "approved", "unit_path": "vn-pre-2025:34/336/12433/"},
    }
    async with local.db.sessionmaker() as s, s.begin():
        outcome = await mirror.apply_change(s, mirror.mirror_principal("cu.test"), change)
        report = await s.scalar(select(Report).where(Report.partner == "mirror:cu.test"))
    assert outcome.kind == "applied", outcome
    assert report is not None and report.external_id == "report:41" and report.year == 2021
