"""Migrations build the schema the models describe, and come down again, on both databases."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from api.db.engine import make_engine
from api.db.migrate import current_revisions, downgrade_connection, head_revisions, upgrade_connection
from api.models import Base
from tests.conftest import DatabaseFactory


def _diff(conn: Connection) -> list[Any]:
    ctx = MigrationContext.configure(conn, opts={"compare_type": True})
    return list(compare_metadata(ctx, Base.metadata))


def _tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names()) - {"alembic_version"}


async def test_upgrade_matches_models_and_downgrade_empties(databases: DatabaseFactory) -> None:
    engine = make_engine(await databases.create())
    try:
        async with engine.begin() as conn:
            await conn.run_sync(upgrade_connection)
        async with engine.connect() as conn:
            assert await conn.run_sync(current_revisions) == head_revisions()
            assert await conn.run_sync(_diff) == []
            assert await conn.run_sync(_tables) == set(Base.metadata.tables)
        async with engine.begin() as conn:
            await conn.run_sync(downgrade_connection)
        async with engine.connect() as conn:
            assert await conn.run_sync(_tables) == set()
            assert await conn.run_sync(current_revisions) == frozenset()
    finally:
        await engine.dispose()


def test_the_readiness_check_finds_alembics_heads_in_the_files() -> None:
    from alembic.script import ScriptDirectory

    from api.db.migrate import alembic_config

    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert head_revisions() == frozenset(heads) and len(heads) == 1  # one line of history
