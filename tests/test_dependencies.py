"""One source of truth for dependencies (issue 15, item 3): ``pyproject.toml`` declares them all, the
hashed locks are made from it by ``make lock``, and these tests fail when a lock and ``pyproject.toml``
disagree: a package declared and not locked as such, or locked as declared and not declared (today's
finding: ``prometheus-client`` was in the lock, not in ``pyproject.toml``, so ``pip install .`` gave a
service that crashed at start). Packages the declared ones need are allowed in the lock."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field

import pytest

from api.core.config import PROJECT_ROOT

PROJECT = "khuyenhoc (pyproject.toml)"


def normalised(requirement: str) -> str:
    """The package's name as the index knows it (PEP 503): no extras, markers or versions."""
    name = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert name is not None, requirement
    return re.sub(r"[-_.]+", "-", name.group(1)).lower()


def declared() -> tuple[set[str], set[str]]:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    runtime = {normalised(r) for r in project["dependencies"]}
    dev = {normalised(r) for r in project["optional-dependencies"]["dev"]}
    return runtime, dev


@dataclass
class Locked:
    version: str
    hashes: int = 0
    via: set[str] = field(default_factory=set)


def parse_lock(text: str) -> dict[str, Locked]:
    """``name==version`` blocks with their hashes and ``# via`` notes (uv's output)."""
    found: dict[str, Locked] = {}
    current: Locked | None = None
    in_via = False
    for line in text.splitlines():
        pinned = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^ \\;]+)", line)
        if pinned:
            current = found[normalised(pinned.group(1))] = Locked(pinned.group(3))
            in_via = False
        elif current is not None and line.strip().startswith("--hash="):
            current.hashes += 1
        elif current is not None and line.strip().startswith("# via"):
            rest = line.strip().removeprefix("# via").strip()
            in_via = not rest
            if rest:
                current.via.add(rest)
        elif current is not None and in_via and line.strip().startswith("#   "):
            current.via.add(line.strip().removeprefix("#").strip())
    return found


def direct(lock: dict[str, Locked]) -> set[str]:
    return {name for name, entry in lock.items() if PROJECT in entry.via}


@pytest.fixture(scope="module")
def locks() -> dict[str, dict[str, Locked]]:
    return {
        name: parse_lock((PROJECT_ROOT / name).read_text()) for name in ("requirements.lock", "requirements-dev.lock")
    }


def test_the_runtime_lock_is_made_of_exactly_the_declared_dependencies(locks: dict[str, dict[str, Locked]]) -> None:
    runtime, _ = declared()
    lock = locks["requirements.lock"]
    assert "prometheus-client" in runtime  # the service imports it at start
    assert direct(lock) == runtime, "pyproject.toml and requirements.lock disagree: run `make lock`"


def test_the_dev_lock_is_made_of_the_dependencies_and_the_dev_extra(locks: dict[str, dict[str, Locked]]) -> None:
    runtime, dev = declared()
    assert direct(locks["requirements-dev.lock"]) == runtime | dev, (
        "pyproject.toml and requirements-dev.lock disagree: run `make lock`"
    )


@pytest.mark.parametrize("name", ["requirements.lock", "requirements-dev.lock"])
def test_every_locked_package_is_needed_hashed_and_pinned(locks: dict[str, dict[str, Locked]], name: str) -> None:
    lock = locks[name]
    for package, entry in lock.items():
        needed_by = {v for v in entry.via if not v.startswith("-c ")}
        assert needed_by, f"{name}: {package} is needed by nothing"
        unknown = {normalised(v) for v in needed_by if v != PROJECT} - set(lock)
        assert not unknown, f"{name}: {package} is needed by {unknown}, which are not locked"
        assert entry.hashes > 0, f"{name}: {package} has no hash"


def test_the_dev_lock_keeps_the_runtime_versions(locks: dict[str, dict[str, Locked]]) -> None:
    runtime, dev = locks["requirements.lock"], locks["requirements-dev.lock"]
    assert {n: e.version for n, e in runtime.items()} == {n: dev[n].version for n in runtime if n in dev}
    assert set(runtime) <= set(dev)


@pytest.mark.parametrize("name", ["requirements.lock", "requirements-dev.lock"])
def test_a_lock_names_no_registry(name: str) -> None:
    text = (PROJECT_ROOT / name).read_text()
    for option in ("--index-url", "--extra-index-url", "--find-links", "-i ", "://"):
        assert option not in text, f"{name} names a registry ({option!r}): locks must work with any mirror"


def test_the_old_input_lists_are_gone() -> None:
    assert not (PROJECT_ROOT / "requirements.in").exists()
    assert not (PROJECT_ROOT / "requirements-dev.in").exists()
    assert not (PROJECT_ROOT / "uv.lock").exists()


def test_the_lock_parser_reads_uv_notes() -> None:
    text = (
        "alembic==1.20.1 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n    # via khuyenhoc (pyproject.toml)\n"
        "anyio==4.16.0 \\\n    --hash=sha256:cc\n    # via\n    #   -c requirements.lock\n    #   httpx\n"
    )
    lock = parse_lock(text)
    assert lock["alembic"].hashes == 2 and lock["alembic"].via == {PROJECT}
    assert lock["anyio"].via == {"-c requirements.lock", "httpx"}
    assert normalised("uvicorn[standard]>=0.30") == "uvicorn" and normalised("types-PyYAML") == "types-pyyaml"
