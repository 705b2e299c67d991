"""Dashboard: the overview page, interactive in < 2 s, in the browser tests' Chromium.

bench/dashboard/overview.mjs drives Debian's Chromium (playwright-core from frontend/node_modules,
headless) against the service serving the built dashboard, signed in as the data set's national admin
(its token in the dashboard's session storage), and times each load with the page's own clock, from
navigation start to the frame that draws the overview's figures and its trend chart (the coverage
line, the highlight cards and the chart's line: they exist only once /stats/highlights and
/stats/series have answered). It also reads the browser's navigation and paint timing (domInteractive,
loadEventEnd, LCP) and the API requests made before that frame (resource timing).

- cold: a fresh browser context each time (no HTTP cache, no session state), the statistics answers
  kept by every worker as after a few earlier visitors (two loads before, not counted, then their API
  requests sent again 8 at a time, so that each worker has answered them): the figure compared with
  the goal;
- fresh: the same, every request with ``Cache-Control: no-cache``, so every statistics answer is
  computed afresh (the first visitor after an approval);
- warm: reloads in one context (assets from the HTTP cache, API answers revalidated: 304);
- baseline: the static shell, the sign-in page with no session (index.html and the assets, no API
  request) until its form is drawn, timed the same way, taken alternately with the cold loads.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from api.core.config import PROJECT_ROOT
from bench.generate import Dataset
from bench.report import Figure, Results, median, ratio
from bench.servers import Server

FRONTEND = PROJECT_ROOT / "frontend"
DIST = FRONTEND / "dist"
SCRIPT = Path(__file__).resolve().parent.parent / "dashboard" / "overview.mjs"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
GOAL_SECONDS = 2.0
# Loads per kind: (not counted, cold, computed afresh, warm reloads); the quick size stays within ~30 s.
RUNS = {"national": (2, 5, 3, 5), "quick": (2, 5, 1, 3)}
SCENARIO = "dashboard overview, whole country (national admin)"


def missing() -> str | None:
    """What the scenario lacks to run on this machine, if anything."""
    if shutil.which("node") is None:
        return "node is not installed (Node 20+)"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing: run `make browser` (or set CHROMIUM_PATH)"
    if not (DIST / "index.html").is_file() and shutil.which("npm") is None:
        return "frontend/dist is not built and npm is not installed"
    return None


def ensure_dist(log: Any) -> Path:
    """The built dashboard, built first when frontend/dist is missing (as `make frontend` does)."""
    if not (DIST / "index.html").is_file():
        if not (FRONTEND / "node_modules").is_dir():
            log("  installing the dashboard's packages (npm ci)")
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=FRONTEND, check=True)
        log("  building the dashboard (npm run build)")
        subprocess.run(["npm", "run", "build"], cwd=FRONTEND, check=True, stdout=subprocess.DEVNULL)
    return DIST


def _drive(service: Server, ds: Dataset) -> dict[str, Any]:
    if not (FRONTEND / "node_modules" / "playwright-core").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=FRONTEND, check=True)
    prime, cold, fresh, warm = RUNS.get(ds.size.name, RUNS["national"])
    argv = ["node", str(SCRIPT), "--base", service.url + "/", "--prime", str(prime), "--cold", str(cold)]
    argv += ["--fresh", str(fresh), "--warm", str(warm)]
    # The token in the environment, not on a command line other users can read.
    env = {**os.environ, "KH_BENCH_TOKEN": ds.token, "CHROMIUM_PATH": CHROMIUM}
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=900, cwd=PROJECT_ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"{SCRIPT.name} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    out: dict[str, Any] = json.loads(done.stdout)
    return out


def _values(runs: list[dict[str, Any]], key: str) -> list[float]:
    return [float(r[key]) for r in runs if r.get(key) is not None]


def _requests(runs: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per API request of the page (by path, without the query's dates), median start, duration and wait."""
    by: dict[str, dict[str, list[float]]] = {}
    for r in runs:
        for a in r["api"]:
            if a["end"] > r["ready"]:
                continue
            path, _, query = a["path"].partition("?")
            words = [p for p in query.split("&") if p.split("=")[0] in ("indicator", "year", "unit", "breakdown")]
            name = path.removeprefix("/api/v1") + (f"?{'&'.join(words)}" if words else "")
            entry = by.setdefault(name, {"start": [], "duration": [], "waiting": []})
            for k in entry:
                if a.get(k) is not None:
                    entry[k].append(float(a[k]))
    return {name: {k: round(median(v), 1) for k, v in e.items() if v} for name, e in by.items()}


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    ready = [v / 1000 for v in _values(runs, "ready")]
    return {
        "ready_s": ready,
        "median_s": round(median(ready), 3),
        "max_s": round(max(ready), 3),
        "api_requests": [r["apiRequests"] for r in runs],
        "api_total_ms": _values(runs, "apiTotalMs"),
        "requests": _requests(runs),
        **{
            f"{k}_ms": _values(runs, k)
            for k in ("firstContentfulPaint", "lcp", "domInteractive", "domContentLoaded", "loadEventEnd")
        },
    }


def _med_max(values: list[float]) -> tuple[float, float]:
    return round(median(values), 1), round(max(values), 1)


def run(results: Results, ds: Dataset, service: Server, log: Any) -> None:
    out = _drive(service, ds)
    kinds = {k: _summary(out[k]) for k in ("prime", "shell", "cold", "fresh", "warm") if out.get(k)}
    results.details["dashboard"] = {"browser": out.get("browser"), "summary": kinds, "runs": out}
    cold, shell = kinds["cold"], kinds["shell"]
    n_cold, n_shell = len(cold["ready_s"]), len(shell["ready_s"])
    shell_label = f"static shell: sign-in page, no API, form drawn, median of {n_shell}"
    add = results.add
    add(
        Figure(
            SCENARIO,
            f"interactive (figures and chart drawn), cold load (fresh browser context), median of {n_cold}",
            cold["median_s"],
            "s",
            shell_label,
            shell["median_s"],
            ratio(cold["median_s"], shell["median_s"]),
            "< 2 s",
            cold["median_s"] < GOAL_SECONDS,
        )
    )
    add(
        Figure(
            SCENARIO,
            f"interactive, cold load, max of {n_cold}",
            cold["max_s"],
            "s",
            f"static shell, max of {n_shell}",
            shell["max_s"],
            ratio(cold["max_s"], shell["max_s"]),
        )
    )
    for key, label in (
        ("lcp_ms", "largest contentful paint"),
        ("domInteractive_ms", "domInteractive"),
        ("loadEventEnd_ms", "loadEventEnd"),
    ):
        med, top = _med_max(cold[key])
        base = _med_max(shell[key])[0] if shell[key] else None
        add(
            Figure(
                SCENARIO,
                f"cold load, browser's {label}, median (max {top:,.0f} ms)",
                med,
                "ms",
                "static shell, median" if base is not None else "",
                base,
                ratio(med, base) if base is not None else None,
            )
        )
    least, most = min(cold["api_requests"]), max(cold["api_requests"])
    requests = str(most) if least == most else f"{least}–{most}"
    med, top = _med_max(cold["api_total_ms"])
    add(
        Figure(
            SCENARIO,
            f"cold load, API requests before interactive: {requests}, sum of their times, median (max {top:,.0f} ms)",
            med,
            "ms",
            "",
            None,
            None,
        )
    )
    for kind, label in (
        ("fresh", "cold load, every statistics answer computed afresh (Cache-Control: no-cache)"),
        ("warm", "warm reload (assets cached, API answers revalidated)"),
    ):
        if kind not in kinds:
            continue
        k = kinds[kind]
        n = len(k["ready_s"])
        api_med, api_top = _med_max(k["api_total_ms"])
        add(
            Figure(
                SCENARIO,
                f"interactive, {label}, median of {n} (max {k['max_s']:.2f} s; sum of the API requests' times "
                f"{api_med:,.0f} ms, max {api_top:,.0f} ms)",
                k["median_s"],
                "s",
                "",
                None,
                None,
            )
        )
    log(
        f"  interactive: cold {cold['median_s']:.2f} s (max {cold['max_s']:.2f}), "
        + ", ".join(f"{k} {kinds[k]['median_s']:.2f} s" for k in ("fresh", "warm") if k in kinds)
        + f"; static shell {shell['median_s']:.2f} s"
    )
    for kind in ("cold", "fresh"):
        if kind in kinds:
            log(f"  {kind}, API requests (medians: sent at, took, first byte after):")
            for name, r in sorted(kinds[kind]["requests"].items(), key=lambda i: i[1].get("start", 0)):
                start, took, first = (r.get(k, 0) for k in ("start", "duration", "waiting"))
                log(f"    {name}: {start:,.0f} ms, {took:,.0f} ms, {first:,.0f} ms")
