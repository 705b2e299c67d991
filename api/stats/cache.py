"""Answers of the statistics endpoints kept in each worker, checked on every request against what
they were made from, so that an approval is in the very next answer, in every worker.

Two checks, the cheap one first:

- on PostgreSQL, the transaction snapshot (``pg_current_snapshot()``: the oldest and newest
  transaction ids and those running). It changes whenever a writing transaction starts or ends, and
  reading never changes it, so an equal snapshot means the data visible is the very same: the answer
  is served after one tiny query;
- otherwise (something was written somewhere, or SQLite), the *data version*, read in one statement
  with the snapshot: the count, the sum of ids and the sum of row versions of the reports of the years
  asked for (every insert, update and delete of a report changes it: updates bump the row version)
  and the latest update time, the same of the targets, the newest unit and succession ids
  (villages and successions are only ever added), and the count and id sum of the publications
  (api/public: only added and deleted). When it is unchanged the entry is kept and stamped
  with the new snapshot.

On PostgreSQL, while the worker hears the database's change notifications (api/db/notify.py), none
of this is read: every write to reports, targets, units or successions notifies at its commit, and
an answer is kept while no notification came since it was begun (its *epoch*). A kept answer is
then served with no round trip to the database. On SQLite, the change counter (api/db/changes.py)
plays that part: read in each request, it moves on every commit to the file, by any process, and an
answer is kept while it has not moved. Without either (a read replica, the listening connection lost)
the checks above are made on every request.

Units renamed by ``khuyenhoc units load`` (no API renames units) are seen when an entry reaches its
age limit, ``MAX_AGE``. A request with ``Cache-Control: no-cache`` from an admin is computed afresh and not kept.
Entries are dropped least recently used first beyond ``MAX_BYTES`` per worker.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from types import SimpleNamespace
from typing import Any

from fastapi import Request, Response
from fastapi.security.utils import get_authorization_scheme_param
from sqlalchemy import func, literal, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import scope as unit_scope  # `scope` is the ASGI scope in this module
from api.auth.principal import Principal
from api.auth.scopes import Role
from api.auth.scopes import Scope as ApiScope
from api.core.representation import OutputFormat, etag_matches, negotiate, not_modified
from api.core.text import today_vn
from api.db.notify import Notifications
from api.models import Publication, Report, Target, Unit, UnitSuccession

MAX_BYTES = 16 * 1024 * 1024
MAX_AGE = 300.0  # seconds
_KEPT_HEADERS = ("etag", "cache-control", "vary", "content-type", "content-disposition", "x-next-cursor")

Version = tuple[Any, ...]
# A transaction that has written sees its own changes without its snapshot changing: none then.
SNAPSHOT = text("CASE WHEN pg_current_xact_id_if_assigned() IS NULL THEN pg_current_snapshot()::text END")


@dataclass(frozen=True)
class Entry:
    version: Version
    created: float
    snapshot: str | None  # the snapshot at which the version was last read (PostgreSQL)
    status_code: int
    body: bytes
    headers: tuple[tuple[str, str], ...]
    epoch: tuple[int, int] | None = None  # (listener, notifications heard) when it was begun

    @property
    def etag(self) -> str:
        return dict(self.headers).get("etag", "")

    @functools.cached_property
    def raw_200_headers(self) -> list[tuple[bytes, bytes]]:
        """The headers ``response`` sends with the body (and its length), encoded once."""
        return [*_encoded(self.headers), (b"content-length", str(len(self.body)).encode())]

    @functools.cached_property
    def raw_304_headers(self) -> list[tuple[bytes, bytes]]:
        """The headers ``response`` sends with a 304 (no content type), encoded once."""
        return _encoded((k, v) for k, v in self.headers if k != "content-type")

    def response(self, request: Request) -> Response:
        headers = dict(self.headers)
        if not_modified(request, self.etag):
            headers.pop("content-type", None)
            return Response(status_code=304, headers=headers)
        return Response(self.body, status_code=self.status_code, headers=headers)


def _encoded(headers: Iterable[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    return [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]


class AnswerCache:
    def __init__(self, max_bytes: int = MAX_BYTES, max_age: float = MAX_AGE) -> None:
        self.max_bytes = max_bytes
        self.max_age = max_age
        self._entries: OrderedDict[tuple[Any, ...], Entry] = OrderedDict()
        self._bytes = 0
        self.hits = self.misses = 0

    def get(self, key: tuple[Any, ...]) -> Entry | None:
        """The entry if it is not too old (its version is the caller's to check)."""
        entry = self._entries.get(key)
        if entry is None or time.monotonic() - entry.created > self.max_age:
            return None
        self._entries.move_to_end(key)
        return entry

    def stamp(self, key: tuple[Any, ...], entry: Entry, snapshot: str | None) -> Entry:
        """The entry checked again at a newer snapshot."""
        if snapshot == entry.snapshot:
            return entry
        entry = replace(entry, snapshot=snapshot)
        if key in self._entries:
            self._entries[key] = entry
        return entry

    def put(
        self,
        key: tuple[Any, ...],
        version: Version,
        snapshot: str | None,
        response: Response,
        epoch: tuple[int, int] | None = None,
    ) -> Entry | None:
        """Keep a 200 answer (not one too large to be worth it); returns the entry kept."""
        body = bytes(response.body)
        if response.status_code != 200 or len(body) > self.max_bytes // 4:
            return None
        headers = tuple((k, v) for k, v in response.headers.items() if k in _KEPT_HEADERS)
        self._drop(key)
        entry = Entry(version, time.monotonic(), snapshot, response.status_code, body, headers, epoch)
        self._entries[key] = entry
        self._bytes += len(body)
        while self._bytes > self.max_bytes and self._entries:
            self._drop(next(iter(self._entries)))
        return entry

    def _drop(self, key: tuple[Any, ...]) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= len(old.body)

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0


CACHE = AnswerCache()


def _postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def snapshot(session: AsyncSession) -> str | None:
    """The current snapshot (PostgreSQL), or None."""
    if not _postgres(session):
        return None
    found = await session.scalar(select(SNAPSHOT))
    return None if found is None else str(found)


async def data_version(session: AsyncSession, years: Iterable[int]) -> tuple[str | None, Version]:
    """What the answers for these years are made from, and the snapshot it was read at, in one
    statement (see the module's docstring)."""
    reports = (
        select(
            func.count().label("n"),
            func.coalesce(func.sum(Report.id), 0).label("ids"),
            func.coalesce(func.sum(Report.version), 0).label("versions"),
            func.max(Report.updated_at).label("updated"),
        )
        .where(Report.year.in_(sorted(set(years))))
        .subquery()
    )
    targets = select(
        func.count().label("n"),
        func.coalesce(func.sum(Target.id), 0).label("ids"),
        func.coalesce(func.sum(Target.version), 0).label("versions"),
        func.max(Target.updated_at).label("updated"),
    ).subquery()
    stmt = select(
        SNAPSHOT if _postgres(session) else literal(None),
        reports.c.n,
        reports.c.ids,
        reports.c.versions,
        reports.c.updated,
        targets.c.n,
        targets.c.ids,
        targets.c.versions,
        targets.c.updated,
        select(func.max(Unit.id)).scalar_subquery(),
        select(func.max(UnitSuccession.id)).scalar_subquery(),
        # Publications (open data) are only added and deleted: their count and the sum of their ids.
        select(func.count(Publication.id)).scalar_subquery(),
        select(func.coalesce(func.sum(Publication.id), 0)).scalar_subquery(),
    ).select_from(reports.join(targets, reports.c.n == reports.c.n))
    row = (await session.execute(stmt)).one()
    return (None if row[0] is None else str(row[0])), tuple(row[1:])


def request_key(request: Request, fmt: OutputFormat, drafts_of: Principal | None) -> tuple[Any, ...]:
    return answer_key(request.url.path, tuple(sorted(request.query_params.multi_items())), fmt, drafts_of)


def answer_key(
    path: str, query: tuple[tuple[str, str], ...], fmt: OutputFormat, drafts_of: Principal | None
) -> tuple[Any, ...]:
    """What the answer depends on besides the data: the path and the sorted query, the format, today's
    date (the default map) and, for drafts, whose drafts."""
    drafts = None if drafts_of is None else unit_scope.key(drafts_of)
    return (path, query, fmt.value, today_vn(), drafts)


def bypass(request: Request, principal: Principal | None = None) -> bool:
    """Whether to compute afresh: ``Cache-Control: no-cache`` from an admin. Anyone else gets the kept
    answer (always current: it is checked against the data), so no-cache cannot make every request a
    full computation (issue 14, Medium 10)."""
    if principal is None or principal.role is not Role.admin:
        return False
    directives = request.headers.get("cache-control", "").lower()
    return "no-cache" in directives or "no-store" in directives


async def answer(
    request: Request,
    session: AsyncSession,
    *,
    fmt: OutputFormat,
    years: Iterable[int],
    drafts_of: Principal | None,
    compute: Callable[[Request], Awaitable[Response]],
    principal: Principal | None = None,
) -> Response:
    """The kept answer when the data has not changed since it was made, else a fresh one (kept).

    ``compute`` gets the request without its ``If-None-Match``, so that the whole answer is kept even
    when this caller already has it (it then gets its 304 from the kept entry)."""
    if bypass(request, principal):
        return await compute(request)
    key = request_key(request, fmt, drafts_of)
    notifications: Notifications | None = request.app.state.notifications
    if notifications is not None and notifications.trust_for_stats:
        await asyncio.sleep(0)  # a notification already received is counted before the epoch is read
        if notifications.trust_for_stats:
            return await _answer_by_epoch(request, key, (id(notifications), notifications.stats_epoch), compute)
    entry = CACHE.get(key)
    if entry is not None and entry.snapshot is not None and entry.snapshot == await snapshot(session):
        CACHE.hits += 1
        return entry.response(request)
    current, version = await data_version(session, years)
    if entry is not None and entry.version == version:
        CACHE.hits += 1
        return CACHE.stamp(key, entry, current).response(request)
    CACHE.misses += 1
    response = await compute(_unconditional(request))
    kept = CACHE.put(key, version, current, response)
    if kept is None:  # not kept: answer the caller's condition here
        kept = Entry(version, 0.0, None, response.status_code, bytes(response.body), tuple(response.headers.items()))
    return kept.response(request)


async def _answer_by_epoch(
    request: Request,
    key: tuple[Any, ...],
    epoch: tuple[int, int],
    compute: Callable[[Request], Awaitable[Response]],
) -> Response:
    entry = CACHE.get(key)
    if entry is not None and entry.epoch == epoch:
        CACHE.hits += 1
        return entry.response(request)
    # One computation per answer at a time: requests for an answer being made wait for it.
    flight = _FLIGHTS.get((key, epoch))
    if flight is not None:
        made = await asyncio.shield(flight)
        if made is not None:
            CACHE.hits += 1
            return made.response(request)
    CACHE.misses += 1
    flight = _FLIGHTS[(key, epoch)] = asyncio.get_running_loop().create_future()
    made = None
    try:
        response = await compute(_unconditional(request))
        made = CACHE.put(key, (), None, response, epoch)
    finally:
        flight.set_result(made)  # None: the others make their own
        _FLIGHTS.pop((key, epoch), None)
    if made is None:
        made = Entry((), 0.0, None, response.status_code, bytes(response.body), tuple(response.headers.items()))
    return made.response(request)


_FLIGHTS: dict[tuple[Any, ...], asyncio.Future[Entry | None]] = {}


STATS_PATHS = frozenset({"/api/v1/stats/indicators", "/api/v1/stats/series", "/api/v1/stats/highlights"})
# The open data (api/public): the same answers for anyone, no caller to check.
PUBLIC_PATHS = frozenset({"/api/v1/public/indicators", "/api/v1/public/series", "/api/v1/public/highlights"})
KEPT_PATHS = STATS_PATHS | PUBLIC_PATHS


class KeptAnswers:
    """ASGI middleware: the change counters read for every request with credentials (``refresh``), and a
    repeated statistics request answered from the kept answer before routing.

    Only when the worker hears notifications, the caller is kept (a token or key seen within a minute,
    api/db/notify.py) and may read statistics (or the path is the open data's: no caller), and the answer for
    the same query is kept at the current epoch: exactly the answer (or 304) the endpoint would give, without
    validating the query again (a kept answer exists only for a query that was valid), resolving dependencies or
    opening a session. Anything else goes on to the endpoint."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (
            scope["path"] in PUBLIC_PATHS or any(name == b"authorization" for name, _ in scope["headers"])
        ):
            # A caller with credentials (kept callers and answers) and the open data's kept answers first read the
            # change counters (PostgreSQL), so that a write made through any worker is seen (api/db/notify.py).
            state = getattr(scope.get("app"), "state", None)
            notifications: Notifications | None = getattr(state, "notifications", None)
            if notifications is not None:
                await notifications.refresh()
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] in KEPT_PATHS:
            messages = await _kept_messages(scope)
            if messages is not None:
                scope["route"] = SimpleNamespace(path_format=scope["path"])  # for the metrics' label
                for message in messages:
                    await send(message)
                return
        await self.app(scope, receive, send)


_QUERIES: dict[bytes, tuple[tuple[tuple[str, str], ...], OutputFormat | None] | None] = {}


def _query(raw: bytes) -> tuple[tuple[tuple[str, str], ...], OutputFormat | None] | None:
    """The query as ``request_key`` sees it and its ?format=, or None when the endpoint must decide (drafts,
    an unknown format); kept per query string (dashboards ask the same few again and again)."""
    if raw in _QUERIES:
        return _QUERIES[raw]
    params = QueryParams(raw)
    formats = params.getlist("format")
    found: tuple[tuple[tuple[str, str], ...], OutputFormat | None] | None = None
    known = set(formats) <= {f.value for f in OutputFormat}
    if params.getlist("status") in ([], ["approved"]) and len(formats) <= 1 and known:
        found = (tuple(sorted(params.multi_items())), OutputFormat(formats[0]) if formats else None)
    if len(_QUERIES) >= 1024:
        _QUERIES.clear()
    _QUERIES[raw] = found
    return found


async def _kept_messages(scope: Scope) -> list[Message] | None:
    """The ASGI messages of the kept answer (200 or 304) for this request, or None (the endpoint answers)."""
    app = scope.get("app")
    notifications: Notifications | None = getattr(getattr(app, "state", None), "notifications", None)
    if notifications is None or not notifications.trust_for_stats or scope.get("root_path"):
        return None
    authorization = condition = accept = ""
    for name, value in scope["headers"]:
        if name == b"authorization":
            authorization = value.decode("latin-1")
        elif name == b"if-none-match":
            condition = value.decode("latin-1")
        elif name == b"accept":
            accept = value.decode("latin-1")
        elif name in (b"cache-control", b"pragma"):
            return None  # no-cache and its kin: the endpoint
    if scope["path"] not in PUBLIC_PATHS:
        scheme, token = get_authorization_scheme_param(authorization)
        if scheme.lower() != "bearer" or not token:
            return None
        principal = notifications.principal(Notifications.principal_key(token))
        if principal is None or not principal.has(ApiScope.stats_read):
            return None
    query = _query(scope.get("query_string", b""))
    if query is None:
        return None
    items, fmt = query
    key = answer_key(scope["path"], items, fmt or negotiate(accept), None)
    await asyncio.sleep(0)  # as in ``answer``
    if not _trusted(notifications):  # the connection may have been lost meanwhile
        return None
    entry = CACHE.get(key)
    if entry is None or entry.epoch != (id(notifications), notifications.stats_epoch):
        return None
    CACHE.hits += 1
    if condition and etag_matches(condition, entry.etag):
        return [
            {"type": "http.response.start", "status": 304, "headers": list(entry.raw_304_headers)},
            {"type": "http.response.body", "body": b""},
        ]
    return [
        {"type": "http.response.start", "status": entry.status_code, "headers": list(entry.raw_200_headers)},
        {"type": "http.response.body", "body": entry.body},
    ]


def _trusted(notifications: Notifications) -> bool:
    return notifications.trust_for_stats


def _unconditional(request: Request) -> Request:
    headers = [(k, v) for k, v in request.scope["headers"] if k != b"if-none-match"]
    return Request({**request.scope, "headers": headers}, request.receive)
