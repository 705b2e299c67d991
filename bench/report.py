"""Figures beside their baselines, and the tables of docs/benchmarks.md."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Figure:
    scenario: str
    measure: str
    value: float
    unit: str
    baseline_name: str
    baseline: float | None
    ratio: float | None  # value ÷ baseline
    goal: str = ""
    met: bool | None = None


@dataclass
class Results:
    size: str
    machine: dict[str, Any] = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        return figure

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"size": self.size, "machine": self.machine, "figures": [asdict(f) for f in self.figures]}
        path.write_text(json.dumps(data | {"details": self.details}, indent=2, ensure_ascii=False, default=str))

    def table(self) -> str:
        lines = [
            "| scenario | measure | value | baseline | ratio | goal | met |",
            "|---|---|---:|---|---:|---|:-:|",
        ]
        for f in self.figures:
            base = f"{_num(f.baseline)} {f.unit} ({f.baseline_name})" if f.baseline is not None else f.baseline_name
            ratio = f"{f.ratio:.2f}" if f.ratio is not None else ""
            met = "" if f.met is None else ("yes" if f.met else "**no**")
            lines.append(
                f"| {f.scenario} | {f.measure} | {_num(f.value)} {f.unit} | {base} | {ratio} | {f.goal} | {met} |"
            )
        return "\n".join(lines)


def _num(x: float | None) -> str:
    if x is None:
        return ""
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:,.1f}" if abs(x) >= 10 else f"{x:,.2f}"


def ratio(value: float, baseline: float | None) -> float | None:
    return round(value / baseline, 3) if baseline else None


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def machine() -> dict[str, Any]:
    def cmd(*argv: str) -> str:
        try:
            return subprocess.run(argv, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = int(
        next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgresql": cmd("psql", "--version"),
        "wrk": cmd("wrk", "--version").splitlines()[0] if cmd("wrk", "--version") else "",
        "load_average_at_start": os.getloadavg(),
    }
