"""`pip install .` (not only `-e .`) gives a service that migrates and starts (issue 15, item 3).

Finding: the wheel held the `api` package only, so an installed `khuyenhoc migrate` found no migrations
(they live at the checkout's top level). The build now ships a copy inside the package. This test builds the
real wheel, unpacks it into a fresh directory that shadows the checkout, and runs the installed code from a
working directory with no checkout in it: migrate, then start and answer /ready.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from api.core.config import PROJECT_ROOT

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(out),
            str(PROJECT_ROOT),
        ],
        check=True,
        timeout=300,
    )
    (wheel,) = out.glob("khuyenhoc-*.whl")
    site = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        z.extractall(site)
    assert "api/_migrations/env.py" in names and any(n.startswith("api/_migrations/versions/") for n in names)
    return site


def _env(site: Path, db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KH_")}
    env["PYTHONPATH"] = str(site)  # ahead of the editable install's path: the wheel's code runs
    env["KH_DATABASE_URL"] = f"sqlite:///{db}"
    return env


def test_the_installed_package_migrates_and_serves(installed: Path, tmp_path: Path) -> None:
    db = tmp_path / "kh.db"
    env = _env(installed, db)
    where = subprocess.run(
        [sys.executable, "-c", "import api, api.db.migrate as m; print(api.__file__); print(m.MIGRATIONS)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert where[0].startswith(str(installed)) and where[1] == str(installed / "api" / "_migrations"), where
    subprocess.run([sys.executable, "-m", "api.cli", "migrate"], cwd=tmp_path, env=env, check=True, timeout=120)
    with sqlite3.connect(db) as conn:
        (version,) = conn.execute("select version_num from alembic_version").fetchone()
    heads = sorted(p.name for p in (installed / "api" / "_migrations" / "versions").glob("*.py"))
    assert version and heads
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/v1/ready", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
                assert time.monotonic() < deadline, "the installed service did not start"
                time.sleep(0.3)
        assert r.status_code == 200 and r.json()["status"] == "ready", r.text
    finally:
        proc.terminate()
        proc.wait(timeout=20)
