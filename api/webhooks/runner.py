"""The delivery process (``khuyenhoc webhooks run``): the feed, fanned out to endpoints and POSTed, signed.

Never inside the web workers. Several may run at once on PostgreSQL; on SQLite run one. Each loop:

1. **Fan-out.** For each enabled endpoint that is behind the feed (locked ``FOR UPDATE SKIP LOCKED``, so
   two processes never hand out the same changes), the changes after its ``cursor`` that its owner key
   may read (api/sync/feed.py: the same scope, types and visibility rule as ``/sync/changes``) become
   deliveries (one message each: ``webhook-id``, exact body), and the cursor moves past them, in the same
   transaction. Nothing is skipped: the cursor never passes a change that could still become visible.
2. **Dispatch.** Due deliveries are claimed in batches (``FOR UPDATE SKIP LOCKED``; a claim is a lease: the
   delivery is due again when the lease runs out, so a killed process's deliveries are sent again, with the
   same ``webhook-id``), at most one per record and only the oldest pending one of each record (feed order
   per record; the claim reads partial indexes of the pending deliveries, so its cost follows the batch, not
   the backlog). Each is POSTed by a task of its own over pooled keep-alive connections (api/webhooks/http.py)
   with a timeout and a cap on the answer read; the loop claims more while they are in flight (at most
   ``min(webhook_batch, webhook_concurrency)`` claimed and not yet recorded). The URL's addresses are checked
   before each batch's sends (api/webhooks/addresses.py). No transaction is open while sending.
3. **Record.** Finished sends are written down in batches by one task (their states, their attempts, the
   endpoints' failure counts: one transaction); a record's next change is claimable only then. A 2xx
   delivers; anything else is retried with exponential backoff (``webhook_retry_base_seconds`` doubling up
   to ``webhook_retry_max_seconds``) until ``webhook_retry_window_seconds`` after the change (then
   ``failed``). Each attempt goes to the log. An
   endpoint failing ``webhook_disable_after_failures`` times in a row for ``webhook_disable_after_seconds``
   is disabled, with ``disabled_reason`` and ``disabled_at`` (its changes wait for it).

It sleeps until PostgreSQL notifies a feed change (``kh_feed``, a trigger on ``changes``), a retry is due,
or ``webhook_poll_seconds`` pass (SQLite: it polls).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import random
import time
from collections.abc import Sequence
from typing import Any

import structlog
from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Table,
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal_column,
    select,
    true,
    tuple_,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from api.auth.principal import Principal
from api.auth.scopes import Role, Scope
from api.auth.service import build_principal
from api.core.config import Settings
from api.db.base import utcnow
from api.db.engine import Database, write_intent
from api.db.notify import asyncpg_dsn
from api.models import ApiKey, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from api.sync import feed
from api.webhooks import addresses, http, messages
from api.webhooks.service import horizon_of_feed

log = structlog.get_logger(__name__)

CHANNEL = "kh_feed"
FAN_OUT_PAGE = 1000  # changes handed to one endpoint per transaction
FAN_OUT_ENDPOINTS = 50  # endpoints fanned out per transaction
PRUNE_EVERY = 600.0  # seconds between two removals of old deliveries from the log
PRUNE_ROWS = 5000  # deliveries removed per statement (short transactions)
EXCERPT = 500  # characters of an answer kept in the log
FAN_OUT_EVERY = 0.25  # seconds: the feed is looked at this often without a notification while busy
CLAIM_FROM_START_EVERY = 1.0  # seconds: a claim from the due index's start at least this often
RECORD_GATHER = 0.01  # seconds the recorder waits for more finished sends before writing them down
_D: Table = WebhookDelivery.__table__  # type: ignore[assignment]
_E: Table = WebhookEndpoint.__table__  # type: ignore[assignment]


@dataclasses.dataclass(frozen=True)
class Claimed:
    id: int
    endpoint_id: int
    msg_id: str
    payload: str
    attempts: int
    created_at: dt.datetime
    url: str
    secret: str


@dataclasses.dataclass
class Outcome:
    claimed: Claimed
    at: dt.datetime
    status_code: int | None = None
    error: str | None = None
    duration_ms: int = 0
    response: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300


# 'pending' written into the SQL, not bound: the partial indexes (WHERE status = 'pending') serve only a query
# whose condition matches theirs, which a bound parameter does not in a generic plan (PostgreSQL's prepared
# statements after five runs) nor in SQLite's planner.
PENDING: ColumnElement[str] = literal_column("'pending'", String())


def claim_statement(
    now: dt.datetime, limit: int, after: tuple[dt.datetime, int] | None = None
) -> Select[int, int, str, str, int, dt.datetime, str, str]:
    """The first ``limit`` due pending deliveries of enabled endpoints, each the oldest pending delivery of its
    record (feed order per record), in ``(next_attempt_at, id)`` order: read along ``ix_webhook_deliveries_due``,
    each record probed in ``ix_webhook_deliveries_waiting`` (migration webhook_pending_indexes), so its cost
    follows ``limit``, not the backlog.

    ``after``: only those past this ``(next_attempt_at, id)`` (the last one claimed). A delivered or leased
    delivery leaves a dead entry in the partial index until no transaction of the cluster can still see it:
    while a long transaction anywhere on the server holds that horizon, a claim from the index's start steps
    over every delivery sent since, and a backlog of 20,000 went at 210/s instead of 690/s. The runner claims
    from its last position while that yields full batches, and from the start otherwise and every second
    (a delivery that became due behind the position, e.g. redelivered by hand, waits at most that)."""
    d, earlier = WebhookDelivery, aliased(WebhookDelivery)
    blocked = exists().where(
        earlier.endpoint_id == d.endpoint_id,
        earlier.record_key == d.record_key,
        earlier.status == PENDING,
        earlier.seq < d.seq,
    )
    return (
        select(
            d.id,
            d.endpoint_id,
            d.msg_id,
            d.payload,
            d.attempts,
            d.created_at,
            WebhookEndpoint.url,
            WebhookEndpoint.secret,
        )
        .join(WebhookEndpoint, WebhookEndpoint.id == d.endpoint_id)
        .where(d.status == PENDING, d.next_attempt_at <= now, WebhookEndpoint.enabled, ~blocked)
        .where(true() if after is None else tuple_(d.next_attempt_at, d.id) > tuple_(*after))
        .order_by(d.next_attempt_at, d.id)
        .limit(limit)
    )


class Runner:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.postgres = db.dialect == "postgresql"
        self.allow = addresses.allowed_hosts(settings.webhook_allow_hosts)
        self.wake = asyncio.Event()
        self.sent = 0
        self.delivered = 0
        self._http: http.Client | None = None
        self._gate = asyncio.Semaphore(settings.webhook_concurrency)
        self._inflight: dict[int, asyncio.Task[None]] = {}  # claimed, not yet recorded (by delivery id)
        self._outcomes: list[Outcome] = []  # sent, not yet recorded
        self._recorded = asyncio.Event()  # outcomes are waiting for the recorder
        self._idle_event = asyncio.Event()  # the recorder wrote a batch down
        self._feed_moved = True  # the feed may have changes to hand out (a notification came)
        self._fanned_at = 0.0
        self._claimed_to: tuple[dt.datetime, int] | None = None  # where the last full claim ended
        self._claimed_from_start = 0.0
        self._pruned_at = 0.0

    @property
    def lease(self) -> dt.timedelta:
        """How long a claimed delivery is kept from other processes: longer than any send can take."""
        return dt.timedelta(seconds=self.settings.webhook_timeout_seconds * 2 + 5)

    @property
    def in_flight(self) -> int:
        """Deliveries claimed and not yet recorded, at most: ``webhook_batch``, and never more than requests may
        be open (``webhook_concurrency``), so a claimed delivery is sent at once and never waits for a
        connection until its lease runs out (another process would then send it too)."""
        return min(self.settings.webhook_batch, self.settings.webhook_concurrency)

    # The loop
    async def run(self, stop: asyncio.Event) -> None:
        listener = asyncio.create_task(self._listen(stop)) if self.postgres else None
        self._http = http.Client(
            timeout=self.settings.webhook_timeout_seconds * 1.5, cap=self.settings.webhook_max_response_bytes
        )
        recorder = asyncio.create_task(self._recorder())
        try:
            while not stop.is_set():
                self.wake.clear()
                try:
                    worked = await self.step()
                except Exception as exc:  # the database went away, a bug: log, wait, go on
                    log.warning("webhooks_step_failed", error=str(exc) or type(exc).__name__)
                    worked = False
                    await asyncio.sleep(1)
                if worked:
                    continue
                pause = await self._idle_for() if not self._inflight else self.settings.webhook_poll_seconds
                waiters = {asyncio.ensure_future(self.wake.wait()), asyncio.ensure_future(stop.wait())}
                _, pending = await asyncio.wait(waiters, timeout=pause, return_when=asyncio.FIRST_COMPLETED)
                for w in pending:
                    w.cancel()
            await self.drain()
        finally:
            recorder.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await recorder
            await self._http.close()
            if listener is not None:
                listener.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await listener

    async def step(self) -> bool:
        """One fan-out and one claim; whether anything was done (then the loop goes on at once).

        Claimed deliveries are sent by tasks of their own and recorded in batches by ``_recorder`` while the
        loop claims more: at most ``in_flight`` are claimed and not yet recorded. The loop claims again when
        a quarter of them are free."""
        fanned = 0
        if not self.postgres or self._feed_moved or time.monotonic() - self._fanned_at >= FAN_OUT_EVERY:
            # Not at every step: a busy loop steps at every batch recorded, and the look at the feed's head
            # cost as much as the claim. A notification, something handed out last time (more may follow), or
            # a quarter second (changes held back by older transactions; an endpoint enabled again).
            self._feed_moved = False
            self._fanned_at = time.monotonic()
            fanned = await self.fan_out()
            self._feed_moved = self._feed_moved or fanned > 0
        room = self.in_flight - len(self._inflight)
        claimed = 0
        if room > 0 and (not self._inflight or room * 4 >= self.in_flight):
            claimed = self.send(await self._claim(room))
        if time.monotonic() - self._pruned_at >= PRUNE_EVERY:
            self._pruned_at = time.monotonic()
            await self.prune()
        return bool(fanned or claimed)

    def send(self, claimed: Sequence[Claimed]) -> int:
        """Send the claimed deliveries, each in a task of its own; their outcomes go to the recorder."""
        targets: dict[str, asyncio.Future[addresses.Target]] = {}
        for c in claimed:
            if c.url not in targets:
                targets[c.url] = asyncio.ensure_future(addresses.check(c.url, self.allow))
                # retrieved: a refused URL is an outcome of each send, not an unhandled error
                targets[c.url].add_done_callback(lambda t: t.cancelled() or t.exception())
            self._inflight[c.id] = asyncio.create_task(self._deliver(c, targets[c.url]))
        return len(claimed)

    async def _deliver(self, c: Claimed, target: asyncio.Future[addresses.Target]) -> None:
        async with self._gate:
            out = await self._send(c, target)
        self._outcomes.append(out)
        self._recorded.set()

    async def _recorder(self) -> None:
        """Record finished sends in batches (one transaction: their states, their attempts, the endpoints'
        failure counts): as soon as one is done, with those that finish in the next few milliseconds."""
        while True:
            await self._recorded.wait()
            await asyncio.sleep(RECORD_GATHER)
            self._recorded.clear()
            outcomes, self._outcomes = self._outcomes, []
            if not outcomes:
                continue
            for tries in range(3):
                try:
                    await self._record(outcomes)
                    break
                except Exception as exc:  # the database went away: try again; then the lease runs out
                    log.warning("webhooks_record_failed", error=str(exc) or type(exc).__name__, tries=tries + 1)
                    await asyncio.sleep(1)
            for o in outcomes:
                self._inflight.pop(o.claimed.id, None)
            self.sent += len(outcomes)
            self.delivered += sum(1 for o in outcomes if o.ok)
            self._idle_event.set()
            self.wake.set()  # room to claim, and the next change of each record may now go

    async def drain(self) -> None:
        """Wait until the sends in flight are recorded (a stop: SIGTERM), at most a lease."""
        deadline = time.monotonic() + self.lease.total_seconds()
        while self._inflight and time.monotonic() < deadline:
            self._idle_event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle_event.wait(), 0.5)

    async def prune(self) -> int:
        """Remove delivered and failed deliveries older than ``webhook_log_days`` (their attempts go with them)."""
        before = utcnow() - dt.timedelta(days=self.settings.webhook_log_days)
        removed = 0
        intent = write_intent.set(True)
        try:
            while True:
                async with self.db.sessionmaker() as session, session.begin():
                    old = (
                        select(WebhookDelivery.id)
                        .where(WebhookDelivery.status != "pending", WebhookDelivery.created_at < before)
                        .limit(PRUNE_ROWS)
                    )
                    ids = list((await session.scalars(old)).all())
                    if ids:
                        await session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(ids)))
                        await session.execute(delete(WebhookDelivery).where(WebhookDelivery.id.in_(ids)))
                removed += len(ids)
                if len(ids) < PRUNE_ROWS:
                    return removed
        finally:
            write_intent.reset(intent)

    async def _idle_for(self) -> float:
        poll = self.settings.webhook_poll_seconds
        try:
            async with self.db.sessionmaker() as session:
                due = await session.scalar(
                    select(func.min(WebhookDelivery.next_attempt_at))
                    .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
                    .where(WebhookDelivery.status == PENDING, WebhookEndpoint.enabled)
                )
        except Exception:
            return poll
        if due is None:
            return poll
        return max(0.0, min(poll, (due - utcnow()).total_seconds()))

    def _feed_notified(self) -> None:
        self._feed_moved = True
        self.wake.set()

    async def _listen(self, stop: asyncio.Event) -> None:
        """Wake on every feed notification (PostgreSQL); reconnect when the connection is lost."""
        import asyncpg  # type: ignore[import-untyped]

        dsn = asyncpg_dsn(self.db.engine.url.render_as_string(hide_password=False))
        while not stop.is_set():
            conn = None
            try:
                conn = await asyncpg.connect(dsn, timeout=5, server_settings={"application_name": "khuyenhoc-webhooks"})
                await conn.add_listener(CHANNEL, lambda *_: self._feed_notified())
                self._feed_notified()  # whatever came while not listening
                while not stop.is_set() and not conn.is_closed():
                    await asyncio.sleep(5)
                    await conn.fetchval("SELECT 1", timeout=5)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("webhooks_listen_lost", error=str(exc) or type(exc).__name__)
                await asyncio.sleep(1)
            finally:
                if conn is not None:
                    with contextlib.suppress(Exception):
                        conn.terminate()

    # 1. Fan-out
    async def fan_out(self) -> int:
        async with self.db.sessionmaker() as session:
            head = await feed.head(session)
            behind = await session.scalar(
                select(func.count()).where(WebhookEndpoint.enabled, WebhookEndpoint.cursor < head)
            )
        if not behind:
            return 0
        intent = write_intent.set(True)
        try:
            async with self.db.sessionmaker() as session, session.begin():
                stmt = (
                    select(WebhookEndpoint)
                    .where(WebhookEndpoint.enabled, WebhookEndpoint.cursor < head)
                    .order_by(WebhookEndpoint.id)
                    .limit(FAN_OUT_ENDPOINTS)
                )
                if self.postgres:
                    stmt = stmt.with_for_update(skip_locked=True)
                total = 0
                for endpoint in (await session.scalars(stmt)).all():
                    total += await self._fan_out_one(session, endpoint)
                return total
        finally:
            write_intent.reset(intent)

    async def _fan_out_one(self, session: AsyncSession, endpoint: WebhookEndpoint) -> int:
        owner = await self._owner(session, endpoint.owner_key_id)
        if owner is None:
            endpoint.enabled = False
            endpoint.disabled_at = utcnow()
            endpoint.disabled_reason = (
                f"Tự động tắt: khoá API {endpoint.owner_key_id} đã bị thu hồi, hết hạn hoặc không còn quyền sync:read."
            )
            log.info("webhook_disabled", endpoint=endpoint.id, reason="owner key")
            return 0
        horizon = await horizon_of_feed(session)  # before the read: everything up to it is visible to the read
        rows, cursor = await feed.read(
            session, owner, endpoint.cursor, list(endpoint.types or []) or None, FAN_OUT_PAGE
        )
        if len(rows) < FAN_OUT_PAGE:
            cursor = max(cursor, min(horizon, await feed.head(session)))
        if rows:
            now = utcnow()
            await session.execute(
                insert(WebhookDelivery),
                [
                    {
                        "endpoint_id": endpoint.id,
                        "msg_id": messages.message_id(endpoint.id, r.seq),
                        "seq": r.seq,
                        "type": r.type,
                        "record_id": r.record_id,
                        "record_key": f"{r.type}:{r.record_id}",
                        "op": r.op,
                        "payload": messages.body(
                            r.seq, r.type, r.record_id, r.external_id, r.partner, r.op, r.changed_at, r.data
                        ),
                        "status": "pending",
                        "attempts": 0,
                        "next_attempt_at": now,
                        "created_at": now,
                    }
                    for r in rows
                ],
            )
        if cursor != endpoint.cursor:
            endpoint.cursor = cursor
        return len(rows)

    async def _owner(self, session: AsyncSession, key_id: int) -> Principal | None:
        key = await session.get(ApiKey, key_id)
        now = utcnow()
        if key is None or key.revoked_at is not None or (key.expires_at is not None and key.expires_at <= now):
            return None
        principal = await build_principal(
            session, "api_key", key.id, key.name, key.name, Role(key.role), list(key.scopes or []), key.unit_id
        )
        principal = dataclasses.replace(principal, partner=key.partner or f"key:{key.id}")
        return principal if principal.has(Scope.sync_read) else None

    # 2. Dispatch
    async def _claim(self, limit: int) -> list[Claimed]:
        now = utcnow()
        d = WebhookDelivery
        after = self._claimed_to
        if after is not None and time.monotonic() - self._claimed_from_start >= CLAIM_FROM_START_EVERY:
            after = None
        if after is None:
            self._claimed_from_start = time.monotonic()
        stmt = claim_statement(now, limit, after).add_columns(d.next_attempt_at)
        if self.postgres:
            stmt = stmt.with_for_update(of=d, skip_locked=True)
        else:  # one process: look first, and take SQLite's write lock only when something is due
            async with self.db.sessionmaker() as session:
                if (await session.execute(stmt.with_only_columns(d.id).limit(1))).first() is None:
                    return []
        intent = write_intent.set(True)
        try:
            async with self.db.sessionmaker() as session, session.begin():
                rows = (await session.execute(stmt)).all()
                # From the last one claimed next time while the batches come full; else from the start.
                self._claimed_to = (rows[-1][-1], rows[-1].id) if len(rows) == limit else None
                if not rows:
                    return []
                await session.execute(
                    update(WebhookDelivery)
                    .where(WebhookDelivery.id.in_([r.id for r in rows]))
                    .values(next_attempt_at=now + self.lease)
                )
        finally:
            write_intent.reset(intent)
        return [Claimed(*r[:-1]) for r in rows]

    async def _send(self, c: Claimed, target: asyncio.Future[addresses.Target]) -> Outcome:
        assert self._http is not None
        started = time.monotonic()
        out = Outcome(c, utcnow())
        try:
            checked = await target
            url, host, extensions = addresses.pinned(checked)
            headers = messages.headers(c.secret, c.msg_id, c.payload, utcnow()) | host
            answer = await self._http.post(url, c.payload.encode(), headers, sni=extensions.get("sni_hostname"))
            out.status_code = answer.status
            out.response = answer.body[: EXCERPT * 4].decode("utf-8", "replace")[:EXCERPT] or None
            if not out.ok:
                out.error = f"HTTP {out.status_code}"
        except addresses.Refused as refused:
            out.error = str(refused)[:500]
        except TimeoutError:
            out.error = f"Hết thời gian chờ ({self.settings.webhook_timeout_seconds:g} giây)"
        except http.HTTPError as exc:
            out.error = str(exc)[:500]
        out.duration_ms = int((time.monotonic() - started) * 1000)
        return out

    # 3. Record
    def _next_attempt(self, attempts: int, created_at: dt.datetime, now: dt.datetime) -> dt.datetime | None:
        s = self.settings
        wait = min(s.webhook_retry_base_seconds * 2 ** (attempts - 1), s.webhook_retry_max_seconds)
        wait *= 1 + random.random() * 0.1
        at = now + dt.timedelta(seconds=wait)
        return None if at > created_at + dt.timedelta(seconds=s.webhook_retry_window_seconds) else at

    async def _record(self, outcomes: Sequence[Outcome]) -> None:
        now = utcnow()
        done, attempts = [], []
        for o in outcomes:
            c = o.claimed
            tried = c.attempts + 1
            nxt = None if o.ok else self._next_attempt(tried, c.created_at, now)
            done.append(
                {
                    "_id": c.id,
                    "_attempts": c.attempts,
                    "_status": "delivered" if o.ok else ("pending" if nxt is not None else "failed"),
                    "_tried": tried,
                    "_next": nxt,
                    "_code": o.status_code,
                    "_error": o.error,
                    "_delivered": now if o.ok else None,
                }
            )
            attempts.append(
                {
                    "delivery_id": c.id,
                    "attempt": tried,
                    "at": o.at,
                    "status_code": o.status_code,
                    "error": o.error,
                    "duration_ms": o.duration_ms,
                    "response": o.response,
                }
            )
        stmt = (
            update(_D)
            .where(_D.c.id == bindparam("_id"), _D.c.attempts == bindparam("_attempts"), _D.c.status == "pending")
            .values(
                status=bindparam("_status"),
                attempts=bindparam("_tried"),
                next_attempt_at=bindparam("_next"),
                last_status_code=bindparam("_code"),
                last_error=bindparam("_error"),
                delivered_at=bindparam("_delivered"),
            )
        )
        intent = write_intent.set(True)
        try:
            async with self.db.sessionmaker() as session, session.begin():
                await (await session.connection()).execute(stmt, done)
                await session.execute(insert(WebhookAttempt), attempts)
                await self._account(session, outcomes, now)
        finally:
            write_intent.reset(intent)

    async def _account(self, session: AsyncSession, outcomes: Sequence[Outcome], now: dt.datetime) -> None:
        """Failures in a row per endpoint, and the automatic disabling."""
        by_endpoint: dict[int, list[Outcome]] = {}
        for o in sorted(outcomes, key=lambda o: o.at.timestamp() + o.duration_ms / 1000):
            by_endpoint.setdefault(o.claimed.endpoint_id, []).append(o)
        s = self.settings
        for endpoint_id, results in sorted(by_endpoint.items()):
            last_ok = max((i for i, o in enumerate(results) if o.ok), default=None)
            failed = results if last_ok is None else results[last_ok + 1 :]
            values: dict[str, Any]
            if last_ok is not None:
                values = {"failures": len(failed), "failing_since": failed[0].at if failed else None}
            elif failed:
                values = {
                    "failures": _E.c.failures + len(failed),
                    "failing_since": func.coalesce(_E.c.failing_since, failed[0].at),
                }
            else:
                continue
            await session.execute(update(_E).where(_E.c.id == endpoint_id).values(**values))
            if not failed:
                continue
            last = failed[-1].error or ""
            reason = (
                f"Tự động tắt sau {s.webhook_disable_after_failures} lần gửi thất bại liên tiếp trở lên "
                f"(lần cuối: {last})"
            )[:500]
            gone = await session.execute(
                update(_E)
                .where(
                    _E.c.id == endpoint_id,
                    _E.c.enabled,
                    _E.c.failures >= s.webhook_disable_after_failures,
                    _E.c.failing_since <= now - dt.timedelta(seconds=s.webhook_disable_after_seconds),
                )
                .values(enabled=False, disabled_at=now, disabled_reason=reason, updated_at=now)
            )
            if gone.rowcount:  # type: ignore[attr-defined]
                log.warning("webhook_disabled", endpoint=endpoint_id, reason=reason)
