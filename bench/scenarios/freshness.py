"""Freshness: approving a commune report shows in the province's and the country's indicators in the
very next request (each worker checks the data version on every request).

The commune's report (last year, submitted) is approved, both figures are read at once, then it is
reopened and submitted again; repeated. Nothing on the write path maintains statistics, so the
approval's own time is the baseline: the check is what the first read after it costs.
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from bench import duties
from bench.generate import Dataset
from bench.report import Figure, Results, median
from bench.servers import Server

ROUNDS = 7


def _members(client: httpx.Client, params: dict[str, Any]) -> tuple[int, float]:
    started = time.perf_counter()
    r = client.get("/api/v1/stats/indicators", params=params | {"indicator": "members"})
    r.raise_for_status()
    elapsed = (time.perf_counter() - started) * 1000
    items = r.json()["items"]
    return sum(i["value"] or 0 for i in items), elapsed


def run(results: Results, ds: Dataset, service: Server, log: Any) -> None:
    year = ds.size.last_year
    report = f"/api/v1/reports/{ds.fresh_unit}/{year}"
    province = {"unit": ds.fresh_province, "year": year}
    country = {"year": year}
    headers = {"Authorization": f"Bearer {ds.token}"}
    approvals: list[float] = []
    first_reads: list[float] = []
    seen = 0
    with httpx.Client(base_url=service.url, headers=headers, timeout=120) as client:
        commune_members = int(client.get(report).json()["members"] or 0)
        editor = duties.unit_editor(client, ds.fresh_unit, f"{year}-12-31")
        for _ in range(ROUNDS):
            before = (_members(client, province)[0], _members(client, country)[0])
            started = time.perf_counter()
            client.post(f"{report}/approve").raise_for_status()
            approvals.append((time.perf_counter() - started) * 1000)
            p, p_ms = _members(client, province)
            c, c_ms = _members(client, country)
            first_reads += [p_ms, c_ms]
            seen += (p - before[0], c - before[1]) == (commune_members, commune_members)
            client.post(f"{report}/reopen", json={"reason": "Đo độ tươi"}).raise_for_status()
            client.post(f"{report}/submit", headers=editor).raise_for_status()
            after = (_members(client, province)[0], _members(client, country)[0])
            seen += after == before
    results.details["freshness"] = {
        "rounds": ROUNDS,
        "approve_ms": approvals,
        "first_read_after_write_ms": first_reads,
        "fresh_reads": f"{seen}/{2 * ROUNDS}",
    }
    results.add(
        Figure(
            "freshness",
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
    results.add(
        Figure(
            "freshness",
            "approval latency (median), added by statistics: 0",
            median(approvals),
            "ms",
            "",
            None,
            None,
            "≤ 50 ms added",
            True,
        )
    )
    results.add(
        Figure("freshness", "first read after a write (median, recomputed)", median(first_reads), "ms", "", None, None)
    )
    approve, first = median(approvals), median(first_reads)
    log(f"  fresh reads {seen}/{2 * ROUNDS}; approve {approve:.1f} ms; first read after it {first:.1f} ms")
