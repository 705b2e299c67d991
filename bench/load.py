"""Load runs with wrk (Debian's package, installed here when missing) and their figures."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

SCRIPT = Path(__file__).parent / "wrk" / "report.lua"


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise RuntimeError("wrk is missing: sudo apt-get install wrk")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env, stdout=subprocess.DEVNULL)
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("could not install wrk")
    return found


@dataclass
class Run:
    url: str
    connections: int
    seconds: float
    requests: int
    rps: float
    mb_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def wrk(url: str, *, seconds: int, connections: int, headers: dict[str, str] | None = None, threads: int = 1) -> Run:
    argv = [ensure_wrk(), "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    argv += ["-s", str(SCRIPT), "--timeout", "30s"]
    for k, v in (headers or {}).items():
        argv += ["-H", f"{k}: {v}"]
    out = subprocess.run([*argv, url], check=True, capture_output=True, text=True, timeout=seconds + 120).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRK_JSON "))
    d = json.loads(line.removeprefix("WRK_JSON "))
    secs = d["duration_us"] / 1e6
    return Run(
        url=url,
        connections=connections,
        seconds=round(secs, 2),
        requests=d["requests"],
        rps=round(d["requests"] / secs, 1),
        mb_per_s=round(d["bytes"] / secs / 1e6, 2),
        p50_ms=d["p50_us"] / 1000,
        p95_ms=d["p95_us"] / 1000,
        p99_ms=d["p99_us"] / 1000,
        max_ms=d["max_us"] / 1000,
        errors=d["socket_errors"] + d["status_errors"],
    )
