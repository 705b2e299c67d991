"""``pip install .`` in a clean virtual environment gives a ``khuyenhoc serve`` that starts (issue 15,
item 3: ``pyproject.toml`` lacked ``prometheus-client``, so the service crashed at start with
``ModuleNotFoundError``).

Offline once the wheels are there: pip installs with ``--no-index`` from a wheel directory made from
``requirements.lock`` (var/wheels/LOCK-HASH, downloaded the first time), so the install also proves
that the lock holds everything ``pyproject.toml`` asks for. Takes a minute or two: marked ``slow``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from api.core.config import PROJECT_ROOT
from tests.ops.cluster import free_port
from tests.ops.conftest import service_env, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]

LOCK = PROJECT_ROOT / "requirements.lock"


def _pip_env() -> dict[str, str]:
    """No pip configuration of this machine (its mirrors, find-links, constraints): only what we pass."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "KH_", "VIRTUAL_ENV", "PYTHON"))}
    return env | {"PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def wheelhouse() -> Path:
    """The wheels of the lock (and the build backend), downloaded once per lock."""
    digest = hashlib.sha256(LOCK.read_bytes()).hexdigest()[:16]
    where = PROJECT_ROOT / "var" / "wheels" / digest
    if (where / ".complete").exists():
        return where
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    pip = [sys.executable, "-m", "pip", "download", "--quiet", "--dest", str(where)]
    for args in (["--require-hashes", "-r", str(LOCK)], ["setuptools>=69"]):
        subprocess.run([*pip, *args], check=True, env=_pip_env(), timeout=600, capture_output=True)
    (where / ".complete").touch()
    return where


def test_pip_install_dot_in_a_clean_venv_gives_a_service_that_starts(tmp_path: Path, service_log: Path) -> None:
    source = tmp_path / "src"  # a copy: building in the checkout would leave build/ and egg-info behind
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(PROJECT_ROOT / name, source / name)
    for tree in ("api", "migrations"):
        shutil.copytree(PROJECT_ROOT / tree, source / tree, ignore=shutil.ignore_patterns("__pycache__"))
    venv = tmp_path / "v"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    installed = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", "--no-index", "--find-links", str(wheelhouse()), str(source)],
        env=_pip_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]

    # Started from a directory without the project: the service runs from the venv alone, and migrates from it
    # (finding: the wheel lacked migrations/, so an installed `khuyenhoc migrate` could not run; setup.py's build
    # step now copies them into the package).
    run = tmp_path / "run"
    run.mkdir()
    url = f"sqlite:///{run / 'kh.db'}"
    env = {k: v for k, v in service_env(url).items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    migrated = subprocess.run(
        [str(venv / "bin" / "khuyenhoc"), "migrate"], cwd=run, env=env, capture_output=True, text=True, timeout=300
    )
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import api.db.migrate as m; print(m.MIGRATIONS)"],
        cwd=run,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert where.startswith(str(venv)) and where.endswith("_migrations"), where
    port = free_port()
    with service_log.open("wb") as out:
        proc = subprocess.Popen(
            [str(venv / "bin" / "khuyenhoc"), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env | {"PYTHONUNBUFFERED": "1"},
            cwd=run,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until(
            lambda: _answers(proc, port, service_log), timeout=90, what="the installed service to answer /health"
        )
        served_from = subprocess.run(
            [str(venv / "bin" / "python"), "-c", "import api, prometheus_client; print(api.__file__)"],
            cwd=run,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert served_from.startswith(str(venv)), served_from
        # Issue 18: the partner library works from the installed package alone (its typing marker included).
        library = subprocess.run(
            [str(venv / "bin" / "python"), "-c", PARTNER_LIBRARY, f"http://127.0.0.1:{port}"],
            cwd=run,
            env=env,
            capture_output=True,
            text=True,
        )
        assert library.returncode == 0 and library.stdout.split() == ["401", "ok", "typed"], library.stderr[-3000:]
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


PARTNER_LIBRARY = """
import base64, os, sys
from pathlib import Path

import api
from api.sync.client import ApiError, PartnerClient, WebhookInvalid, sign_webhook, verify_webhook

with PartnerClient(sys.argv[1], "khk_not-a-key") as client:
    try:
        client.me()
    except ApiError as error:
        print(error.status)
secret = "whsec_" + base64.b64encode(os.urandom(24)).decode()
headers = sign_webhook(secret, b"{}")
assert verify_webhook(headers, b"{}", secret) == {}
try:
    verify_webhook(headers, b"[]", secret)
except WebhookInvalid:
    print("ok")
print("typed" if (Path(api.__file__).parent / "py.typed").exists() else "untyped")
"""


def _answers(proc: subprocess.Popen[bytes], port: int, log: Path) -> bool:
    if proc.poll() is not None:
        raise AssertionError(f"the installed service exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
    return httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).json() == {"status": "ok"}
