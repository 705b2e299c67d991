"""Engine and per-request unit of work.

One session per request; the request's dependency commits before the response is sent,
so a failed commit becomes an error response and never a 200 for unsaved data. Services
``flush``, they never ``commit``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextvars import ContextVar
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from api.db.notify import WRITTEN_SQL, Notifications, notifying_write, watch_writes

# Whether the current task's transactions will write (requests other than GET/HEAD, jobs, commands).
write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)


def make_engine(url: str, *, pool_size: int = 10, **kwargs: Any) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)
        _configure_sqlite(engine)
        return engine
    engine = create_async_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True, **kwargs)
    watch_writes(engine)
    return engine


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, open transactions, so SAVEPOINTs work (tests roll back per test).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=30000"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A transaction that will write takes the write lock at once: a deferred one that reads first
        # and writes later gets SQLITE_BUSY when another writer got in between, whatever the timeout.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")


class Database:
    """The engine and a session factory; tests bind the factory to one rolled-back connection."""

    def __init__(self, engine: AsyncEngine, *, bind: AsyncConnection | None = None) -> None:
        self.engine = engine
        self.sessionmaker = async_sessionmaker(
            bind=bind or engine, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def dispose(self) -> None:
        await self.engine.dispose()


class UnitOfWork:
    """The request's session, made when first asked for: a request answered from a kept caller
    (api/auth/dependencies.py) opens none, which is most of what such a request would cost."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self.made: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self.made is None:
            self.made = self._db.sessionmaker()
        return self.made


async def _unit_of_work(request: Request) -> AsyncIterator[UnitOfWork]:
    intent = write_intent.set(request.method not in ("GET", "HEAD", "OPTIONS"))
    marks: list[bool] = []
    notifying = notifying_write.set(marks)
    work = UnitOfWork(request.app.state.db)
    try:
        yield work
        if work.made is not None:
            await _commit(request, work.made, marks)
    except BaseException:
        if work.made is not None:
            await work.made.rollback()
        raise
    finally:
        try:
            if work.made is not None:
                await work.made.__aexit__(None, None, None)  # closed as ``async with`` would (shielded)
        finally:
            notifying_write.reset(notifying)
            write_intent.reset(intent)


async def _commit(request: Request, session: AsyncSession, marks: list[bool]) -> None:
    notifications: Notifications | None = getattr(request.app.state, "notifications", None)
    written = None
    if marks and notifications is not None and notifications.live and session.in_transaction():
        written = (await session.execute(text(WRITTEN_SQL))).one()[1]
    await session.commit()
    if written is not None and notifications is not None:
        # Answer once this worker has heard the change: the caller's next request finds it.
        await notifications.heard(written)


UnitOfWorkDep = Annotated[UnitOfWork, Depends(_unit_of_work, scope="function")]


async def _request_session(work: UnitOfWorkDep) -> AsyncSession:
    return work.session


SessionDep = Annotated[AsyncSession, Depends(_request_session)]
