"""Operations tests: real ``khuyenhoc`` processes on free loopback ports, and their databases.

``sqlite_only`` marks the few tests that run once, in the SQLite half (the schemathesis run), as
``postgres_only`` does for the PostgreSQL half: each heavy test runs in one half, not both.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.core.config import PROJECT_ROOT
from tests.conftest import BACKEND
from tests.ops.cluster import free_port


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: runs only in the SQLite half (a heavy, backend-neutral test)")
    config.addinivalue_line("markers", "slow: takes minutes (a clean virtual environment built and installed)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if BACKEND == "sqlite":
        return
    dropped = [i for i in items if "sqlite_only" in i.keywords]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [i for i in items if "sqlite_only" not in i.keywords]


def service_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a service process: this one's minus every KH_ setting, plus the given ones."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KH_", "PROMETHEUS_MULTIPROC"))}
    env.update(
        KH_DATABASE_URL=database_url,
        KH_FRONTEND_DIST="/nonexistent-dashboard",
        KH_LOG_LEVEL="WARNING",
        KH_LOG_JSON="true",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def khuyenhoc(
    *args: str, env: dict[str, str], timeout: float = 120, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run the command line (``python -m api.cli``, no terminal); unless ``check=False``, it must succeed."""
    proc = subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    if check:
        assert proc.returncode == 0, f"khuyenhoc {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}"
    return proc


def wait_until(predicate: object, *, timeout: float, what: str, interval: float = 0.1) -> None:
    """Poll ``predicate()`` until it is true; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError, OSError):
            if predicate():  # type: ignore[operator]
                return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:g}s waiting for {what}")


class Service:
    """A ``khuyenhoc serve`` process on a free loopback port; its output goes to a log file."""

    def __init__(self, env: dict[str, str], log: Path, *, workers: int = 1, command: list[str] | None = None) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.env = env
        self.command = command or [sys.executable, "-m", "api.cli"]
        self.workers = workers
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, *, timeout: float = 60) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [
                    *self.command,
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--workers",
                    str(self.workers),
                ],
                env=self.env,
                cwd=PROJECT_ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: workers are stopped with it
            )

        def healthy() -> bool:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise AssertionError(f"the service exited ({self.proc.returncode}):\n{self.output()}")
            return httpx.get(f"{self.base_url}/api/v1/health", timeout=2).status_code == 200

        wait_until(healthy, timeout=timeout, what=f"the service on port {self.port}")

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-6000:] if self.log.exists() else ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=30, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def service_log(tmp_path: Path) -> Path:
    return tmp_path / "service.log"


@pytest.fixture
def services() -> Iterator[list[Service]]:
    """Stops every service a test started, whatever happened in it."""
    started: list[Service] = []
    yield started
    for s in started:
        s.stop()


def sign_in(base_url: str, username: str, password: str) -> str:
    r = httpx.post(f"{base_url}/api/v1/auth/token", data={"username": username, "password": password}, timeout=30)
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])
