"""Run Alembic from the code (CLI, tests), and the readiness check's view of the migrations.

Alembic is imported only to migrate: a serving worker does not need it (~8 MB per worker). The
readiness check reads the applied revision from ``alembic_version`` and the latest one from the
migration files themselves (``revision`` and ``down_revision`` of each), which tests compare with
Alembic's own answer.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from api.core.config import PROJECT_ROOT

if TYPE_CHECKING:
    from alembic.config import Config

# A checkout keeps them at its top level; an installed package (`pip install .`) carries a copy made by
# setup.py's build step beside its modules.
_CHECKOUT = PROJECT_ROOT / "migrations"
_INSTALLED = Path(__file__).resolve().parents[1] / "_migrations"
MIGRATIONS = _CHECKOUT if (_CHECKOUT / "env.py").exists() else _INSTALLED
VERSIONS = MIGRATIONS / "versions"


def alembic_config(*, url: str | None = None, connection: Connection | None = None) -> Config:
    from alembic.config import Config

    ini = PROJECT_ROOT / "alembic.ini"
    cfg = Config(str(ini)) if ini.exists() and MIGRATIONS == _CHECKOUT else Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["configure_logging"] = False
    if url:
        cfg.attributes["url"] = url
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(url=url), revision)


def upgrade_connection(connection: Connection, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(connection=connection), revision)


def downgrade_connection(connection: Connection, revision: str = "base") -> None:
    from alembic import command

    command.downgrade(alembic_config(connection=connection), revision)


def _constants(source: str) -> dict[str, object]:
    found: dict[str, object] = {}
    for node in ast.parse(source).body:
        target: ast.expr | None = None
        if isinstance(node, ast.AnnAssign):
            target = node.target
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        value = getattr(node, "value", None)
        if isinstance(target, ast.Name) and value is not None:
            try:
                found[target.id] = ast.literal_eval(value)
            except ValueError:
                continue
    return found


@lru_cache
def head_revisions() -> frozenset[str]:
    """The revisions no other migration builds on (Alembic's heads), read from the files."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in VERSIONS.glob("*.py"):
        constants = _constants(path.read_text(encoding="utf-8"))
        revision, down = constants.get("revision"), constants.get("down_revision")
        if not isinstance(revision, str):
            continue
        revisions.add(revision)
        if isinstance(down, str):
            parents.add(down)
        elif isinstance(down, tuple | list):
            parents.update(d for d in down if isinstance(d, str))
    return frozenset(revisions - parents)


def current_revisions(connection: Connection) -> frozenset[str]:
    """The applied revision(s), as Alembic records them (none in a database never migrated)."""
    if not inspect(connection).has_table("alembic_version"):
        return frozenset()
    return frozenset(str(r) for r in connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
