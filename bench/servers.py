"""Starting and stopping the servers under test, each in its own process group (stopped by its id)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from api.core.config import PROJECT_ROOT

VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        """Process ids of the worker processes (uvicorn's children; the process itself with one worker)."""
        pids = _children(self.process.pid)
        return pids or [self.process.pid]

    def memory(self) -> dict[int, dict[str, int]]:
        """Resident, peak resident, unique and proportional memory (kB) of each worker, from /proc."""
        out = {}
        for pid in self.workers():
            status = Path(f"/proc/{pid}/status").read_text().splitlines()
            fields = {line.split(":")[0]: line.split()[1] for line in status if line.startswith(("VmRSS", "VmHWM"))}
            out[pid] = {"rss_kb": int(fields.get("VmRSS", 0)), "peak_kb": int(fields.get("VmHWM", 0))}
            # Unique to the worker (its own pages, not the libraries it shares with the others) and its share.
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
            sizes = {line.split(":")[0]: int(line.split()[1]) for line in rollup[1:] if line.endswith("kB")}
            out[pid]["uss_kb"] = sizes.get("Private_Clean", 0) + sizes.get("Private_Dirty", 0)
            out[pid]["pss_kb"] = sizes.get("Pss", 0)
        return out


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found += [int(c) for c in children]
    # uvicorn's multiprocess supervisor may start a helper (multiprocessing resource tracker): keep workers only
    return [
        c for c in found if "resource_tracker" not in Path(f"/proc/{c}/cmdline").read_bytes().decode(errors="replace")
    ]


@contextmanager
def serve(
    name: str, argv: list[str], env: dict[str, str], port: int, ready_path: str, log_dir: Path, cwd: Path = PROJECT_ROOT
) -> Iterator[Server]:
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            start_new_session=True,
        )
    server = Server(name, process, port, log)
    try:
        _wait_ready(server, ready_path)
        yield server
    finally:
        _stop(process)


def _wait_ready(server: Server, path: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited: see {server.log}")
        try:
            if httpx.get(server.url + path, timeout=2).status_code < 500:
                time.sleep(0.5)  # let every worker finish starting
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} did not answer within {timeout} s: see {server.log}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)  # the group this harness started, by its id
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def service_env(url: str) -> dict[str, str]:
    return {
        "KH_DATABASE_URL": url,
        "KH_LOG_LEVEL": "WARNING",
        "KH_FRONTEND_DIST": "/nonexistent-dashboard",
        "KH_MAX_UPLOAD_BYTES": str(64 * 1024 * 1024),  # a province-year award file is ~26 MB
        "KH_REQUEST_TIMEOUT_SECONDS": "300",
        "KH_DATABASE_STATEMENT_TIMEOUT_SECONDS": "300",
        "KH_PUBLIC_RATE_PER_MINUTE": "0",  # the public scenario loads from one address (a proxy's cache would too)
    }


@contextmanager
def khuyenhoc(
    url: str, workers: int, log_dir: Path, code: Path | None = None, dashboard: Path | None = None
) -> Iterator[Server]:
    """The service as production runs it: ``khuyenhoc serve --workers N``; ``code``: another copy of the
    project (its ``api`` package) to measure instead of this one, e.g. an earlier commit's; ``dashboard``:
    the built dashboard to serve at / (frontend/dist), none by default."""
    port = free_port()
    argv = [str(VENV_BIN / "khuyenhoc"), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    env = service_env(url) | ({"PYTHONPATH": str(code)} if code else {})
    if dashboard is not None:
        env["KH_FRONTEND_DIST"] = str(dashboard)
    # From the copy's directory: ``khuyenhoc serve`` execs ``python -m api.ops.serving``, and ``-m`` puts the
    # working directory first on sys.path, ahead of PYTHONPATH: from the project it would serve its own api.
    with serve("khuyenhoc", argv, env, port, "/api/v1/health", log_dir, cwd=code or PROJECT_ROOT) as server:
        yield server


@contextmanager
def uvicorn_app(name: str, app: str, url: str, workers: int, log_dir: Path) -> Iterator[Server]:
    """A baseline app (bench/bare.py, bench/authed.py) under uvicorn with the options ``khuyenhoc serve`` uses."""
    port = free_port()
    argv = [str(VENV_BIN / "uvicorn"), app, "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    argv += ["--no-access-log", "--proxy-headers", "--timeout-keep-alive", "5"]
    with serve(name, argv, service_env(url), port, "/bare" if name == "bare" else "/api/v1/health", log_dir) as server:
        yield server
