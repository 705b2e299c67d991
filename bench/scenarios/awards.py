"""Awards: a province-year file imported (validated and committed, all or nothing) against a raw COPY of
the same rows, and a year's awards exported as CSV against a COPY TO of the same rows."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import datetime as dt
import subprocess
import time
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import httpx

from api.auth.principal import SYSTEM
from api.awards import export
from api.awards.imports import AWARD_COLUMNS, KINDS
from api.db.engine import make_engine
from bench.generate import Dataset
from bench.report import Figure, Results, median, ratio
from bench.scenarios import checkpoint
from bench.servers import Server


async def _resolved(ds: Dataset) -> list[tuple[Any, ...]]:
    """The file's rows as the awards table stores them (what a raw COPY needs), made before timing."""
    conn = await asyncpg.connect(ds.url)
    try:
        day = dt.date(ds.import_year, 12, 31)
        units = {
            r["code"]: (r["id"], r["path"])
            for r in await conn.fetch(
                "SELECT id, code, path FROM units WHERE (valid_from IS NULL OR valid_from <= $1) "
                "AND (valid_to IS NULL OR valid_to >= $1)",
                day,
            )
        }
        categories = {r["code"]: r["id"] for r in await conn.fetch("SELECT id, code FROM award_categories")}
    finally:
        await conn.close()
    now = dt.datetime.now(dt.UTC)
    out = []
    with ds.import_file.open(encoding="utf-8", newline="") as f:
        for n, r in enumerate(csv.DictReader(f)):
            text = r["awarded_on"]
            day = dt.date.fromisoformat(text) if "-" in text else dt.datetime.strptime(text, "%d/%m/%Y").date()
            unit_id, path = units[r["unit_code"]]
            out.append(
                (
                    *(-1 - n, unit_id, path, int(r["year"]), day, r["recipient_name"], KINDS[r["recipient_kind"]]),
                    *(r["school"], categories[r["category"]], int(r["amount_vnd"]), int(r["gift_value_vnd"] or 0)),
                    *(f"RAW-{r['external_id']}", "bench-raw", None, 1, now, now),
                )
            )
    return out


async def _raw_copy(url: str, records: list[tuple[Any, ...]]) -> float:
    """Seconds to COPY the rows into the awards table (all its indexes) in a transaction, rolled back."""
    conn = await asyncpg.connect(url)
    try:
        tr = conn.transaction()
        await tr.start()
        started = time.perf_counter()
        await conn.copy_records_to_table("awards", records=records, columns=AWARD_COLUMNS)
        elapsed = time.perf_counter() - started
        await tr.rollback()
        return elapsed
    finally:
        await conn.close()


async def _forget(url: str, job_id: int) -> None:
    """Remove an import's awards and their feed rows, so that the next run starts from the same data."""
    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            await conn.execute(
                "DELETE FROM changes WHERE type = 'award' "
                "AND record_id IN (SELECT id FROM awards WHERE import_job_id = $1)",
                job_id,
            )
            await conn.execute("DELETE FROM awards WHERE import_job_id = $1", job_id)
    finally:
        await conn.close()


async def _count(url: str, year: int) -> int:
    conn = await asyncpg.connect(url)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM awards WHERE year = $1", year))
    finally:
        await conn.close()


def run_import(results: Results, ds: Dataset, service: Server, log: Any) -> None:
    rows = ds.size.import_rows
    records = asyncio.run(_resolved(ds))
    data = ds.import_file.read_bytes()
    headers = {"Authorization": f"Bearer {ds.token}"}
    raw_times: list[float] = []
    import_times: list[float] = []
    peaks: list[int] = []
    with httpx.Client(base_url=service.url, headers=headers, timeout=600) as client:
        for _ in range(ds.size.repeats):
            asyncio.run(checkpoint(ds.url))
            raw_times.append(asyncio.run(_raw_copy(ds.url, records)))
            _clear_peaks(service)
            asyncio.run(checkpoint(ds.url))
            resident = service.memory()
            started = time.perf_counter()
            r = client.post(
                "/api/v1/awards/imports",
                # Every row written, as the raw COPY baseline writes them (the file has same-named recipients).
                params={"wait": "true", "duplicates": "import"},
                files={"file": (ds.import_file.name, data, "text/csv")},
            )
            import_times.append(time.perf_counter() - started)
            after = service.memory()
            peaks.append(max(after[p]["peak_kb"] - resident[p]["rss_kb"] for p in after))
            if r.status_code != 201 or r.json()["created_rows"] != rows:
                raise RuntimeError(f"import failed: {r.status_code} {r.text[:500]}")
            asyncio.run(_forget(ds.url, r.json()["id"]))
        # All or nothing: the same file with one bad cell in its last row writes nothing and names the cell.
        lines = data.decode().splitlines()
        bad = lines[-1].split(",")
        bad[5] = "hai nghìn"
        broken = ("\n".join([*lines[:-1], ",".join(bad)]) + "\n").encode()
        count_before = asyncio.run(_count(ds.url, ds.import_year))
        started = time.perf_counter()
        refused = client.post("/api/v1/awards/imports", params={"wait": "true"}, files={"file": ("x.csv", broken)})
        refused_seconds = time.perf_counter() - started
        errors = refused.json().get("errors", []) if refused.status_code == 422 else []
        cells = [(e["row"], str(e["column"]).split(" ")[0]) for e in errors]
        unchanged = asyncio.run(_count(ds.url, ds.import_year)) == count_before
        all_or_nothing = refused.status_code == 422 and cells == [(len(lines), "F")] and unchanged
    raw_rate = rows / median(raw_times)
    import_rate = rows / median(import_times)
    results.details["award import"] = {
        "rows": rows,
        "file_mb": round(len(data) / 1e6, 1),
        "raw_copy_seconds": raw_times,
        "import_seconds": import_times,
        "refused_file_seconds": round(refused_seconds, 2),
        "worker_peak_growth_kb": peaks,
        "refused_errors": errors[:3],
    }
    results.add(
        Figure(
            "award import (province-year CSV)",
            f"{rows:,} rows validated and committed, rows/s",
            round(import_rate),
            "rows/s",
            "raw COPY FROM of the same rows",
            round(raw_rate),
            ratio(import_rate, raw_rate),
            "≥ 0.40 × COPY",
            import_rate >= 0.4 * raw_rate,
        )
    )
    results.add(
        Figure(
            "award import (province-year CSV)",
            "a bad cell in the last row: nothing written, cell named",
            1.0 if all_or_nothing else 0.0,
            "",
            "",
            None,
            None,
            "all or nothing",
            all_or_nothing,
        )
    )
    results.add(
        Figure(
            "award import (province-year CSV)",
            "worker memory: growth while importing (peak over resident before)",
            round(max(peaks) / 1024, 1),
            "MB",
            "",
            None,
            None,
        )
    )
    log(f"  import {import_rate:,.0f} rows/s ({median(import_times):.2f} s); raw COPY {raw_rate:,.0f} rows/s")
    log(f"  worker memory grew by {max(peaks) / 1024:.0f} MB at most while importing")
    log(f"  refused file: {refused.status_code} in {refused_seconds:.2f} s, errors {cells[:3]}")


async def _copy_to(url: str, year: int) -> tuple[float, int]:
    """Seconds (and bytes) for the database to write the export's rows with COPY TO, formatted alike."""
    stmt = export._csv_select(export._select(SYSTEM, None, year, None, None))
    engine = make_engine(url.replace("postgresql://", "postgresql+asyncpg://"))
    compiled = stmt.compile(dialect=engine.dialect)
    await engine.dispose()
    args = [compiled.params[name] for name in compiled.positiontup or ()]
    conn = await asyncpg.connect(url)
    size = 0

    async def sink(chunk: bytes) -> None:
        nonlocal size
        size += len(chunk)

    try:
        started = time.perf_counter()
        await conn.copy_from_query(str(compiled), *args, output=sink, format="csv")
        return time.perf_counter() - started, size
    finally:
        await conn.close()


CURL = ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{size_download} %{time_total}"]


def _clear_peaks(service: Server) -> None:
    for pid in service.workers():
        with contextlib.suppress(OSError):
            Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM, the peak resident size


def run_export(results: Results, ds: Dataset, service: Server, log: Any) -> None:
    at_start = results.details.get("service_memory_idle") or service.memory()
    rest_mb = max(v["rss_kb"] for v in at_start.values()) / 1024
    url = f"{service.url}/api/v1/awards/export?year={ds.export_year}"
    copy_times: list[float] = []
    export_times: list[float] = []
    peaks: list[int] = []
    idle = service.memory()
    size = 0
    for _ in range(ds.size.repeats):
        seconds, size = asyncio.run(_copy_to(ds.url, ds.export_year))
        copy_times.append(seconds)
        _clear_peaks(service)
        before = service.memory()
        out = subprocess.run(
            [*CURL, "-H", f"Authorization: Bearer {ds.token}", url],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        if out[0] != "200":
            raise RuntimeError(f"export failed: {out}")
        export_times.append(float(out[2]))
        after = service.memory()
        peaks.append(max(after[p]["peak_kb"] - before[p]["rss_kb"] for p in after))
        peak_abs = max(a["peak_kb"] for a in after.values())
        uss_after = max(a["uss_kb"] for a in after.values())
    rows = ds.export_rows
    copy_rate, export_rate = rows / median(copy_times), rows / median(export_times)
    results.details["award export"] = {
        "rows": rows,
        "copy_bytes": size,
        "downloaded_bytes": int(out[1]),
        "copy_to_seconds": copy_times,
        "export_seconds": export_times,
        "worker_memory_idle_kb": idle,
        "worker_peak_growth_kb": peaks,
        "worker_peak_kb": peak_abs,
        "worker_unique_after_kb": uss_after,
    }
    results.add(
        Figure(
            "award export (CSV, streamed)",
            f"{rows:,} rows, rows/s",
            round(export_rate),
            "rows/s",
            "COPY TO of the same rows",
            round(copy_rate),
            ratio(export_rate, copy_rate),
            "≥ 0.50 × COPY TO",
            export_rate >= 0.5 * copy_rate,
        )
    )
    results.add(
        Figure(
            "award export (CSV, streamed)",
            "worker memory: growth during the export (peak over resident before)",
            round(max(peaks) / 1024, 1),
            "MB",
            f"a worker at start (before any request): {rest_mb:.0f} MB resident; during the export, peak",
            round(peak_abs / 1024, 1),
            None,
            "service peak < 100 MB",
            peak_abs / 1024 < 100,
        )
    )
    results.add(
        Figure(
            "award export (CSV, streamed)",
            "worker memory after the export: its own pages (USS, without the libraries shared with the others)",
            round(uss_after / 1024, 1),
            "MB",
            "",
            None,
            None,
        )
    )
    log(
        f"  export {export_rate:,.0f} rows/s ({median(export_times):.2f} s, {int(out[1]) / 1e6:.0f} MB); "
        f"COPY TO {copy_rate:,.0f} rows/s; worker peak {peak_abs / 1024:.0f} MB (+{max(peaks) / 1024:.1f} MB)"
    )
