"""First load on a slow link: the dashboard in Chromium with the network emulated (issue 15).

bench/dashboard/first_load.mjs loads the sign-in page and the overview (signed in, the national
admin's whole country) in fresh browser contexts (cold HTTP cache) under two network profiles set
through the DevTools protocol: Chrome's "Slow 4G" (1.6 Mbps down, 150 ms) and a weak rural link
(400 kbps, 400 ms). It records first contentful paint (the placeholder of index.html counts), the
moment the sign-in form works, the moments the overview's figures and its chart are drawn, and the
bytes received. Each figure stands beside the sign-in page's load, the static shell, measured in the
same run under the same profile.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from api.core.config import PROJECT_ROOT
from bench.generate import Dataset
from bench.report import Figure, Results, median, ratio
from bench.scenarios.dashboard import CHROMIUM, FRONTEND
from bench.servers import Server

SCRIPT = Path(__file__).resolve().parent.parent / "dashboard" / "first_load.mjs"
RUNS = {"national": 5, "quick": 1}
SCENARIO = "first load, cold cache"
# profile: (label, goal for the figures drawn, goal for the first paint), seconds.
GOALS = {
    "slow4g": ("Slow 4G (1.6 Mbps, 150 ms)", 3.0, 1.5),
    "rural": ("400 kbps, 400 ms", 10.0, 3.0),
}
SIGN_IN_SCRIPT_BUDGET = 150 * 1024


def drive(base_url: str, token: str, runs: int, unit: str = "null") -> dict[str, Any]:
    """Run the browser script; its JSON (per profile and page, one entry per load)."""
    argv = ["node", str(SCRIPT), "--base", base_url, "--runs", str(runs), "--unit", unit]
    env = {**os.environ, "KH_BENCH_TOKEN": token, "CHROMIUM_PATH": CHROMIUM}
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=1800, cwd=PROJECT_ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"{SCRIPT.name} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    out: dict[str, Any] = json.loads(done.stdout)
    return out


def _med(runs: list[dict[str, Any]], key: str) -> float:
    return median([float(r[key]) for r in runs if r.get(key) is not None])


def add_figures(results: Results, out: dict[str, Any]) -> None:
    """One row per measure and profile, beside the sign-in page (the static shell) of the same profile."""
    for profile, (label, figures_goal, paint_goal) in GOALS.items():
        signin, overview = out["runs"][f"{profile}/signin"], out["runs"][f"{profile}/overview"]
        n = len(overview)
        shell = _med(signin, "signin") / 1000
        scenario = f"{SCENARIO}, {label}"
        rows = [
            ("first contentful paint (placeholder or page)", _med(overview, "fcp") / 1000, f"≤ {paint_goal:g} s"),
            ("overview's figures drawn", _med(overview, "figures") / 1000, f"≤ {figures_goal:g} s"),
            ("overview's trend chart drawn", _med(overview, "chart") / 1000, ""),
        ]
        for measure, value, goal in rows:
            limit = paint_goal if "paint" in measure else figures_goal
            met = value <= limit if goal else None
            results.add(
                Figure(
                    scenario,
                    f"{measure}, median of {n}",
                    round(value, 2),
                    "s",
                    "sign-in form working",
                    round(shell, 2),
                    ratio(value, shell),
                    goal,
                    met,
                )
            )
        results.add(
            Figure(
                scenario,
                f"bytes received for the overview (chart included), median of {n}",
                round(_med(overview, "bytes") / 1024, 1),
                "KiB",
                "sign-in page",
                round(_med(signin, "bytes") / 1024, 1),
                ratio(_med(overview, "bytes"), _med(signin, "bytes")),
            )
        )
    script = _med(out["runs"]["slow4g/signin"], "scriptBytes")
    results.add(
        Figure(
            SCENARIO,
            "JavaScript received before the sign-in form works (compressed, headers included)",
            round(script / 1024, 1),
            "KiB",
            "",
            None,
            None,
            "≤ 150 KB",
            script <= SIGN_IN_SCRIPT_BUDGET,
        )
    )


def run(results: Results, ds: Dataset, service: Server, log: Any) -> None:
    if not (FRONTEND / "node_modules" / "playwright-core").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=FRONTEND, check=True)
    out = drive(service.url + "/", ds.token, RUNS.get(ds.size.name, RUNS["national"]))
    results.details["first_load"] = out
    add_figures(results, out)
    for profile, (label, _, _) in GOALS.items():
        o = out["runs"][f"{profile}/overview"]
        log(
            f"  {label}: FCP {_med(o, 'fcp'):,.0f} ms, figures {_med(o, 'figures'):,.0f} ms, "
            f"chart {_med(o, 'chart'):,.0f} ms, {_med(o, 'bytes') / 1024:,.0f} KiB"
        )


def main() -> None:
    """Against a running service: `KH_BENCH_TOKEN=… python -m bench.scenarios.first_load URL [RUNS] [UNIT]`."""
    import sys

    base, runs = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3
    unit = sys.argv[3] if len(sys.argv) > 3 else "null"
    results = Results(size="first-load")
    out = drive(base.rstrip("/") + "/", os.environ["KH_BENCH_TOKEN"], runs, unit)
    add_figures(results, out)
    print(json.dumps(out["runs"]))
    print(results.table())


if __name__ == "__main__":
    main()
