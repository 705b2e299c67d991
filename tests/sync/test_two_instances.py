"""Acceptance test of partner sync (issue 6): two real instances, each its own server process and database,
synced both ways with the ``khuyenhoc sync pull`` command.

A is Thái Bình (``khuyenhoc demo load``: 484 commune reports 2022-2023); B is Hà Nam (units only, plus
records made through B's API). Each gives the other a partner key limited to its own province. The test
kills a pull after its first page and reruns it, syncs again (nothing changes), then changes and deletes
records on both sides and checks that the other follows; last, A pushes a fund with its ledger
(``khuyenhoc sync push``) and both sides answer the same fund summaries. PostgreSQL only (both databases are made on
KH_TEST_POSTGRES_URL and dropped by the ``databases`` fixture); loopback only; every wait is bounded.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from api.core.config import PROJECT_ROOT
from api.db.engine import make_engine
from api.sync.client import PartnerClient
from tests.conftest import DatabaseFactory
from tests.reporting import REOPEN, submit_and_approve
from tests.sync.test_client import figures

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]

PASSWORD = "mật khẩu quản trị thử"
OLD = "2024-12-31"
THAI_BINH_MEMBERS_2023 = 662_525
_script = Path(sys.executable).with_name("khuyenhoc")
KHUYENHOC = [str(_script)] if _script.exists() else [sys.executable, "-m", "api.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Instance:
    name: str
    database_url: str
    log: Path
    port: int = field(default_factory=free_port)
    server: asyncio.subprocess.Process | None = None
    token: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if not k.startswith("KH_")}
        return keep | {
            "KH_DATABASE_URL": self.database_url,
            "KH_LOG_LEVEL": "WARNING",
            "KH_ADMIN_PASSWORD": PASSWORD,
            "PYTHONUTF8": "1",
        }

    async def cli(self, *args: str, seconds: float = 120) -> str:
        """Run ``khuyenhoc ARGS`` on this instance's database; its stderr (the progress lines)."""
        proc = await asyncio.create_subprocess_exec(
            *KHUYENHOC,
            *args,
            env=self.env,
            cwd=PROJECT_ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            _, err = await asyncio.wait_for(proc.communicate(), seconds)
        except TimeoutError:
            proc.kill()
            await proc.wait()
            raise
        assert proc.returncode == 0, f"{self.name}: khuyenhoc {' '.join(args)} → {proc.returncode}\n{err.decode()}"
        return err.decode()

    async def start(self) -> None:
        with self.log.open("ab") as log:
            self.server = await asyncio.create_subprocess_exec(
                *KHUYENHOC,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                env=self.env,
                cwd=PROJECT_ROOT,
                stdout=log,
                stderr=log,
            )
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient(base_url=self.url, timeout=5) as c:
            while True:
                assert self.server.returncode is None, f"{self.name} stopped:\n{self.log.read_text()}"
                try:
                    if (await c.get("/api/v1/ready")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, f"{self.name} did not start:\n{self.log.read_text()}"
                await asyncio.sleep(0.2)
            r = await c.post("/api/v1/auth/token", data={"username": "quantri", "password": PASSWORD})
            assert r.status_code == 200, r.text
            self.token = r.json()["access_token"]

    async def stop(self) -> None:
        if self.server is None or self.server.returncode is not None:
            return
        self.server.terminate()
        try:
            await asyncio.wait_for(self.server.wait(), 10)
        except TimeoutError:
            self.server.kill()
            await self.server.wait()

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, headers={"Authorization": f"Bearer {self.token}"}, timeout=30)

    async def key(self, unit: str, partner: str) -> str:
        body = {"name": f"Hệ thống {partner}", "role": "partner", "unit_code": unit, "unit_as_of": OLD}
        async with self.client() as c:
            r = await c.post("/api/v1/api-keys", json=body | {"partner": partner})
        assert r.status_code == 201, r.text
        return str(r.json()["secret"])

    async def pull(self, other: Instance, key: str, *more: str, seconds: float = 120) -> dict[str, int]:
        """``khuyenhoc sync pull`` from the other instance; the totals of its last line."""
        lines = await self.cli("sync", "pull", "--from", other.url, "--key", key, *more, seconds=seconds)
        return totals(lines)


def totals(lines: str) -> dict[str, int]:
    last = [line for line in lines.splitlines() if line.startswith("Xong:")]
    assert last, lines
    found = re.search(r"(\d+) trang, (\d+) thay đổi, áp dụng (\d+), bỏ qua (\d+), lỗi (\d+)", last[-1])
    assert found, last[-1]
    return dict(zip(("pages", "changes", "applied", "skipped", "failed"), map(int, found.groups()), strict=True))


async def scalar(engine: AsyncEngine, sql: str, **params: Any) -> Any:
    async with engine.connect() as conn:
        return (await conn.execute(text(sql), params)).scalar()


async def get(instance: Instance, path: str, **params: Any) -> Any:
    async with instance.client() as c:
        r = await c.get(path, params=params)
    assert r.status_code == 200, f"{instance.name} {path}: {r.text}"
    return r.json()


async def snapshot(inst: Instance, engine: AsyncEngine) -> dict[str, Any]:
    """What must not move when a sync has nothing to do: counts, the feed, the audit trail, statistics."""
    counts = {
        table: await scalar(engine, f"SELECT count(*) FROM {table}")
        for table in ("reports", "commendations", "associations", "changes", "audit_log")
    }
    counts["mirror_reports"] = await scalar(engine, "SELECT count(*) FROM reports WHERE partner LIKE 'mirror:%'")
    counts["report_versions"] = await scalar(engine, "SELECT sum(version) FROM reports")
    return counts | {
        "tb": await get(inst, "/api/v1/stats/highlights", unit="34", year=2023),
        "hn": await get(inst, "/api/v1/stats/indicators", unit="35", year=2024),
    }


async def visible(inst: Instance, key: str, engine: AsyncEngine, province: str, seconds: float = 120) -> None:
    """Wait until the latest change of the province is on the instance's feed.

    On PostgreSQL the feed hands out a change only when every transaction that started before it has
    ended, on the whole server (pg_snapshot_xmin is cluster-wide): a long write transaction in any other
    database of the same server holds every feed back. This wait keeps the test exact when that happens."""
    prefix = f"vn-pre-2025:{province}/%"
    top = await scalar(engine, "SELECT max(seq) FROM changes WHERE unit_path LIKE :p", p=prefix)
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=inst.url, headers={"Authorization": f"Bearer {key}"}) as c:
        while True:
            r = await c.get("/api/v1/sync/changes", params={"since": str(top - 1), "limit": 1})
            assert r.status_code == 200, r.text
            if r.json()["items"]:
                return
            if time.monotonic() > deadline:
                held = await scalar(
                    engine,
                    "SELECT string_agg(datname || ' (pid ' || pid || ', ' || (now() - xact_start) || ')', '; ') "
                    "FROM pg_stat_activity WHERE backend_xid IS NOT NULL",
                )
                raise AssertionError(f"{inst.name}: the feed is held back by transactions still running: {held}")
            await asyncio.sleep(0.5)


# What a copy keeps of a record (docs/partners.md, "Copies"): everything but its own identity, times and
# version; the ledger is copied too (issue 18 item 3): a fund's balance and an award's fund (its copy) are the source's.
COPIED = {
    "association": "associations",
    "fund": "funds",
    "award": "awards",
    "commendation": "commendations",
    "inspection": "inspections",
    "partnership": "partnerships",
    "activity": "activities",
}
OWN = {"id", "external_id", "partner", "version", "created_at", "updated_at", "import_job_id"}
REFERENCES = {"parent_id": "association", "association_id": "association", "fund_id": "fund"}
REPORT_OWN = {"version", "updated_at", "submitted_at", "submitted_by", "approved_at", "approved_by"}


async def listed(inst: Instance, path: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    async with inst.client() as c:
        while True:
            r = await c.get(path, params=params | {"limit": 1000} | ({"cursor": cursor} if cursor else {}))
            assert r.status_code == 200, f"{inst.name} {path}: {r.text}"
            items += r.json()["items"]
            cursor = r.json()["next_cursor"]
            if not cursor:
                return items


async def same_records(a: Instance, b: Instance) -> dict[str, int]:
    """Compare each Thái Bình record on A with its copy on B, field by field; how many of each type."""
    counts: dict[str, int] = {}
    ids: dict[str, dict[int, int]] = {}
    for kind, path in COPIED.items():
        mine = await listed(a, f"/api/v1/{path}", unit="34")
        copies = {c["external_id"]: c for c in await listed(b, f"/api/v1/{path}", unit="34")}
        ids[kind] = {r["id"]: copies[f"{kind}:{r['id']}"]["id"] for r in mine if f"{kind}:{r['id']}" in copies}
        assert len(ids[kind]) == len(mine), (kind, len(mine), len(copies))
        for record in mine:
            copy = copies[f"{kind}:{record['id']}"]
            for key in record.keys() - OWN:
                want = record[key]
                if key in REFERENCES and want is not None:
                    want = ids[REFERENCES[key]][want]
                assert copy[key] == want, (kind, record["id"], key, copy[key], want)
        counts[kind] = len(mine)
    years = 0
    for remote, local in ids["association"].items():
        async with a.client() as c:
            there = (await c.get(f"/api/v1/associations/{remote}/years")).json()
        async with b.client() as c:
            here = (await c.get(f"/api/v1/associations/{local}/years")).json()
        assert here == [y | {"association_id": local} for y in there], remote
        years += len(there)
    counts["association_year"] = years
    reports = {(r["unit_code"], r["year"]): r for r in await listed(a, "/api/v1/reports", unit="34")}
    copies = {(r["unit_code"], r["year"]): r for r in await listed(b, "/api/v1/reports", unit="34")}
    assert copies.keys() == reports.keys()
    for key, report in reports.items():
        assert {k: v for k, v in copies[key].items() if k not in REPORT_OWN} == {
            k: v for k, v in report.items() if k not in REPORT_OWN
        }, key
    counts["report"] = len(reports)
    # The money (issue 18: Hà Nam's 2024 summaries differed, raised 0 vs 5,000,000): the same summaries.
    for year in (2022, 2023, 2024):
        summary = await get(a, "/api/v1/funds/summary", unit="34", year=year)
        assert await get(b, "/api/v1/funds/summary", unit="34", year=year) == summary, year
        assert summary["balance_vnd"] > 0, summary
        assert summary["raised_vnd"] > 0 or year != 2023, summary  # the demo's year raises money
    return counts


@pytest.fixture
async def instances(databases: DatabaseFactory, tmp_path: Path) -> AsyncIterator[tuple[Instance, Instance]]:
    a = Instance("A (Thái Bình)", await databases.create(), tmp_path / "a.log")
    b = Instance("B (Hà Nam)", await databases.create(), tmp_path / "b.log")
    try:

        async def prepare(inst: Instance, load: tuple[str, ...]) -> None:
            for step in (("migrate",), load, ("users", "create-admin", "--username", "quantri")):
                await inst.cli(*step)
            await inst.start()

        done = await asyncio.gather(prepare(a, ("demo", "load")), prepare(b, ("units", "load")), return_exceptions=True)
        for outcome in done:  # both ran to the end (no server starts after the teardown below)
            if isinstance(outcome, BaseException):
                raise outcome
        yield a, b
    finally:
        await asyncio.gather(a.stop(), b.stop())


async def make_ha_nam_records(b: Instance) -> dict[str, Any]:
    """B's own Hà Nam data, through its API: three approved commune reports of 2024, the province's report
    of 2023 (A has its own: A keeps it), an association and two commendations."""
    async with b.client() as c:
        district = (await c.get("/api/v1/units/35/children", params={"as_of": OLD})).json()["items"][0]["code"]
        kids = (await c.get(f"/api/v1/units/{district}/children", params={"as_of": OLD})).json()["items"]
        codes = [k["code"] for k in kids[:3]]
        province = {k: v * 100 for k, v in figures(1500).items()} | {
            "communes": 116,
            "communes_rated_learning_community": 90,
        }
        filed = [(code, 2024, figures(1500 + n)) for n, code in enumerate(codes)] + [("35", 2023, province)]
        for code, year, body in filed:
            assert (await c.put(f"/api/v1/reports/{code}/{year}", json=body)).status_code == 201
            await submit_and_approve(c, code, year, as_of=OLD)
        where = {"unit_code": codes[0], "unit_as_of": OLD}
        r = await c.post("/api/v1/associations", json=where | {"kind": "association", "name": "Hội Khuyến học xã"})
        assert r.status_code == 201, r.text
        ids = []
        for name in ("Nguyễn Văn An", "Trần Thị Bình"):
            medal = {"form": "medal", "year": 2024, "issuing_level": "central", "recipient_kind": "person"}
            r = await c.post("/api/v1/commendations", json=medal | where | {"recipient_name": name})
            assert r.status_code == 201, r.text
            ids.append(r.json()["id"])
    await push_ha_nam_money(b, codes[0])
    return {"codes": codes, "commendations": ids}


HA_NAM_ENTRIES = {  # a commune fund's 2024 ledger, sent by Hà Nam's own system with its ids
    "HN-BT-1": {"kind": "contribution", "amount_vnd": 5_000_000, "occurred_on": "2024-03-01"},
    "HN-BT-2": {"kind": "disbursement", "amount_vnd": 1_200_000, "occurred_on": "2024-05-10"},
    "HN-BT-3": {"kind": "reversal", "reverses_external_id": "HN-BT-2", "occurred_on": "2024-05-11"},
    "HN-BT-4": {"kind": "disbursement", "amount_vnd": 800_000, "occurred_on": "2024-09-05"},
}
HA_NAM_MONEY_CHANGES = 1 + 2 * len(HA_NAM_ENTRIES)  # the fund, then each entry and the fund's new balance


async def push_ha_nam_money(b: Instance, commune: str) -> None:
    """Issue 18 (raised 0 vs 5,000,000 after a pull): Hà Nam's system pushes a fund and its ledger to B with the
    partner library (PUT /sync/funds/…, PUT /sync/fund_entries/…), once and then again (nothing moves twice)."""
    async with b.client() as c:
        body = {"name": "Hệ thống Hà Nam", "profile": "sync", "partner": "ha-nam-he-thong", "unit_code": "35"}
        r = await c.post("/api/v1/api-keys", json=body | {"unit_as_of": OLD})
        assert r.status_code == 201, r.text
        key = str(r.json()["secret"])

    def push() -> list[int]:
        statuses = []
        with PartnerClient(b.url, key) as api:
            fund = {"unit_code": commune, "unit_as_of": OLD, "name": "Quỹ khuyến học xã", "owner_kind": "unit"}
            statuses.append(api.upsert("funds", "HN-QUY-1", fund).status)
            for external_id, entry in HA_NAM_ENTRIES.items():
                statuses.append(
                    api.upsert("fund_entries", external_id, {"fund_external_id": "HN-QUY-1"} | entry).status
                )
        return statuses

    assert await asyncio.to_thread(push) == [201] * (1 + len(HA_NAM_ENTRIES))
    assert await asyncio.to_thread(push) == [200] * (1 + len(HA_NAM_ENTRIES))


async def test_two_instances_sync_both_ways(instances: tuple[Instance, Instance]) -> None:
    a, b = instances
    ha_nam = await make_ha_nam_records(b)
    key_on_a = await a.key("34", partner="ha-nam")  # B reads Thái Bình from A
    key_on_b = await b.key("35", partner="thai-binh")  # A reads Hà Nam from B
    engine_a, engine_b = make_engine(a.database_url), make_engine(b.database_url)
    try:
        # 1. B's first pull from A, 20 changes a page, killed once its first page is committed.
        await visible(a, key_on_a, engine_a, "34")
        async with httpx.AsyncClient(base_url=a.url, headers={"Authorization": f"Bearer {key_on_a}"}) as c:
            demo = (await c.get("/api/v1/sync/changes", params={"limit": 1})).json()["items"][0]
        assert demo["type"] == "report" and demo["data"]["unit_code"]  # the demo's reports as the API shows them
        proc = await asyncio.create_subprocess_exec(
            *KHUYENHOC,
            *("sync", "pull", "--from", a.url, "--key", key_on_a, "--limit", "20"),
            env=b.env,
            cwd=PROJECT_ROOT,
            stderr=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
        )
        assert proc.stderr is not None
        seen = []
        try:
            while True:
                line = (await asyncio.wait_for(proc.stderr.readline(), 60)).decode()
                assert line, f"the pull ended before its first page: {''.join(seen)}"
                seen.append(line)
                if line.startswith("Trang 1:"):
                    break
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGKILL)
            await asyncio.wait_for(proc.wait(), 10)
        assert proc.returncode == -signal.SIGKILL
        source = f"127.0.0.1:{a.port}?scope=34"
        cursor = await scalar(engine_b, "SELECT cursor FROM sync_cursors WHERE source = :s", s=source)
        copied = await scalar(engine_b, "SELECT count(*) FROM reports WHERE partner LIKE 'mirror:%'")
        assert cursor and copied % 20 == 0 and 20 <= copied < 484, (cursor, copied)

        rest = await b.pull(a, key_on_a, seconds=900)  # the demo's registries too: thousands of awards
        assert rest["applied"] > 484 - copied and rest["failed"] == 0, rest
        assert await scalar(engine_b, "SELECT count(*) FROM reports WHERE partner LIKE 'mirror:%'") == 484
        # Every record type of the demo, not only reports, is on A's feed and copied to B as A's GET shows it.
        counts = await same_records(a, b)
        assert counts["report"] == 484, counts
        kinds = ("association", "association_year", "fund", "award", "commendation", "inspection")
        assert all(counts[k] > 0 for k in kinds), counts
        tb_a = await get(a, "/api/v1/stats/highlights", unit="34", year=2023)
        assert tb_a["items"][0]["value"]["numerator"] == THAI_BINH_MEMBERS_2023
        assert await get(b, "/api/v1/stats/highlights", unit="34", year=2023) == tb_a

        # 2. A's first pull from B: the 2024 commune reports, the association and the commendations; A keeps its
        # own 2023 report of Hà Nam province.
        await visible(b, key_on_b, engine_b, "35")
        first = await a.pull(b, key_on_b)
        # Each report came through three changes (draft, submitted, approved): 9 applied, and 3 skipped for
        # the province report A has; plus the association and the two commendations.
        # And the fund Hà Nam's system pushed with its ledger: the same fund summaries on both sides.
        assert (first["applied"], first["skipped"], first["failed"]) == (12 + HA_NAM_MONEY_CHANGES, 3, 0), first
        money = await get(b, "/api/v1/funds/summary", unit="35", year=2024, as_of=OLD)
        assert (money["raised_vnd"], money["disbursed_vnd"], money["balance_vnd"]) == (5_000_000, 800_000, 4_200_000)
        assert await get(a, "/api/v1/funds/summary", unit="35", year=2024, as_of=OLD) == money
        assert await get(a, "/api/v1/stats/indicators", unit="35", year=2024) == await get(
            b, "/api/v1/stats/indicators", unit="35", year=2024
        )
        hn_a = await get(a, "/api/v1/reports/35/2023")
        assert hn_a["members"] != 150_000 and hn_a["status"] == "approved"

        # 3. Sync again both ways: nothing to fetch, nothing written, no duplicates, the same statistics.
        before = (await snapshot(a, engine_a), await snapshot(b, engine_b))
        assert (await b.pull(a, key_on_a))["changes"] == 0
        assert (await a.pull(b, key_on_b))["changes"] == 0
        assert (await snapshot(a, engine_a), await snapshot(b, engine_b)) == before
        for engine in (engine_a, engine_b):
            dup = "SELECT count(*) FROM (SELECT unit_id, year FROM reports GROUP BY 1, 2 HAVING count(*) > 1) d"
            assert await scalar(engine, dup) == 0

        # 4. Changes on both sides. A: a Thái Bình commune's 2023 report is reopened, raised by 100 members
        # and approved again. B: a commendation renamed, the other deleted, a 2024 report changed.
        report = (await get(a, "/api/v1/reports", unit="34", year=2023, limit=1))["items"][0]
        code = report["unit_code"]
        body = {k: report[k] for k in figures()} | {"members": report["members"] + 100}
        async with a.client() as c:
            assert (await c.post(f"/api/v1/reports/{code}/2023/reopen", json=REOPEN)).status_code == 200
            assert (await c.put(f"/api/v1/reports/{code}/2023", json=body)).status_code == 200
            await submit_and_approve(c, code, 2023, as_of=OLD)
        first_id, second_id = ha_nam["commendations"]
        changed = ha_nam["codes"][1]
        async with b.client() as c:
            r = await c.patch(f"/api/v1/commendations/{first_id}", json={"recipient_name": "Nguyễn Văn An (sửa)"})
            assert r.status_code == 200, r.text
            assert (await c.delete(f"/api/v1/commendations/{second_id}")).status_code == 204
            assert (await c.post(f"/api/v1/reports/{changed}/2024/reopen", json=REOPEN)).status_code == 200
            r = await c.put(f"/api/v1/reports/{changed}/2024", json=figures(2222))
            assert r.status_code == 200, r.text
            await submit_and_approve(c, changed, 2024, as_of=OLD)

        tb_a = await get(a, "/api/v1/stats/highlights", unit="34", year=2023)
        assert tb_a["items"][0]["value"]["numerator"] == THAI_BINH_MEMBERS_2023 + 100

        await visible(a, key_on_a, engine_a, "34")
        assert (await b.pull(a, key_on_a))["applied"] == 4  # reopened, changed, submitted, approved
        assert await get(b, "/api/v1/stats/highlights", unit="34", year=2023) == tb_a
        await visible(b, key_on_b, engine_b, "35")
        assert (await a.pull(b, key_on_b))["applied"] == 6
        names = "SELECT string_agg(recipient_name, ',') FROM commendations WHERE partner LIKE 'mirror:%'"
        assert await scalar(engine_a, names) == "Nguyễn Văn An (sửa)"
        assert (await get(a, f"/api/v1/reports/{changed}/2024"))["members"] == 2222
        assert await get(a, "/api/v1/stats/indicators", unit="35", year=2024) == await get(
            b, "/api/v1/stats/indicators", unit="35", year=2024
        )
        assert await scalar(engine_b, "SELECT count(*) FROM reports WHERE partner LIKE 'mirror:%'") == 484

        # 5. Money the other way, with `khuyenhoc sync push` (issue 18 item 3): A's own fund of a Hà Nam commune goes
        # to B with the key B gave A, the one A pulls with; A's next pull skips what it pushed (the original is on A),
        # and Hà Nam's 2024 fund summaries are equal on both sides: 5,000,000 + 1,000,000 raised.
        async with a.client() as c:
            where = {"unit_code": ha_nam["codes"][2], "unit_as_of": OLD}
            r = await c.post("/api/v1/funds", json=where | {"name": "Quỹ khuyến học của tỉnh", "owner_kind": "unit"})
            assert r.status_code == 201, r.text
            entry = {"kind": "contribution", "amount_vnd": 1_000_000, "occurred_on": "2024-06-01"}
            assert (await c.post(f"/api/v1/funds/{r.json()['id']}/entries", json=entry)).status_code == 201
        args = ("sync", "push", "--to", b.url, "--key", key_on_b, "--province", "35", "--what", "funds")
        pushed = await a.cli(*args)
        assert "Xong: 0 báo cáo, 1 quỹ, 1 bút toán; tạo mới 2, thay 1, bị từ chối 0" in pushed, pushed
        await visible(b, key_on_b, engine_b, "35")
        back = await a.pull(b, key_on_b)
        assert back["changes"] > 0 and back["applied"] == 0 and back["failed"] == 0, back
        money = await get(b, "/api/v1/funds/summary", unit="35", year=2024, as_of=OLD)
        assert (money["raised_vnd"], money["balance_vnd"]) == (6_000_000, 5_200_000), money
        assert await get(a, "/api/v1/funds/summary", unit="35", year=2024, as_of=OLD) == money
    finally:
        await engine_a.dispose()
        await engine_b.dispose()
