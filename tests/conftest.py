"""Test database: migrated (never create_all) once per run, one rolled-back transaction per test.

``KH_TEST_BACKEND`` picks the database: ``sqlite`` (a temporary file) or ``postgresql`` (a fresh
database created on ``KH_TEST_POSTGRES_URL`` and dropped afterwards). ``make test`` runs both.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from api.core.config import Settings, normalise_database_url
from api.db.engine import Database, make_engine
from api.db.migrate import upgrade_connection
from api.main import create_app
from api.units.loader import load_all

BACKEND = os.environ.get("KH_TEST_BACKEND", "sqlite")
PG_URL = os.environ.get("KH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def pytest_report_header() -> str:
    return f"database backend: {BACKEND}" + (f" ({PG_URL})" if BACKEND == "postgresql" else "")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # PostgreSQL-only tests are deselected (not skipped) in the SQLite half: they run in the other half.
    if BACKEND == "postgresql":
        return
    keep = [i for i in items if "postgres_only" not in i.keywords]
    dropped = [i for i in items if "postgres_only" in i.keywords]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


class DatabaseFactory:
    """Creates empty databases of the current backend (a file, or a PostgreSQL database) and removes them."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.created: list[str] = []

    async def create(self) -> str:
        name = f"kh_test_{uuid.uuid4().hex[:12]}"
        if BACKEND == "sqlite":
            return normalise_database_url(f"sqlite:///{self.tmp / name}.db")
        admin = create_async_engine(normalise_database_url(PG_URL), isolation_level="AUTOCOMMIT")
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        await admin.dispose()
        self.created.append(name)
        return make_url(normalise_database_url(PG_URL)).set(database=name).render_as_string(hide_password=False)

    async def drop_all(self) -> None:
        if not self.created:
            return
        admin = create_async_engine(normalise_database_url(PG_URL), isolation_level="AUTOCOMMIT")
        async with admin.connect() as conn:
            for name in self.created:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest.fixture(scope="session")
async def databases(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[DatabaseFactory]:
    factory = DatabaseFactory(tmp_path_factory.mktemp("db"))
    yield factory
    await factory.drop_all()


async def migrate_and_load(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(upgrade_connection)
    async with engine.connect() as conn, AsyncSession(bind=conn) as session:
        await load_all(session)
        await session.commit()
        await conn.commit()


@pytest.fixture(scope="session")
async def database_url(databases: DatabaseFactory) -> str:
    return await databases.create()


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url)
    await migrate_and_load(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
async def db(engine: AsyncEngine) -> AsyncIterator[Database]:
    """A Database whose sessions all run inside one transaction that is rolled back after the test."""
    async with engine.connect() as conn:
        trans = await conn.begin()
        yield Database(engine, bind=conn)
        await trans.rollback()


@pytest.fixture
async def session(db: Database) -> AsyncIterator[AsyncSession]:
    async with db.sessionmaker() as s:
        yield s


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, environment="test", log_json=True, log_level="WARNING")


@pytest.fixture
def make_client(settings: Settings) -> Iterator[Callable[..., httpx.AsyncClient]]:
    def make(app: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")

    yield make


@pytest.fixture
async def client(
    db: Database, settings: Settings, make_client: Callable[..., httpx.AsyncClient]
) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(create_app(settings, db=db)) as c:
        yield c
