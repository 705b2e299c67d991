"""Ship the migrations inside the package: `pip install .` (not only `-e .`) must be able to run
`khuyenhoc migrate`. The repository keeps them at the top level (`migrations/`, `alembic.ini`, as the
project's layout says); the build copies them to `api/_migrations/` in the wheel, where
`api.db.migrate` looks when the checkout's copy is not beside the package. Everything else is in
pyproject.toml."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildWithMigrations(build_py):  # type: ignore[misc]
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "api" / "_migrations"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(HERE / "migrations", target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithMigrations})
