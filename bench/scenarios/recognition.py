"""Recognition (issue 16): a sheet of scored citizens of one commune imported (checked and committed, all or
nothing) against a raw COPY of the same rows into the registrations table (all its indexes), rolled back.

Goal: >= 0.30 x COPY for 100,000 citizens (``--size national``), worker memory growth < 200 MB."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
import uuid
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import httpx

from bench.generate import Dataset
from bench.report import Figure, Results, median, ratio
from bench.scenarios import checkpoint
from bench.scenarios.awards import _clear_peaks
from bench.servers import Server

WARD, YEAR = "12442", 2024  # a commune of old Thái Bình on the 2024 map (the file's units are of its year)
TITLE, GROUP = "cong_dan", "nong_dan"
INDICES = ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3"]
ROWS = {"national": 100_000, "quick": 5_000}


def _sheet(rows: int) -> bytes:
    """The scored sheet as a village volunteer fills the template: one citizen a row, ten indices each."""
    lines = ["unit_code,village,name,external_id," + ",".join(INDICES)]
    lines += [
        f"{WARD},Thôn {i % 9 + 1},Nguyễn Văn Dân {i},,{','.join(str(6 + (i + k) % 5) for k in range(10))}"
        for i in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


async def _resolved(url: str, rows: int, scorer_id: int) -> list[tuple[Any, ...]]:
    """The sheet's rows as the registrations table stores them (what a raw COPY needs), made before timing."""
    conn = await asyncpg.connect(url)
    try:
        unit = await conn.fetchrow(
            "SELECT id, path FROM units WHERE code = $1 AND (valid_from IS NULL OR valid_from <= $2) "
            "AND (valid_to IS NULL OR valid_to >= $2)",
            WARD,
            dt.date(YEAR, 12, 31),
        )
    finally:
        await conn.close()
    now = dt.datetime.now(dt.UTC)
    out = []
    for i in range(rows):
        scores = {code: 6 + (i + k) % 5 for k, code in enumerate(INDICES)}
        total = sum(scores.values())
        out.append(
            (
                *(-1 - i, unit["id"], unit["path"], None, None, TITLE, GROUP, YEAR, f"Nguyễn Văn Dân {i}"),
                *(f"Thôn {i % 9 + 1}", "scored", 1, json.dumps(scores), total, total >= 80, "user", scorer_id),
                *(unit["path"], now.date(), False, 1, now, now),
            )
        )
    return out


COLUMNS = [
    "id",
    "unit_id",
    "unit_path",
    "partner",
    "external_id",
    "title",
    "target_group",
    "year",
    "name",
    "village",
    "status",
    "criteria_version",
    "scores",
    "total",
    "passed",
    "scored_by_kind",
    "scored_by_id",
    "scored_by_unit_path",
    "scored_on",
    "erased",
    "version",
    "created_at",
    "updated_at",
]


async def _raw_copy(url: str, records: list[tuple[Any, ...]]) -> float:
    conn = await asyncpg.connect(url)
    try:
        tr = conn.transaction()
        await tr.start()
        started = time.perf_counter()
        await conn.copy_records_to_table("recognition_registrations", records=records, columns=COLUMNS)
        elapsed = time.perf_counter() - started
        await tr.rollback()
        return elapsed
    finally:
        await conn.close()


async def _forget(url: str) -> None:
    """Remove the imported registrations and their feed rows (the audit trail is append-only), so that each
    repetition starts from the same data."""
    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            # The ids first, then deletes by id through the indexes: one statement with the join as a subquery
            # took a plan that ran 11 minutes over the national feed (a prepared statement's generic plan).
            ids = [
                r["id"]
                for r in await conn.fetch(
                    "SELECT r.id FROM recognition_registrations r JOIN units u ON u.id = r.unit_id "
                    "WHERE u.code = $1 AND r.year = $2 AND r.title = $3",
                    WARD,
                    YEAR,
                    TITLE,
                )
            ]
            await conn.execute(
                "DELETE FROM changes WHERE type = 'recognition_registration' AND record_id = ANY($1::bigint[])", ids
            )
            await conn.execute("DELETE FROM recognition_registrations WHERE id = ANY($1::bigint[])", ids)
    finally:
        await conn.close()


def _scorer(client: httpx.Client) -> tuple[dict[str, str], int]:
    """A commune editor (who scores; a national admin may not), made through the API, and its bearer header."""
    name, password = f"bench-scorer-{uuid.uuid4().hex[:8]}", "bench-recognition-password-1"
    body = {
        "username": name,
        "password": password,
        "display_name": "Người chấm (benchmark)",
        "role": "editor",
        "unit_code": WARD,
        "unit_as_of": f"{YEAR}-12-31",
    }
    r = client.post("/api/v1/users", json=body)
    if r.status_code != 201:
        raise RuntimeError(f"scorer not made: {r.status_code} {r.text[:300]}")
    token = client.post("/api/v1/auth/token", data={"username": name, "password": password}).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}, int(r.json()["id"])


def run(results: Results, ds: Dataset, service: Server, log: Any) -> None:
    rows = ROWS.get(ds.size.name, 5_000)
    data = _sheet(rows)
    raw_times: list[float] = []
    import_times: list[float] = []
    peaks: list[int] = []
    params: dict[str, str | int] = {"title": TITLE, "target_group": GROUP, "year": YEAR}
    admin = {"Authorization": f"Bearer {ds.token}"}
    with httpx.Client(base_url=service.url, headers=admin, timeout=900) as client:
        headers, scorer_id = _scorer(client)
        records = asyncio.run(_resolved(ds.url, rows, scorer_id))
        asyncio.run(_forget(ds.url))
        for _ in range(ds.size.repeats):
            asyncio.run(checkpoint(ds.url))
            raw_times.append(asyncio.run(_raw_copy(ds.url, records)))
            _clear_peaks(service)
            asyncio.run(checkpoint(ds.url))
            resident = service.memory()
            started = time.perf_counter()
            r = client.post(
                "/api/v1/recognition/imports", params=params, files={"file": ("cham.csv", data)}, headers=headers
            )
            import_times.append(time.perf_counter() - started)
            after = service.memory()
            peaks.append(max(after[p]["peak_kb"] - resident[p]["rss_kb"] for p in after))
            if r.status_code != 200 or r.json()["created_rows"] != rows:
                raise RuntimeError(f"recognition import failed: {r.status_code} {r.text[:500]}")
            asyncio.run(_forget(ds.url))
    raw_rate, import_rate = rows / median(raw_times), rows / median(import_times)
    results.details["recognition import"] = {
        "rows": rows,
        "file_mb": round(len(data) / 1e6, 1),
        "raw_copy_seconds": raw_times,
        "import_seconds": import_times,
        "worker_peak_growth_kb": peaks,
    }
    results.add(
        Figure(
            "recognition import (scored citizens, CSV)",
            f"{rows:,} rows checked, scored and committed, rows/s",
            round(import_rate),
            "rows/s",
            "raw COPY FROM of the same rows",
            round(raw_rate),
            ratio(import_rate, raw_rate),
            "≥ 0.30 × COPY",
            import_rate >= 0.3 * raw_rate,
        )
    )
    results.add(
        Figure(
            "recognition import (scored citizens, CSV)",
            "worker memory: growth while importing (peak over resident before)",
            round(max(peaks) / 1024, 1),
            "MB",
            "",
            None,
            None,
            "< 200 MB",
            max(peaks) / 1024 < 200,
        )
    )
    log(
        f"  recognition import {import_rate:,.0f} rows/s ({median(import_times):.2f} s); "
        f"raw COPY {raw_rate:,.0f} rows/s"
    )
    log(f"  worker memory grew by {max(peaks) / 1024:.0f} MB at most while importing")
