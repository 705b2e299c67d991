"""The Dockerfile's steps, run outside a container: install from the lock, build the dashboard, migrate,
start, answer /ready. Its instructions are parsed from the Dockerfile, so the test follows the file.

The database is PostgreSQL, as in compose.yaml. pip keeps its cache here (the image sets
PIP_NO_CACHE_DIR for a smaller layer); the two stages run side by side, as BuildKit builds them.
Runs once, in the PostgreSQL half.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import yaml

from api.core.config import PROJECT_ROOT
from tests.conftest import DatabaseFactory
from tests.ops.cluster import free_port
from tests.ops.conftest import wait_until
from tests.ops.dockerfile import SYSTEM_COMMANDS, StageRunner, parse

pytestmark = pytest.mark.postgres_only


def test_the_dockerfile_declares_a_safe_production_image() -> None:
    stages = {s.name: s for s in parse((PROJECT_ROOT / "Dockerfile").read_text())}
    assert list(stages) == ["dashboard", "app"]
    assert stages["dashboard"].base.startswith("node:20")
    app = stages["app"]
    assert app.base.startswith("python:3.11-slim")
    assert any("--require-hashes -r requirements.lock" in r for r in app.args("RUN"))
    assert app.args("USER") == ["khuyenhoc"], "the service runs as a non-root user"
    assert any("useradd" in r and "khuyenhoc" in r for r in app.args("RUN"))
    assert any("postgresql-client" in r for r in app.args("RUN")), "pg_dump for khuyenhoc backup"
    assert app.args("HEALTHCHECK") and "/api/v1/ready" in app.args("HEALTHCHECK")[0]
    cmd = app.args("CMD")[0]
    assert cmd.index("khuyenhoc migrate") < cmd.index("khuyenhoc serve"), "migrations before the service starts"
    assert any(a.startswith("--from=dashboard") for a in app.args("COPY"))


def test_compose_runs_the_service_on_postgresql_with_secrets_from_the_environment() -> None:
    compose = yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text())
    db, app = compose["services"]["db"], compose["services"]["app"]
    assert db["image"].startswith("postgres:15"), "the same major version as the image's pg_dump"
    assert db["healthcheck"] and app["depends_on"]["db"]["condition"] == "service_healthy"
    assert app["build"] == "."
    env = app["environment"]
    assert env["KH_DATABASE_URL"].startswith("postgresql://") and "@db:5432/" in env["KH_DATABASE_URL"]
    secrets = [env["KH_DATABASE_URL"], db["environment"]["POSTGRES_PASSWORD"], env["KH_METRICS_TOKEN"]]
    assert all("${" in value for value in secrets), "secrets come from the environment (.env), not the file"
    assert int(env["KH_WORKERS"]) > 1
    assert all(p.startswith("127.0.0.1:") for p in app["ports"]), "only the reverse proxy reaches the service"


@pytest.fixture
async def url(databases: DatabaseFactory) -> str:
    return await databases.create()


@pytest.mark.slow
def test_the_dockerfile_steps_build_and_run_the_service(url: str, tmp_path: Path) -> None:
    for tool in ("npm", "node", "pg_dump"):  # what the images bring; SYSTEM_COMMANDS are not run here
        assert shutil.which(tool), f"{tool} is needed on this machine"
    stages = parse((PROJECT_ROOT / "Dockerfile").read_text())
    log = tmp_path / "build.log"
    venv = tmp_path / "python"  # the image's Python: a new virtual environment, first on PATH
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    runners = {
        s.name: StageRunner(
            s,
            tmp_path / s.name,
            PROJECT_ROOT,
            path=[venv / "bin"] if s.base.startswith("python") else [],
            log=log,
            unset=("PIP_NO_CACHE_DIR",),  # a smaller layer in the image; here, pip's cache saves the downloads
        )
        for s in stages
    }
    with ThreadPoolExecutor(max_workers=len(runners)) as pool:
        futures: dict[str, Future[None]] = {}

        def wait_for(name: str) -> None:
            futures[name].result()

        for name, runner in runners.items():
            futures[name] = pool.submit(runner.run, stages=runners, wait_for=wait_for)
        for future in futures.values():
            future.result()

    app = runners["app"]
    assert all(s.startswith(SYSTEM_COMMANDS) for s in app.skipped)
    assert (tmp_path / "app" / "app" / "frontend" / "dist" / "index.html").is_file(), "the dashboard was built"
    port = free_port()
    env = {**app.env, "KH_DATABASE_URL": url, "KH_LOG_LEVEL": "WARNING"}  # PostgreSQL, as compose.yaml
    command = [w.replace("0.0.0.0", "127.0.0.1").replace("8000", str(port)) for w in app.cmd]
    with (tmp_path / "service.log").open("wb") as out:
        service = subprocess.Popen(
            command, cwd=app.workdir, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        base = f"http://127.0.0.1:{port}"

        def ready() -> bool:
            if service.poll() is not None:
                raise AssertionError(f"the service exited:\n{(tmp_path / 'service.log').read_text()[-4000:]}")
            return httpx.get(f"{base}/api/v1/ready", timeout=5).status_code == 200

        wait_until(ready, timeout=120, what="/api/v1/ready after migrate, units load and start", interval=0.5)
        assert httpx.get(f"{base}/api/v1/ready").json()["database"] == "postgresql"
        page = httpx.get(f"{base}/")
        assert page.status_code == 200 and '<div id="root"' in page.text, "the built dashboard is served"
        units = httpx.get(f"{base}/api/v1/units", params={"limit": 1})
        assert units.status_code == 401  # the units are loaded behind sign-in; the API answers
        health = [w.replace("8000", str(port)) for w in app.healthcheck]
        assert subprocess.run(health, env=env, timeout=30).returncode == 0, "HEALTHCHECK passes"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(service.pid, signal.SIGTERM)
        try:
            service.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(service.pid, signal.SIGKILL)
            service.wait(timeout=5)
