"""Change feed: a partner catching up from the start on the award changes (``GET /sync/changes``, pages
of 1,000, each cursor from the previous page), against a COPY TO of the same rows."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import httpx

from bench.generate import Dataset
from bench.report import Figure, Results, median, ratio
from bench.servers import Server

PAGE = 1000


async def _copy_to(url: str, n: int) -> float:
    conn = await asyncpg.connect(url)

    async def sink(chunk: bytes) -> None:
        return None

    try:
        started = time.perf_counter()
        await conn.copy_from_query(
            "SELECT seq, type, record_id, external_id, partner, op, unit_path, changed_at, data FROM changes "
            f"WHERE type = 'award' ORDER BY seq LIMIT {int(n)}",
            output=sink,
            format="csv",
        )
        return time.perf_counter() - started
    finally:
        await conn.close()


def _catch_up(service: Server, token: str, n: int) -> tuple[float, int, int]:
    seen = pages = 0
    cursor = "0"
    with httpx.Client(base_url=service.url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
        started = time.perf_counter()
        while seen < n:
            r = client.get("/api/v1/sync/changes", params={"since": cursor, "limit": PAGE, "types": "award"})
            r.raise_for_status()
            body = r.json()
            if not body["items"]:
                break
            seen += len(body["items"])
            cursor = body["next_cursor"]
            pages += 1
        return time.perf_counter() - started, seen, pages


def run(results: Results, ds: Dataset, service: Server, log: Any) -> None:
    n = ds.feed_changes
    copy_times, catch_up_times = [], []
    for _ in range(ds.size.repeats):
        copy_times.append(asyncio.run(_copy_to(ds.url, n)))
        seconds, seen, pages = _catch_up(service, ds.token, n)
        if seen < n:
            raise RuntimeError(f"the feed gave {seen} changes, {n} expected")
        catch_up_times.append(seconds)
    copy_rate, rate = n / median(copy_times), seen / median(catch_up_times)
    results.details["change feed"] = {"changes": n, "pages": pages, "copy_to_seconds": copy_times}
    results.details["change feed"]["catch_up_seconds"] = catch_up_times
    results.add(
        Figure(
            "change feed catch-up",
            f"{n:,} changes in pages of {PAGE}, changes/s",
            round(rate),
            "changes/s",
            "COPY TO of the same rows",
            round(copy_rate),
            ratio(rate, copy_rate),
            "≥ 20,000 changes/s",
            rate >= 20_000,
        )
    )
    log(f"  catch-up {rate:,.0f} changes/s ({median(catch_up_times):.1f} s, {pages} pages); COPY TO {copy_rate:,.0f}/s")
