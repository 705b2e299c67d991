"""``khuyenhoc backup`` / ``khuyenhoc restore`` on the current backend: back up, change, restore, compare."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from api.auth.principal import SYSTEM
from api.auth.scopes import Role
from api.db.engine import make_engine
from api.ops import backup as ops_backup
from api.units.loader import load_all
from api.users.schemas import UserCreate
from api.users.service import create_user
from tests.conftest import BACKEND, DatabaseFactory, migrate_and_load
from tests.ops.conftest import khuyenhoc, service_env

Snapshot = dict[str, tuple[int, str]]


async def snapshot(engine: AsyncEngine) -> Snapshot:
    """Every table's row count and a digest of its rows, in a stable order."""
    async with engine.connect() as conn:
        tables = await conn.run_sync(lambda c: sorted(inspect(c).get_table_names()))
        out: Snapshot = {}
        for table in tables:
            rows = (await conn.execute(text(f'SELECT * FROM "{table}"'))).all()
            digest = hashlib.sha256("\n".join(sorted(repr(tuple(r)) for r in rows)).encode()).hexdigest()
            out[table] = (len(rows), digest)
    return out


async def add_user(engine: AsyncEngine, username: str) -> int:
    async with AsyncSession(engine, expire_on_commit=False) as session:
        data = UserCreate(username=username, password="mật-khẩu-sao-lưu-1", display_name=username, role=Role.viewer)
        user = await create_user(session, SYSTEM, data)  # writes the append-only audit trail too
        await session.commit()
        return user.id


@pytest.fixture
async def loaded(databases: DatabaseFactory) -> tuple[str, AsyncEngine]:
    url = await databases.create()
    engine = make_engine(url)
    await migrate_and_load(engine)  # units, demo reports and registries: every kind of table has rows
    await add_user(engine, "truoc.sao.luu")
    return url, engine


async def test_backup_change_restore_gives_the_data_back(loaded: tuple[str, AsyncEngine], tmp_path: Path) -> None:
    url, engine = loaded
    env = service_env(url)
    dump = tmp_path / "khuyenhoc.backup"
    try:
        before = await snapshot(engine)
        assert before["reports"][0] > 400 and before["audit_log"][0] >= 1

        # Online: a write that is still open while the backup runs is not in it, and does not block it.
        async with engine.connect() as writer:
            await writer.execute(text("UPDATE reports SET members = members + 1000000"))
            khuyenhoc("backup", str(dump), env=env, timeout=120)
            await writer.rollback()
        assert ops_backup.describe(dump).kind == BACKEND

        # Change everything a mistake could change: figures, a new account (and its audit entry), a deletion.
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE reports SET members = 1 WHERE year = 2023"))
            await conn.execute(text("DELETE FROM reports WHERE year = 2022"))
        await add_user(engine, "sau.sao.luu")
        changed = await snapshot(engine)
        assert changed["reports"] != before["reports"] and changed["users"] != before["users"]
        assert changed["audit_log"] != before["audit_log"]

        await engine.dispose()  # as a real restore would be done: with the service stopped
        khuyenhoc("restore", "--yes", str(dump), env=env, timeout=120)
        assert await snapshot(engine) == before

        # The restored database works on: new rows get fresh ids (sequences restored on PostgreSQL).
        new_id = await add_user(engine, "sau.khoi.phuc")
        async with engine.connect() as conn:
            ids = (await conn.scalars(text("SELECT id FROM users ORDER BY id"))).all()
        assert new_id == max(ids) and len(ids) == len(set(ids))
    finally:
        await engine.dispose()


async def test_a_bad_backup_is_refused_and_the_database_is_untouched(
    loaded: tuple[str, AsyncEngine], tmp_path: Path
) -> None:
    url, engine = loaded
    try:
        before = await snapshot(engine)
        garbage = tmp_path / "not-a-backup"
        garbage.write_bytes(b"definitely not a database\n" * 100)
        with pytest.raises(ops_backup.BackupError, match="không phải một bản sao lưu"):
            ops_backup.restore(url, garbage)

        good = tmp_path / "good.backup"
        ops_backup.backup(url, good)
        with pytest.raises(ops_backup.BackupError, match="đã có"):
            ops_backup.backup(url, good)  # never overwritten without --overwrite
        truncated = tmp_path / "truncated.backup"
        truncated.write_bytes(good.read_bytes()[: good.stat().st_size * 2 // 3])
        await engine.dispose()
        with pytest.raises(ops_backup.BackupError):
            ops_backup.restore(url, truncated)
        assert await snapshot(engine) == before

        # The command asks before replacing everything; without a terminal it needs --yes.
        proc = khuyenhoc("restore", str(good), env=service_env(url), check=False)
        assert proc.returncode == 2 and "--yes" in proc.stderr
    finally:
        await engine.dispose()


@pytest.mark.postgres_only
async def test_restore_replaces_tables_a_later_schema_added(databases: DatabaseFactory, tmp_path: Path) -> None:
    # The database becomes exactly the backup: objects created after it are dropped, in one transaction.
    url = await databases.create()
    engine = make_engine(url)
    try:
        await migrate_and_load(engine, demo=False)
        dump = tmp_path / "units-only.backup"
        ops_backup.backup(url, dump)
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE added_later (id int REFERENCES units(id))"))
            await conn.execute(text("INSERT INTO added_later SELECT id FROM units LIMIT 3"))
        await engine.dispose()
        ops_backup.restore(url, dump)
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert "added_later" not in tables and "units" in tables
        async with AsyncSession(engine) as session:
            result = await load_all(session)  # the loader finds every unit as it left it
        assert result.inserted == 0 and result.updated == 0
    finally:
        await engine.dispose()
