"""The embedded setup, as ``make run`` gives it: SQLite, one worker, the demo data.

The same measurements as the PostgreSQL run, each beside the service's own ``/api/v1/health`` measured
in the same run (each case three times, interleaved, the median kept): a repeated
``/stats/indicators?unit=34&year=2023&breakdown=children`` with its ETag (304) and without (the kept
200), the signed-in floor (``/api/v1/me``), and freshness: a commune report of old Thái Bình approved
and reopened, the province's and the country's figures read right after each write.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

from bench import duties, generate, servers
from bench.config import Size
from bench.load import Run, wrk
from bench.report import Figure, Results, median, ratio

SCENARIO = "embedded (SQLite, 1 worker)"
STATS = "/api/v1/stats/indicators?unit=34&year=2023&breakdown=children"
REPORT = "/api/v1/reports/12433/2023"  # a commune of old Thái Bình with an approved demo report
USERNAME, PASSWORD = "bench.nhung", "mật-khẩu-đo-nhúng-1"
CONNECTIONS = 16
ROUNDS = 7


def _prepare(log: Any) -> tuple[str, dict[str, str]]:
    """A fresh SQLite file with the demo data and an admin, as ``make demo`` makes it."""
    work = generate.WORK_DIR / "embedded"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    url = f"sqlite+aiosqlite:///{work / 'khuyenhoc.db'}"
    env = servers.service_env(url) | {"KH_ADMIN_PASSWORD": PASSWORD}
    cli = str(servers.VENV_BIN / "khuyenhoc")
    started = time.monotonic()
    for args in (["migrate"], ["demo", "load"], ["users", "create-admin", "--username", USERNAME]):
        subprocess.run([cli, *args], env=os.environ | env, check=True, capture_output=True, timeout=600)
    log(f"  demo database in {time.monotonic() - started:.0f} s: {work / 'khuyenhoc.db'}")
    return url, env


def run(results: Results, size: Size, log: Any, code: Path | None = None) -> None:
    """``code``: another copy of the project to serve (``--service-code``), e.g. an earlier commit's."""
    url, _ = _prepare(log)
    logs = generate.WORK_DIR / "logs"
    with servers.khuyenhoc(url, 1, logs, code) as service:
        signed = httpx.post(f"{service.url}/api/v1/auth/token", data={"username": USERNAME, "password": PASSWORD})
        signed.raise_for_status()
        auth = {"Authorization": f"Bearer {signed.json()['access_token']}"}
        _load(results, service, size, auth, log)
        _freshness(results, service, auth, log)


def _load(results: Results, service: servers.Server, size: Size, auth: dict[str, str], log: Any) -> None:
    seconds = size.wrk_seconds
    health = f"{service.url}/api/v1/health"
    stats = service.url + STATS
    first = httpx.get(stats, headers=auth, timeout=120)
    first.raise_for_status()
    etag = first.headers["etag"]
    wrk(stats, seconds=1, connections=4, headers=auth)  # warm-up
    conditional = auth | {"If-None-Match": etag}
    # Each case three times (national; once in quick), interleaved, the median kept: throughput moves here.
    runs: dict[str, list[Run]] = {"health": [], "304": [], "200": [], "me": []}
    for _ in range(size.repeats):
        runs["health"].append(wrk(health, seconds=seconds, connections=CONNECTIONS))
        runs["304"].append(wrk(stats, seconds=seconds, connections=CONNECTIONS, headers=conditional))
        runs["200"].append(wrk(stats, seconds=seconds, connections=CONNECTIONS, headers=auth))
        runs["me"].append(wrk(f"{service.url}/api/v1/me", seconds=seconds, connections=CONNECTIONS, headers=auth))
    bare = runs["health"]
    with_etag, kept, me = (sorted(runs[k], key=lambda r: r.rps)[len(runs[k]) // 2] for k in ("304", "200", "me"))
    bare_rps, bare_p99 = median([r.rps for r in bare]), median([r.p99_ms for r in bare])
    results.details["embedded"] = {
        **{name: [r.as_dict() for r in found] for name, found in runs.items()},
        "answer_bytes": len(first.content),
    }
    results.add(Figure(SCENARIO, "/api/v1/health, requests/s", bare_rps, "req/s", "", None, None))
    cases = (("repeated statistics with ETag (304)", with_etag, "304"), ("repeated statistics (kept 200)", kept, "200"))
    for measure, r, case in cases:
        p99 = median([x.p99_ms for x in runs[case]])  # as /health's: the median of the three runs' p99
        _rate(results, f"{measure}, requests/s", r, bare_rps, 0.70)
        results.add(
            Figure(
                SCENARIO,
                f"{measure}, p99",
                p99,
                "ms",
                "/health p99",
                bare_p99,
                ratio(p99, bare_p99),
                "≤ 2 × /health",
                p99 <= 2 * bare_p99,
            )
        )
    _rate(results, "signed-in floor (/me), requests/s", me, bare_rps, 0.50)
    log(
        f"  /health {bare_rps} req/s p99 {bare_p99} ms; statistics 304 {with_etag.rps} req/s p99 {with_etag.p99_ms} ms;"
        f" kept 200 {kept.rps} req/s p99 {kept.p99_ms} ms; /me {me.rps} req/s p99 {me.p99_ms} ms"
    )


def _rate(results: Results, measure: str, run: Run, bare_rps: float, goal: float) -> None:
    results.add(
        Figure(
            SCENARIO,
            measure,
            run.rps,
            "req/s",
            "/health",
            bare_rps,
            ratio(run.rps, bare_rps),
            f"≥ {goal:.2f} × /health",
            run.rps >= goal * bare_rps and run.errors == 0,
        )
    )


def _members(client: httpx.Client, params: dict[str, Any]) -> int:
    r = client.get("/api/v1/stats/indicators", params=params | {"indicator": "members"})
    r.raise_for_status()
    return sum(i["value"] or 0 for i in r.json()["items"])


def _freshness(results: Results, service: servers.Server, auth: dict[str, str], log: Any) -> None:
    province, country = {"unit": "34", "year": 2023}, {"year": 2023}
    seen = 0
    approvals: list[float] = []
    with httpx.Client(base_url=service.url, headers=auth, timeout=120) as client:
        commune = int(client.get(REPORT).json()["members"] or 0)
        editor = duties.unit_editor(client, "12433", "2023-12-31")
        client.post(f"{REPORT}/reopen", json={"reason": "Đo độ tươi"}).raise_for_status()
        client.post(f"{REPORT}/submit", headers=editor).raise_for_status()
        for _ in range(ROUNDS):
            before = (_members(client, province), _members(client, country))
            _members(client, province)  # now a kept answer
            started = time.perf_counter()
            client.post(f"{REPORT}/approve").raise_for_status()
            approvals.append((time.perf_counter() - started) * 1000)
            seen += (_members(client, province) - before[0], _members(client, country) - before[1]) == (
                commune,
                commune,
            )
            client.post(f"{REPORT}/reopen", json={"reason": "Đo độ tươi"}).raise_for_status()
            client.post(f"{REPORT}/submit", headers=editor).raise_for_status()
            seen += (_members(client, province), _members(client, country)) == before
        client.post(f"{REPORT}/approve").raise_for_status()
    results.details["embedded freshness"] = {"rounds": ROUNDS, "approve_ms": approvals, "fresh": f"{seen}/{2 * ROUNDS}"}
    results.add(
        Figure(
            SCENARIO,
            "reads right after approve/reopen that show the change",
            seen,
            f"of {2 * ROUNDS}",
            "",
            None,
            None,
            "all",
            seen == 2 * ROUNDS,
        )
    )
    log(f"  fresh reads {seen}/{2 * ROUNDS}; approve {median(approvals):.1f} ms")
