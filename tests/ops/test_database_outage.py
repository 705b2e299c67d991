"""The database goes away under a running service, and comes back (a private cluster; 5432 is not touched).

While it is down: /ready is 503, reads and writes are 503 problem+json (never a 500, never a trace).
When it returns the service recovers by itself (same process, no restart), and every write it
acknowledged is in the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from api.core.config import normalise_database_url
from api.db.engine import make_engine
from tests.ops.cluster import PrivateCluster, pg_binary
from tests.ops.conftest import Service, khuyenhoc, service_env, sign_in, wait_until

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]

COMMUNES = ["12433", "12436", "12439", "12442", "12445", "12448"]  # wards of TP Thái Bình before 2025-07-01
YEAR = 2024
PASSWORD = "mật-khẩu-sự-cố-1"


@pytest.fixture
def cluster() -> Iterator[PrivateCluster]:
    if not pg_binary("initdb") or not pg_binary("pg_ctl"):
        pytest.fail("initdb/pg_ctl not found: the PostgreSQL server binaries are needed for this test")
    c = PrivateCluster()
    try:
        c.start()
        yield c
    finally:
        c.destroy()


def report_path(code: str) -> str:
    return f"/api/v1/reports/{code}/{YEAR}"


def assert_unavailable(r: httpx.Response, what: str) -> None:
    assert r.status_code == 503, f"{what}: {r.status_code} {r.text[:300]}"
    assert r.headers["content-type"] == "application/problem+json", what
    assert r.headers.get("retry-after"), what
    assert "Traceback" not in r.text and "asyncpg" not in r.text and "127.0.0.1" not in r.text, r.text


async def test_the_service_answers_503_while_the_database_is_down_and_recovers_by_itself(
    cluster: PrivateCluster, services: list[Service], service_log: Path
) -> None:
    env = service_env(cluster.url, KH_ADMIN_PASSWORD=PASSWORD, KH_DATABASE_CONNECT_TIMEOUT_SECONDS="2")
    for args in (["migrate"], ["units", "load"], ["users", "create-admin", "--username", "su.co"]):
        await asyncio.to_thread(khuyenhoc, *args, env=env)
    service = Service(env, service_log)
    services.append(service)
    await asyncio.to_thread(service.start)
    pid = service.proc.pid if service.proc else None
    token = await asyncio.to_thread(sign_in, service.base_url, "su.co", PASSWORD)
    headers = {"Authorization": f"Bearer {token}"}

    async with httpx.AsyncClient(base_url=service.base_url, headers=headers, timeout=30) as c:
        assert (await c.get("/api/v1/ready")).status_code == 200
        assert (await c.put(report_path(COMMUNES[0]), json={"members": 1})).status_code == 201

        # Down: every kind of request, several times (the pool first holds connections that died).
        await asyncio.to_thread(cluster.stop, "fast")
        down_attempts: list[tuple[str, int]] = []
        for n in range(3):
            assert_unavailable(await c.get("/api/v1/ready"), "ready")
            assert_unavailable(await c.get("/api/v1/units/34", params={"as_of": "2024-12-31"}), "read")
            assert_unavailable(await c.put(report_path(COMMUNES[1]), json={"members": 100 + n}), "write")
            down_attempts.append((COMMUNES[1], 100 + n))
        assert_unavailable(await c.get("/api/v1/me"), "sign-in check")

        # Back, with requests all along the way (shutting down, starting up, recovering): no 500, ever.
        last_ok: dict[str, int] = {}
        later: dict[str, set[int]] = {code: set() for code in COMMUNES[2:]}
        statuses: Counter[int] = Counter()
        stop = asyncio.Event()

        async def writer(code: str) -> None:
            n = 0
            while not stop.is_set():
                n += 1
                r = await c.put(report_path(code), json={"members": n})
                statuses[r.status_code] += 1
                if r.status_code in (200, 201):
                    last_ok[code], later[code] = n, set()
                else:
                    assert_unavailable(r, f"write during recovery ({code})")
                    later[code].add(n)  # a 503 after a lost connection may or may not have committed

        async def reader() -> None:
            while not stop.is_set():
                r = await c.get("/api/v1/stats/indicators", params={"unit": "34", "year": 2023})
                statuses[r.status_code] += 1
                if r.status_code != 200:
                    assert_unavailable(r, "read during recovery")

        tasks = [asyncio.create_task(writer(code)) for code in COMMUNES[2:]] + [asyncio.create_task(reader())]
        try:
            await asyncio.to_thread(cluster.start)
            await asyncio.sleep(0.5)
            await asyncio.to_thread(cluster.stop, "immediate")  # a crash this time, mid-request
            await asyncio.sleep(0.5)
            await asyncio.to_thread(cluster.start)
            await asyncio.to_thread(
                wait_until,
                lambda: httpx.get(f"{service.base_url}/api/v1/ready", timeout=5).status_code == 200,
                timeout=30,
                what="/ready to be 200 again",
            )
            await asyncio.sleep(0.5)
        finally:
            stop.set()
            await asyncio.gather(*tasks)

        assert service.proc is not None and service.proc.poll() is None and service.proc.pid == pid, "restarted"
        assert statuses[503] > 0 and (statuses[200] + statuses[201]) > 0, statuses
        assert set(statuses) <= {200, 201, 503}, statuses
        after = await c.put(report_path(COMMUNES[0]), json={"members": 2}, headers={"If-Match": "*"})
        assert after.status_code == 200, after.text

    engine = make_engine(normalise_database_url(cluster.url))
    try:
        async with engine.connect() as conn:
            stored = dict(
                (
                    await conn.execute(
                        text(
                            "SELECT u.code, r.members FROM reports r JOIN units u ON u.id = r.unit_id "
                            "WHERE r.year = :year"
                        ),
                        {"year": YEAR},
                    )
                ).all()
            )
    finally:
        await engine.dispose()
    assert stored[COMMUNES[0]] == 2
    assert COMMUNES[1] not in stored, "a write refused while the database was down was saved"
    for code in COMMUNES[2:]:
        if code in last_ok:
            assert stored[code] == last_ok[code] or stored[code] in later[code], (code, stored[code], last_ok[code])

    log = service.output()
    problems = [line for line in log.splitlines() if '"unhandled_error"' in line]
    assert not problems, "\n".join(problems[:3])
    events = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert any(e.get("event") == "database_unavailable" for e in events)
    with contextlib.suppress(Exception):
        service.stop()
