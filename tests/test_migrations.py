"""Migrations build the schema the models describe, and come down again, on both databases."""

from __future__ import annotations

import json
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

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


async def test_the_trail_written_before_keeps_no_persons_values_after_the_upgrade(databases: DatabaseFactory) -> None:
    """Issue 16 (Nghị định 13/2023): entries of recognition registrations written before the journal masked a
    person's fields lose the values in migration 7c41d2e9a8b3; other entries stay; the trail is append-only after."""
    engine = make_engine(await databases.create())
    insert = text(
        "INSERT INTO audit_log (at, actor_kind, actor_name, action, entity, entity_id, changes) "
        "VALUES (CURRENT_TIMESTAMP, 'user', 'xa', :action, :entity, '7', :changes)"
    )
    person = {"name": [None, "Đỗ Văn Cũ"], "village": ["Thôn A", "Thôn B"], "total": [None, 80]}
    other = {"name": [None, "Quỹ khuyến học xã"]}
    try:
        async with engine.begin() as conn:
            await conn.run_sync(upgrade_connection, "5e2b8c1d9a47")
            for entity, changes in (("recognition_registration", person), ("fund", other)):
                await conn.execute(insert, {"action": "create", "entity": entity, "changes": json.dumps(changes)})
        async with engine.begin() as conn:
            await conn.run_sync(upgrade_connection)
        async with engine.connect() as conn:
            rows = dict((await conn.execute(text("SELECT entity, changes FROM audit_log"))).all())
            got = {k: json.loads(v) if isinstance(v, str) else v for k, v in rows.items()}
        assert got["recognition_registration"] == {
            "name": [None, "***"],
            "village": ["***", "***"],
            "total": [None, 80],
        }
        assert got["fund"] == other
        with pytest.raises(DBAPIError, match="append-only"):
            async with engine.begin() as conn:
                await conn.execute(text("UPDATE audit_log SET changes = changes"))
    finally:
        await engine.dispose()
