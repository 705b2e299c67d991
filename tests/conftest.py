"""Test database: migrated (never create_all) once per run, one rolled-back transaction per test.

``KH_TEST_BACKEND`` picks the database: ``sqlite`` (a temporary file) or ``postgresql`` (a fresh
database created on ``KH_TEST_POSTGRES_URL`` and dropped afterwards). ``make test`` runs both.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from api.auth.principal import SYSTEM
from api.auth.scopes import Role
from api.auth.secrets import new_access_token, sha256
from api.core.config import Settings, normalise_database_url
from api.db.base import utcnow
from api.db.engine import Database, make_engine
from api.db.migrate import upgrade_connection
from api.demo.article import load_article
from api.demo.recognition import load_recognition
from api.demo.registries import load_registries
from api.demo.reports import load_publications, load_reports
from api.main import create_app
from api.models import AccessToken, User
from api.units.loader import load_all
from api.users.schemas import UserCreate
from api.users.service import create_user

BACKEND = os.environ.get("KH_TEST_BACKEND", "sqlite")
PG_URL = os.environ.get("KH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing() -> Iterator[None]:
    """Argon2id with tiny costs in tests; production keeps the library's recommended parameters."""
    from argon2 import PasswordHasher

    from api.auth import secrets

    original = secrets._hasher
    secrets._hasher = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    yield
    secrets._hasher = original


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


async def migrate_and_load(engine: AsyncEngine, *, demo: bool = True) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(upgrade_connection)
    async with engine.connect() as conn, AsyncSession(bind=conn) as session:
        await load_all(session)
        if not demo:
            await session.commit()
            await conn.commit()
            return
        await load_reports(session)  # the demo reports: Thái Bình 2022-2023, Hà Nam, Hà Nội, Hưng Yên 2026
        await load_registries(session)  # the demo registries of three wards of TP Thái Bình
        await load_article(session)  # the rest of the article: agreements, activities, inspections, own funds
        await load_publications(session)  # open data: Thái Bình 2022 and 2023
        await load_recognition(session)  # the recognition records of one Thái Bình commune (2023)
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
    # No dashboard here: tests of the built dashboard give their own frontend_dist.
    return Settings(
        database_url=database_url,
        environment="test",
        log_json=True,
        log_level="WARNING",
        frontend_dist=Path("/nonexistent-dashboard"),
        evidence_dir=Path(tempfile.gettempdir()) / f"kh-evidence-{os.getpid()}",  # never the checkout's var/
    )


@pytest.fixture
def make_client(settings: Settings) -> Iterator[Callable[..., httpx.AsyncClient]]:
    def make(app: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")

    yield make


@pytest.fixture
def app(db: Database, settings: Settings) -> FastAPI:
    return create_app(settings, db=db)


@dataclass
class Account:
    user: User
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


MakeAccount = Callable[..., Awaitable[Account]]


@pytest.fixture
def make_account(session: AsyncSession) -> MakeAccount:
    """Create a user with a sign-in token: ``await make_account("editor", "12433", as_of=OLD)``."""

    async def make(
        role: str = "admin",
        unit_code: str | None = None,
        *,
        as_of: dt.date | None = None,
        scopes: list[str] | None = None,
        password: str = "mật-khẩu-thử-1",
    ) -> Account:
        return await _account(session, role, unit_code, as_of, scopes, password)

    return make


async def _account(
    session: AsyncSession,
    role: str,
    unit_code: str | None,
    as_of: dt.date | None,
    scopes: list[str] | None,
    password: str,
) -> Account:
    user = await create_user(
        session,
        SYSTEM,
        UserCreate(
            username=f"{role}-{uuid.uuid4().hex[:8]}",
            password=password,
            display_name=f"Người dùng thử {role}",
            role=Role(role),
            unit_code=unit_code,
            unit_as_of=as_of,
            scopes=scopes or [],
        ),
    )
    token = new_access_token()
    now = utcnow()
    session.add(
        AccessToken(user_id=user.id, token_hash=sha256(token), created_at=now, expires_at=now + dt.timedelta(days=1))
    )
    await session.flush()
    return Account(user, token)


@pytest.fixture(scope="session")
async def admin(engine: AsyncEngine) -> Account:
    """A national admin, committed once for the whole run (password hashing is slow on purpose)."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        account = await _account(session, "admin", None, None, None, "mật-khẩu-thử-1")
        await session.commit()
    return account


@pytest.fixture
async def anon(app: FastAPI, make_client: Callable[..., httpx.AsyncClient]) -> AsyncIterator[httpx.AsyncClient]:
    """A client that sends no credentials."""
    async with make_client(app) as c:
        yield c


@pytest.fixture
async def client(
    app: FastAPI, admin: Account, make_client: Callable[..., httpx.AsyncClient]
) -> AsyncIterator[httpx.AsyncClient]:
    """A client signed in as a national admin."""
    async with make_client(app) as c:
        c.headers.update(admin.headers)
        yield c


@dataclass
class Live:
    """A fresh, migrated database with units (no demo data), a real engine, an app and an admin token."""

    db: Database
    app: FastAPI
    admin_token: str

    def client(self, token: str | None = None) -> httpx.AsyncClient:
        c = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://test")
        c.headers["Authorization"] = f"Bearer {token or self.admin_token}"
        return c


@pytest.fixture(scope="module")
async def live(databases: DatabaseFactory) -> AsyncIterator[Live]:
    engine = make_engine(await databases.create())
    await migrate_and_load(engine, demo=False)
    db = Database(engine)
    async with db.sessionmaker() as s, s.begin():
        account = await _account(s, "admin", None, None, None, "mật-khẩu-thử-1")
    settings = Settings(database_url="sqlite://", log_level="WARNING", frontend_dist=Path("/nonexistent-dashboard"))
    yield Live(db, create_app(settings, db=db), account.token)
    await engine.dispose()
