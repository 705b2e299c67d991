"""Run the benchmarks: ``python -m bench.run --size national|quick``.

Generates (or reuses) the data set, starts the service with several workers and the baseline apps,
runs every scenario, prints the table of figures beside their baselines and writes it with the
details to var/bench/results-SIZE.json (and .md). No figure is asserted: the exit status is 0 when
every scenario ran, whatever the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import make_url

from bench import embedded, generate, servers, webhooks
from bench.config import ADMIN_URL, SIZES, Size
from bench.load import ensure_wrk
from bench.report import Results, machine
from bench.scenarios import awards, dashboard, feed, first_load, freshness, recognition, stats

SCENARIOS = (
    "embedded",
    "stats",
    "dashboard",
    "first-load",
    "freshness",
    "import",
    "export",
    "feed",
    "recognition-import",
    "webhooks",
)


def log(message: str) -> None:
    print(message, flush=True)


async def _postgres_answers() -> bool:
    try:
        conn = await asyncpg.connect(ADMIN_URL, timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await conn.close()
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmarks at national scale (docs/benchmarks.md).")
    parser.add_argument("--size", choices=sorted(SIZES), default="quick")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("KH_BENCH_WORKERS", os.cpu_count() or 2)))
    parser.add_argument("--fresh", action="store_true", help="Regenerate the data set even if it matches.")
    parser.add_argument("--only", action="append", choices=SCENARIOS, help="Run only these scenarios (repeatable).")
    parser.add_argument(
        "--service-code",
        type=Path,
        help="Serve the api package of another copy of the project (e.g. `git archive` of an earlier commit).",
    )
    parser.add_argument(
        "--webhook-backlog",
        type=int,
        help="Changes in the webhooks scenario's backlog (default: 300 quick, 20,000 national).",
    )
    args = parser.parse_args(argv)
    if set(args.only or ()) == {"embedded"}:  # SQLite only: no PostgreSQL needed
        return _embedded_only(SIZES[args.size], args.service_code)
    if set(args.only or ()) == {"webhooks"}:  # its own small database: no data set, no service
        if not asyncio.run(_postgres_answers()):
            log(f"SKIPPED: the webhooks scenario needs PostgreSQL at {make_url(ADMIN_URL).render_as_string()}")
            return 1 if os.environ.get("CI") == "true" else 0
        return _webhooks_only(SIZES[args.size], args.webhook_backlog)
    if not asyncio.run(_postgres_answers()):
        where = make_url(ADMIN_URL).render_as_string(hide_password=True)
        line = "#" * 72
        log(f"{line}\n#  SKIPPED: the benchmarks need PostgreSQL; nothing answers at {where}")
        log(f"#  (set KH_BENCH_POSTGRES_URL).\n{line}")
        return 1 if os.environ.get("CI") == "true" else 0
    size = SIZES[args.size]
    wanted = set(args.only or SCENARIOS)
    started = time.monotonic()
    dist: Path | None = None
    if wanted & {"dashboard", "first-load"}:
        # The overview in Chromium: the service serves the built dashboard (built now if missing).
        problem = dashboard.missing()
        if problem:
            line = "#" * 72
            log(f"{line}\n#  SKIPPED: the dashboard scenario: {problem}\n{line}")
            if os.environ.get("CI") == "true":
                return 1
            wanted -= {"dashboard", "first-load"}
        else:
            dist = dashboard.ensure_dist(log)
    ensure_wrk()
    log(f"== {size.name} benchmark, {args.workers} workers, {dt.datetime.now().isoformat(timespec='seconds')}")
    ds = asyncio.run(generate.ensure(size, fresh=args.fresh, log=log))
    results = Results(size=size.name, machine=machine() | {"workers": args.workers})
    results.details["dataset"] = {
        "generated_seconds": ds.generated_seconds,
        "years": size.years,
        "awards": size.awards_per_year * len(size.years),
        "ledger_rows": size.ledger_rows,
        "feed_changes": size.feed_changes,
        "import_rows": size.import_rows,
    }
    if "embedded" in wanted:
        log("-- embedded")
        embedded.run(results, size, log, args.service_code)
    logs = generate.WORK_DIR / "logs"
    with ExitStack() as stack:
        service = stack.enter_context(servers.khuyenhoc(ds.url, args.workers, logs, args.service_code, dist))
        results.details["service_memory_idle"] = service.memory()

        def step(name: str, work: Callable[[], Any]) -> None:
            if name not in wanted:
                return
            log(f"-- {name}")
            t = time.monotonic()
            work()
            log(f"   ({time.monotonic() - t:.0f} s)")

        if "stats" in wanted:
            bare = stack.enter_context(servers.uvicorn_app("bare", "bench.bare:app", ds.url, args.workers, logs))
            authed = stack.enter_context(servers.uvicorn_app("authed", "bench.authed:app", ds.url, args.workers, logs))
            unpinged = stack.enter_context(
                servers.uvicorn_app("authed-no-ping", "bench.authed:app_without_ping", ds.url, args.workers, logs)
            )
            step("stats", lambda: stats.uncached(results, ds, service, log))
            step("stats", lambda: stats.repeated(results, ds, service, bare, (authed, unpinged), log))
        step("dashboard", lambda: dashboard.run(results, ds, service, log))
        step("first-load", lambda: first_load.run(results, ds, service, log))
        step("freshness", lambda: freshness.run(results, ds, service, log))
        # The export before the import: a worker keeps the memory an import of 225,000 rows took (~400 MB),
        # which would hide what the export itself needs.
        step("export", lambda: awards.run_export(results, ds, service, log))
        step("import", lambda: awards.run_import(results, ds, service, log))
        step("feed", lambda: feed.run(results, ds, service, log))
        step("recognition-import", lambda: recognition.run(results, ds, service, log))
        # Its own small database and `khuyenhoc webhooks run` processes (bench/webhooks.py); the service idles.
        step(
            "webhooks",
            lambda: webhooks.run(results, log, size=size.name, work=generate.WORK_DIR, backlog=args.webhook_backlog),
        )
    results.details["total_seconds"] = round(time.monotonic() - started, 1)
    suffix = f"-{args.service_code.name}" if args.service_code else ""
    out = generate.WORK_DIR / f"results-{size.name}{suffix}.json"
    results.save(out)
    table = results.table()
    out.with_suffix(".md").write_text(table + "\n")
    log("\n" + table)
    log(f"\n{out} ({results.details['total_seconds']} s)")
    return 0


def _embedded_only(size: Size, code: Path | None) -> int:
    """``--only embedded``: the SQLite scenario alone (bench/embedded.py), results in results-SIZE-embedded."""
    ensure_wrk()
    log(f"== {size.name} benchmark, embedded only, {dt.datetime.now().isoformat(timespec='seconds')}")
    results = Results(size=size.name, machine=machine() | {"workers": 1})
    embedded.run(results, size, log, code)
    suffix = f"-{code.name}" if code else ""
    return _save(results, generate.WORK_DIR / f"results-{size.name}-embedded{suffix}.json")


def _webhooks_only(size: Size, backlog: int | None) -> int:
    """``--only webhooks``: the webhooks scenario alone (bench/webhooks.py makes its own database of units and
    its backlog, so the size's data set is not needed), results in results-SIZE-webhooks."""
    log(f"== {size.name} benchmark, webhooks only, {dt.datetime.now().isoformat(timespec='seconds')}")
    results = Results(size=size.name, machine=machine() | {"workers": 1})
    webhooks.run(results, log, size=size.name, work=generate.WORK_DIR, backlog=backlog)
    return _save(results, generate.WORK_DIR / f"results-{size.name}-webhooks.json")


def _save(results: Results, out: Path) -> int:
    """A one-scenario run's figures: the JSON, its table beside it (.md), the table printed."""
    results.save(out)
    table = results.table()
    out.with_suffix(".md").write_text(table + "\n")
    log("\n" + table + f"\n\n{out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
