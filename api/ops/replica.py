"""The database of the running service: engine limits, and the read replica for statistics.

With ``KH_DATABASE_REPLICA_URL`` set, a GET to ``/api/v1/stats/…`` reads its figures from the replica.
Everything else stays on the primary: writes, ``SELECT … FOR UPDATE``, and any query of the
sign-in tables (a token issued a moment ago may not have reached the replica yet). Statistics may
then lag the primary by the replication delay (usually well under a second).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql.selectable import SelectBase
from sqlalchemy.sql.util import find_tables
from starlette.types import ASGIApp, Receive, Scope, Send

from api.core.config import Settings
from api.db.engine import Database, make_engine

REPLICA_PATHS = ("/api/v1/stats/",)
PRIMARY_ONLY_TABLES = frozenset({"users", "access_tokens", "api_keys", "login_throttle", "alembic_version"})
_replica_allowed: ContextVar[bool] = ContextVar("kh_replica_allowed", default=False)


def engine_options(url: str, settings: Settings) -> dict[str, Any]:
    """Timeouts for PostgreSQL engines (SQLite's own busy timeout is set in api/db/engine.py)."""
    if not url.startswith("postgresql"):
        return {}
    statement_ms = int(settings.database_statement_timeout_seconds * 1000)
    return {
        "pool_timeout": settings.database_pool_timeout_seconds,
        "connect_args": {
            "timeout": settings.database_connect_timeout_seconds,
            "server_settings": {
                "statement_timeout": str(statement_ms),
                # A transaction left open by a stuck client must not hold locks for ever.
                "idle_in_transaction_session_timeout": str(max(statement_ms * 2, 60_000)),
            },
        },
    }


def make_database(settings: Settings) -> Database:
    """The service's Database: primary, plus the replica for statistics when one is configured."""
    url = settings.database_url
    primary = make_engine(url, pool_size=settings.database_pool_size, **engine_options(url, settings))
    if not settings.database_replica_url:
        return Database(primary)
    replica_url = settings.database_replica_url
    replica = make_engine(replica_url, pool_size=settings.database_pool_size, **engine_options(replica_url, settings))
    return ReplicatedDatabase(primary, replica)


class RoutingSession(Session):
    """Sends plain reads to the replica while a statistics request runs; everything else to the primary."""

    def get_bind(self, mapper: Any = None, *, clause: Any = None, **kw: Any) -> Any:
        replica: Engine | None = self.info.get("replica")
        if replica is not None and _replica_allowed.get() and not self._flushing and _replicable(clause):
            return replica
        return super().get_bind(mapper, clause=clause, **kw)


@event.listens_for(RoutingSession, "do_orm_execute")
def _hand_over_statement(state: ORMExecuteState) -> None:
    # An ORM UNION ALL reaches get_bind without its statement (SQLAlchemy passes none): give it, so that
    # it is routed like any other read.
    state.bind_arguments.setdefault("clause", state.statement)


def _replicable(clause: Any) -> bool:
    # SELECT, UNION ALL of SELECTs, textual SELECT: reads; anything locking rows stays on the primary.
    if not isinstance(clause, SelectBase) or getattr(clause, "_for_update_arg", None) is not None:
        return False
    names = {t.name for t in find_tables(clause, include_aliases=True, include_joins=True) if hasattr(t, "name")}
    return not (names & PRIMARY_ONLY_TABLES)


class ReplicatedDatabase(Database):
    """A primary engine and a read replica; sessions route statistics reads to the replica."""

    def __init__(self, engine: AsyncEngine, replica: AsyncEngine) -> None:
        super().__init__(engine)
        self.replica = replica
        self.sessionmaker = async_sessionmaker(
            bind=engine,
            expire_on_commit=False,
            join_transaction_mode="create_savepoint",
            sync_session_class=RoutingSession,
            info={"replica": replica.sync_engine},
        )

    async def dispose(self) -> None:
        await super().dispose()
        await self.replica.dispose()


@contextmanager
def replica_reads() -> Iterator[None]:
    """Let the current task's sessions read from the replica (what the middleware does for /stats)."""
    token = _replica_allowed.set(True)
    try:
        yield
    finally:
        _replica_allowed.reset(token)


class ReplicaRoutingMiddleware:
    """Marks GET and HEAD requests under the statistics paths as allowed to read from the replica."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD") and scope["path"].startswith(REPLICA_PATHS):
            with replica_reads():
                await self.app(scope, receive, send)
            return
        await self.app(scope, receive, send)
