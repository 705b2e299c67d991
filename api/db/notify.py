"""Change notifications from PostgreSQL, so that a worker can keep answers and callers in memory.

Triggers (migration ``change_notifications``) send ``NOTIFY kh_stats`` when the data the statistics
are made from changes, and ``NOTIFY kh_auth`` when what a signed-in caller is made from changes
(users, tokens, keys, units). PostgreSQL delivers a notification to every listening connection when,
and only if, the writing transaction commits, after its changes are visible.

Each worker keeps one listening connection (asyncpg, outside the pool) and:

- ``stats_epoch`` counts the ``kh_stats`` notifications: a statistics answer made at one epoch is
  still right at the same epoch (api/stats/cache.py);
- a request that wrote to those tables notifies ``kh_written`` last, with its transaction's id, and
  waits after its commit until its own worker has heard it (``heard``): the writer's next request,
  on any worker, finds the change (the other workers heard it at the same moment);
- ``principals`` keeps who a token or key is, for ``PRINCIPAL_TTL`` seconds at most, emptied on every
  ``kh_auth`` notification (api/auth/dependencies.py).

A notification reaches each worker a moment after the commit, so a request sent to another worker
right after a write could come before it. Each worker therefore also reads the row of
``change_counters`` once per request that may use what it keeps (``refresh``, called by
api/stats/cache.py's middleware for every request that carries credentials): deferred triggers bump it
at the commit of every transaction that changed statistics or callers (migration ``change_counters``),
so a moved counter moves the epoch or forgets the callers before the request looks at them. Requests
arriving while a read is on its way share the next one (sent after they arrived): one round trip serves
many requests under load. That is the guarantee: a write is in the next request of every worker.

Both are trusted only while the connection is up (``live``): it is checked every ``PING_EVERY``
seconds, and when it is lost the epoch moves, the callers are forgotten, and the workers go back to
reading the database on every request until it is back (a notification sent while nobody listened
is thus never missed). With a read replica the statistics do not trust notifications (the primary
notifies before the replica has the change): see ``trust_for_stats``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import re
import time
from collections import OrderedDict
from contextvars import ContextVar
from typing import Any

import structlog
from sqlalchemy import make_url

log = structlog.get_logger(__name__)

# A signed-in caller (api.auth.principal.Principal), kept as it is: the database layer does not import auth.
Kept = Any

STATS = "kh_stats"
AUTH = "kh_auth"
WRITTEN = "kh_written"  # a request's own transaction, so that it can wait until its changes were heard
# Writes that may notify: the request that makes them waits until its worker has heard them.
NOTIFYING = re.compile(
    r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+\"?"
    r"(?:reports|targets|units|unit_successions|publications|users|access_tokens|api_keys)\b",
    re.IGNORECASE,
)
WRITTEN_SQL = "SELECT pg_notify('kh_written', x), x FROM (SELECT pg_current_xact_id()::text AS x) AS t"
# Without the triggers (a database behind on its migrations) nothing would ever notify: do not listen.
TRIGGERS_PRESENT = (
    "SELECT count(DISTINCT tgname) = 2 FROM pg_trigger"
    " WHERE (tgname = 'kh_notify_stats' AND tgrelid = 'reports'::regclass)"
    " OR (tgname = 'kh_notify_auth' AND tgrelid = 'users'::regclass)"
)
notifying_write: ContextVar[list[bool] | None] = ContextVar("notifying_write", default=None)
PRINCIPAL_TTL = 60.0  # seconds a caller is kept without asking the database
PRINCIPALS_MAX = 10_000
PING_EVERY = 5.0
HEARD_MAX = 4096
RETRY_AFTER = (0.5, 1.0, 2.0, 5.0)
COUNTERS_SQL = "SELECT stats, auth FROM change_counters WHERE id = 1"


def asyncpg_dsn(sqlalchemy_url: str) -> str:
    return make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)


class Notifications:
    """One worker's listening connection, the statistics epoch and the callers kept."""

    def __init__(self, database_url: str, *, replica: bool = False) -> None:
        self.dsn = asyncpg_dsn(database_url)
        self.replica = replica
        self.live = False
        self.stats_epoch = 0
        self.received = 0
        self._principals: OrderedDict[str, tuple[float, Kept]] = OrderedDict()
        self._task: asyncio.Task[None] | None = None
        self._heard: OrderedDict[str, None] = OrderedDict()  # transactions heard of, the latest last
        self._waiting: dict[str, asyncio.Event] = {}
        self._connected = asyncio.Event()
        # The change counters (``refresh``): what was last read, whether it could be, and the read to come.
        self.checked = False
        self.auth_generation = 0  # moves whenever the kept callers are forgotten
        self._counted: tuple[Any, Any] | None = None
        self._counter_conn: Any = None
        self._counter_retry_at = 0.0
        self._next_check: asyncio.Future[None] | None = None
        self._checking: asyncio.Task[None] | None = None

    # The statistics answers
    @property
    def trust_for_stats(self) -> bool:
        return self.live and self.checked and not self.replica

    # The callers
    @staticmethod
    def principal_key(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def principal(self, key: str) -> Kept | None:
        if not (self.live and self.checked):
            return None
        found = self._principals.get(key)
        if found is None:
            return None
        until, principal = found
        if time.monotonic() >= until:
            self._principals.pop(key, None)
            return None
        return principal

    def keep_principal(
        self, key: str, principal: Kept, *, expires_in: float | None, generation: int | None = None
    ) -> None:
        """Keep a caller read from the database; not when the callers were forgotten since the read began
        (``generation``, read before it): the caller may have been read before the change."""
        if not (self.live and self.checked) or (generation is not None and generation != self.auth_generation):
            return
        ttl = PRINCIPAL_TTL if expires_in is None else min(PRINCIPAL_TTL, expires_in)
        if ttl <= 0:
            return
        self._principals[key] = (time.monotonic() + ttl, principal)
        while len(self._principals) > PRINCIPALS_MAX:
            self._principals.popitem(last=False)

    def forget_principals(self) -> None:
        self._principals.clear()
        self.auth_generation += 1

    # The change counters
    async def refresh(self) -> None:
        """Read the change counters with a query sent after this call began (shared with the requests
        that arrive meanwhile); a moved counter moves the epoch or forgets the callers, a failure stops
        trusting what is kept until a read succeeds again."""
        if not self.live or self.replica:
            return
        if self._next_check is None:
            self._next_check = asyncio.get_running_loop().create_future()
            if self._checking is None:
                self._checking = asyncio.create_task(self._check_counters(), name="kh-change-counters")
        await asyncio.shield(self._next_check)

    async def _check_counters(self) -> None:
        try:
            while self._next_check is not None:
                waiting, self._next_check = self._next_check, None
                try:
                    await self._read_counters()
                finally:
                    waiting.set_result(None)
        finally:
            self._checking = None

    async def _read_counters(self) -> None:
        import asyncpg  # type: ignore[import-untyped]

        if self._counter_conn is None and time.monotonic() < self._counter_retry_at:
            return  # a read failed a moment ago: not trusted until the next attempt
        try:
            if self._counter_conn is None:
                self._counter_conn = await asyncpg.connect(
                    self.dsn, timeout=5, server_settings={"application_name": "khuyenhoc-counters"}
                )
            row = await self._counter_conn.fetchrow(COUNTERS_SQL, timeout=PING_EVERY)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # down, or a database without the counters: trust nothing kept
            if self.checked or self._counter_retry_at == 0.0:
                log.warning("change_counters_lost", error=str(exc) or type(exc).__name__)
            self._counter_retry_at = time.monotonic() + RETRY_AFTER[0]
            self._lose_counters()
            return
        counted = (None, None) if row is None else (row[0], row[1])
        if self._counted is None or counted[0] != self._counted[0]:
            self.stats_epoch += 1
        if self._counted is None or counted[1] != self._counted[1]:
            self.forget_principals()
        self._counted = counted
        self.checked = True

    def _lose_counters(self) -> None:
        self.checked = False
        self._counted = None
        self.stats_epoch += 1
        self.forget_principals()
        conn, self._counter_conn = self._counter_conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.terminate()

    # The connection
    async def start(self, *, wait: float = 5.0) -> None:
        """Start listening; waits (at most ``wait`` seconds) for the first connection."""
        self._task = asyncio.create_task(self._run(), name="kh-notifications")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._connected.wait(), wait)

    async def stop(self) -> None:
        if self._checking is not None:
            self._checking.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._checking
        if self._next_check is not None:  # requests waiting for a read that will not come: nothing is trusted
            self._next_check.set_result(None)
            self._next_check = None
        self._lose_counters()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._went_down()

    def _went_down(self) -> None:
        self.live = False
        self.stats_epoch += 1
        self.forget_principals()

    def _closed(self, lost: asyncio.Event, _conn: Any) -> None:
        self._went_down()
        lost.set()

    def _on_stats(self, *_: Any) -> None:
        self.received += 1
        self.stats_epoch += 1

    def _on_auth(self, *_: Any) -> None:
        self.received += 1
        self.forget_principals()

    def _on_written(self, _conn: Any, _pid: int, _channel: str, transaction: str) -> None:
        # Sent last by a transaction of this service (api/db/engine.py): its other notifications,
        # delivered before this one, have been handled.
        self._heard[transaction] = None
        while len(self._heard) > HEARD_MAX:
            self._heard.popitem(last=False)
        waiting = self._waiting.pop(transaction, None)
        if waiting is not None:
            waiting.set()

    async def heard(self, transaction: str, *, within: float = 1.0) -> bool:
        """Wait until this worker has heard the notifications of a committed transaction (its id)."""
        if transaction in self._heard:
            return True
        if not self.live:
            return False
        waiting = self._waiting.setdefault(transaction, asyncio.Event())
        try:
            await asyncio.wait_for(waiting.wait(), within)
            return True
        except TimeoutError:
            log.warning("notification_not_heard", transaction=transaction)
            return False
        finally:
            self._waiting.pop(transaction, None)

    async def _run(self) -> None:
        import asyncpg

        attempt = 0
        while True:
            conn = None
            lost = asyncio.Event()
            try:
                conn = await asyncpg.connect(
                    self.dsn, timeout=5, server_settings={"application_name": "khuyenhoc-notifications"}
                )
                if not await conn.fetchval(TRIGGERS_PRESENT):
                    raise RuntimeError("the notification triggers are missing: run `khuyenhoc migrate`")
                conn.add_termination_listener(functools.partial(self._closed, lost))
                await conn.add_listener(STATS, self._on_stats)
                await conn.add_listener(AUTH, self._on_auth)
                await conn.add_listener(WRITTEN, self._on_written)
                # Listening from now on: whatever was written before may not have been heard.
                self.stats_epoch += 1
                self.forget_principals()
                self.live = True
                self._connected.set()
                if attempt:
                    log.info("notifications_back")
                attempt = 0
                while not lost.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(lost.wait(), PING_EVERY)
                    if not lost.is_set():
                        await conn.fetchval("SELECT 1", timeout=PING_EVERY)
                raise ConnectionError("the listening connection was closed")
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # any failure: stop trusting, retry
                if self.live or attempt == 0:
                    log.warning("notifications_lost", error=str(exc) or type(exc).__name__)
                self._went_down()
                await asyncio.sleep(RETRY_AFTER[min(attempt, len(RETRY_AFTER) - 1)])
                attempt += 1
            finally:
                if conn is not None:
                    self._went_down()
                    with contextlib.suppress(Exception):
                        conn.terminate()


def watch_writes(engine: Any) -> None:
    """Mark the request whose statements may notify (``notifying_write``), on a PostgreSQL engine."""
    from sqlalchemy import event

    @event.listens_for(engine.sync_engine, "after_cursor_execute")
    def _after(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        marks = notifying_write.get()
        if marks is not None and not marks and NOTIFYING.match(statement):
            marks.append(True)
