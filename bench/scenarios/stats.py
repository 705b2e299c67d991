"""Statistics: /stats/indicators for a province by commune and for the country by province.

- uncached: one connection, ``Cache-Control: no-cache`` (every answer computed afresh), p95 against
  a raw SQL aggregate of the same figures run from the same machine (asyncpg, no framework);
- repeated: 16 connections asking again with the ETag they hold (304 from the kept answer) and
  without it (the kept 200), against the bare FastAPI endpoint (and the signed-in floor).
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any
from urllib.parse import urlencode

import asyncpg  # type: ignore[import-untyped]
import httpx

from api.reports.fields import FIGURE_NAMES
from bench.generate import Dataset
from bench.load import Run, wrk
from bench.report import Figure, Results, median, ratio
from bench.servers import Server

SUMS = ", ".join(f"sum(r.{n})" for n in FIGURE_NAMES)
CASES: dict[str, dict[str, Any]] = {
    "country by province, 2024": {
        "params": {"year": 2024, "breakdown": "children"},
        # Today's 34 provinces are made of the 63 old ones in 2024: the raw aggregate sums the old ones.
        "raw": f"SELECT r.year, split_part(u.path, '/', 1), count(*), {SUMS} FROM reports r "
        "JOIN units u ON u.id = r.unit_id WHERE r.year IN (2023, 2024) AND r.status = 'approved' "
        "AND u.level = 'commune' GROUP BY 1, 2",
    },
    "province by commune, 2025": {
        "params": {"unit": "33", "year": 2025, "breakdown": "children"},
        "raw": f"SELECT r.year, u.code, count(*), {SUMS} FROM reports r JOIN units u ON u.id = r.unit_id "
        "WHERE r.year IN (2024, 2025) AND r.status = 'approved' AND u.path LIKE 'vn-2025:33/%' "
        "AND u.level = 'commune' GROUP BY 1, 2",
    },
}
# Open data (issue 17): a repeated public request (no account) of a published year, against the same bare endpoint.
PUBLIC = {"unit": "33", "year": 2024, "as_of": "2024-12-31", "breakdown": "children"}
EXTRA = {  # latency only
    "country by province, 2025": {"year": 2025, "breakdown": "children"},
    "province by district, 2024": {"unit": "33", "year": 2024, "breakdown": "children"},
}
CONNECTIONS = 16


def _url(server: Server, params: dict[str, Any]) -> str:
    return f"{server.url}/api/v1/stats/indicators?{urlencode(params)}"


async def _raw_latencies(url: str, sql: str, n: int) -> list[float]:
    conn = await asyncpg.connect(url)
    try:
        await conn.fetch(sql)
        out = []
        for _ in range(n):
            started = time.perf_counter()
            await conn.fetch(sql)
            out.append((time.perf_counter() - started) * 1000)
        return out
    finally:
        await conn.close()


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def uncached(results: Results, ds: Dataset, service: Server, log: Any) -> None:
    auth = {"Authorization": f"Bearer {ds.token}"}
    seconds = max(2, ds.size.wrk_seconds)
    for name, case in CASES.items():
        run = wrk(
            _url(service, case["params"]), seconds=seconds, connections=1, headers=auth | {"Cache-Control": "no-cache"}
        )
        raw = asyncio.run(_raw_latencies(ds.url, case["raw"], ds.size.latency_requests))
        raw_p95 = round(_p(raw, 0.95), 2)
        results.details[f"stats uncached {name}"] = {
            "wrk": run.as_dict(),
            "raw_sql_ms": {"p50": median(raw), "p95": raw_p95},
        }
        results.add(
            Figure(
                f"statistics, {name}",
                "p95 latency, uncached (1 connection)",
                run.p95_ms,
                "ms",
                "raw SQL aggregate p95",
                raw_p95,
                ratio(run.p95_ms, raw_p95),
                "p95 < 50 ms",
                run.p95_ms < 50 and run.errors == 0,
            )
        )
        log(f"  {name}: uncached p50 {run.p50_ms} ms, p95 {run.p95_ms} ms; raw SQL p95 {raw_p95} ms")
    for name, params in EXTRA.items():
        run = wrk(_url(service, params), seconds=seconds, connections=1, headers=auth | {"Cache-Control": "no-cache"})
        results.details[f"stats uncached {name}"] = {"wrk": run.as_dict()}
        results.add(
            Figure(
                f"statistics, {name}",
                "p95 latency, uncached",
                run.p95_ms,
                "ms",
                "",
                None,
                None,
                "p95 < 50 ms",
                run.p95_ms < 50 and run.errors == 0,
            )
        )
        log(f"  {name}: uncached p50 {run.p50_ms} ms, p95 {run.p95_ms} ms")


class SnapshotProbe:
    """Counts how often PostgreSQL's snapshot changes (any write anywhere in the cluster) while a run
    lasts: a kept answer is served after one snapshot query only while it does not."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.changes = 0
        self.reads = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._poll()), daemon=True)

    async def _poll(self) -> None:
        conn = await asyncpg.connect(self.url)
        try:
            last = None
            while not self._stop.is_set():
                now = await conn.fetchval("SELECT pg_current_snapshot()::text")
                self.changes += last is not None and now != last
                self.reads += 1
                last = now
                await asyncio.sleep(0.02)
        finally:
            await conn.close()

    def __enter__(self) -> SnapshotProbe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _public(ds: Dataset, service: Server, seconds: int) -> Run | None:
    """Publish the province's year (as its admin would) and load its public answer; None when it can't be."""
    auth = {"Authorization": f"Bearer {ds.token}"}
    code, year = PUBLIC["unit"], PUBLIC["year"]
    r = httpx.post(f"{service.url}/api/v1/reports/{code}/{year}/publish", headers=auth, timeout=120)
    if r.status_code not in (200, 201):
        return None
    url = f"{service.url}/api/v1/public/indicators?{urlencode(PUBLIC)}"
    if httpx.get(url, timeout=120).status_code != 200:
        return None
    wrk(url, seconds=1, connections=4)  # every worker keeps its answer
    return wrk(url, seconds=seconds, connections=CONNECTIONS)


def repeated(
    results: Results, ds: Dataset, service: Server, bare: Server, floors: tuple[Server, Server], log: Any
) -> None:
    auth = {"Authorization": f"Bearer {ds.token}"}
    seconds = ds.size.wrk_seconds
    bare_runs: list[Run] = [wrk(f"{bare.url}/bare", seconds=seconds, connections=CONNECTIONS)]
    for server in floors:
        httpx.get(f"{server.url}/api/v1/bench/authed", headers=auth, timeout=120)
        # Each worker signs the caller in once (a cold pool takes a second or more): without this warm-up a
        # short run (bench-quick's 2 s) counted 0 requests, all still waiting on their first answer.
        wrk(f"{server.url}/api/v1/bench/authed", seconds=1, connections=4, headers=auth)
    floor = wrk(f"{floors[0].url}/api/v1/bench/authed", seconds=seconds, connections=CONNECTIONS, headers=auth)
    unpinged = wrk(f"{floors[1].url}/api/v1/bench/authed", seconds=seconds, connections=CONNECTIONS, headers=auth)
    runs: dict[str, tuple[Run, Run, Run, int]] = {}
    churn: dict[str, float] = {}
    for name, case in CASES.items():
        url = _url(service, case["params"])
        first = httpx.get(url, headers=auth, timeout=120)
        etag, size = first.headers["etag"], len(first.content)
        wrk(url, seconds=1, connections=4, headers=auth)  # every worker keeps its answer
        conditional = auth | {"If-None-Match": etag}
        with SnapshotProbe(ds.url) as probe:
            etag_runs = [wrk(url, seconds=seconds, connections=CONNECTIONS, headers=conditional)]
        churn[name] = round(probe.changes / etag_runs[0].seconds, 1)
        kept = wrk(url, seconds=seconds, connections=CONNECTIONS, headers=auth)
        etag_runs.append(wrk(url, seconds=seconds, connections=CONNECTIONS, headers=conditional))
        same_bytes = wrk(f"{bare.url}/bare-bytes/{size}", seconds=seconds, connections=CONNECTIONS)
        etag_runs.append(wrk(url, seconds=seconds, connections=CONNECTIONS, headers=conditional))
        # Three runs spread over the case, the median kept: this machine's throughput moves between runs.
        with_etag = sorted(etag_runs, key=lambda r: r.rps)[1]
        runs[name] = (with_etag, kept, same_bytes, size)
    public = _public(ds, service, seconds)
    bare_runs.append(wrk(f"{bare.url}/bare", seconds=seconds, connections=CONNECTIONS))
    bare_rps = median([r.rps for r in bare_runs])
    bare_p99 = median([r.p99_ms for r in bare_runs])
    results.details["bare"] = [r.as_dict() for r in bare_runs]
    results.details["signed-in floor"] = floor.as_dict()
    results.details["signed-in floor asking the database"] = unpinged.as_dict()
    results.add(Figure("baseline", "bare FastAPI JSON endpoint, requests/s", bare_rps, "req/s", "", None, None))
    results.add(
        Figure(
            "baseline",
            "signed-in floor (middleware + kept caller), requests/s",
            floor.rps,
            "req/s",
            "bare",
            bare_rps,
            ratio(floor.rps, bare_rps),
        )
    )
    results.add(
        Figure(
            "baseline",
            "signed-in floor asking the database (token lookup, no pre-ping), requests/s",
            unpinged.rps,
            "req/s",
            "bare",
            bare_rps,
            ratio(unpinged.rps, bare_rps),
        )
    )
    log(f"  bare {bare_rps} req/s p99 {bare_p99} ms; signed-in floor {floor.rps} req/s p99 {floor.p99_ms} ms")
    log(f"  signed-in floor asking the database {unpinged.rps} req/s p99 {unpinged.p99_ms} ms")
    if public is not None:
        results.details["public repeated"] = public.as_dict()
        results.add(
            Figure(
                "open data, province by commune, 2024",
                "repeated public request (no account, kept answer, 200), requests/s",
                public.rps,
                "req/s",
                "bare",
                bare_rps,
                ratio(public.rps, bare_rps),
                "≥ 0.70 × bare",
                public.rps >= 0.7 * bare_rps and public.errors == 0,
            )
        )
        log(f"  public (no account) {public.rps} req/s p99 {public.p99_ms} ms")
    for name, (with_etag, kept, same_bytes, size) in runs.items():
        results.details[f"stats repeated {name}"] = {
            "etag_304": with_etag.as_dict(),
            "kept_200": kept.as_dict(),
            "bare_same_bytes": same_bytes.as_dict(),
            "answer_bytes": size,
            "snapshot_changes_per_second": churn[name],
        }
        results.add(
            Figure(
                f"statistics, {name}",
                "repeated with ETag (304), requests/s",
                with_etag.rps,
                "req/s",
                "bare",
                bare_rps,
                ratio(with_etag.rps, bare_rps),
                "≥ 0.70 × bare",
                with_etag.rps >= 0.7 * bare_rps and with_etag.errors == 0,
            )
        )
        results.add(
            Figure(
                f"statistics, {name}",
                "repeated with ETag (304), p99",
                with_etag.p99_ms,
                "ms",
                "bare p99",
                bare_p99,
                ratio(with_etag.p99_ms, bare_p99),
                "≤ 2 × bare",
                with_etag.p99_ms <= 2 * bare_p99,
            )
        )
        results.add(
            Figure(
                f"statistics, {name}",
                "repeated without ETag (kept answer, 200), requests/s",
                kept.rps,
                "req/s",
                "bare",
                bare_rps,
                ratio(kept.rps, bare_rps),
                "≥ 0.70 × bare",
                kept.rps >= 0.7 * bare_rps and kept.errors == 0,
            )
        )
        results.add(
            Figure(
                f"statistics, {name}",
                f"repeated without ETag (kept answer, 200, {size:,} bytes), requests/s",
                kept.rps,
                "req/s",
                "bare endpoint sending as many bytes",
                same_bytes.rps,
                ratio(kept.rps, same_bytes.rps),
                "≥ 0.70 × bare",
                kept.rps >= 0.7 * same_bytes.rps and kept.errors == 0,
            )
        )
        log(
            f"  {name}: 304 {with_etag.rps} req/s p99 {with_etag.p99_ms} ms "
            f"(the snapshot changed {churn[name]} times a second meanwhile); "
            f"kept 200 {kept.rps} req/s ({kept.mb_per_s} MB/s) p99 {kept.p99_ms} ms; "
            f"bare with {size:,} bytes {same_bytes.rps} req/s"
        )
