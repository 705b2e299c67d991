"""Prometheus metrics at ``/metrics``: requests and latency per route, database pools, imports, sync lag.

``/metrics`` is outside the API (``/api/v1``) and not in openapi.yaml. It answers only with
``Authorization: Bearer $KH_METRICS_TOKEN``; without that setting it does not exist (404).

With several uvicorn workers each process counts its own requests; ``khuyenhoc serve`` then sets
``PROMETHEUS_MULTIPROC_DIR`` (api/ops/serving.py) and a scrape, answered by any one worker, adds up
every worker's files, so the numbers do not depend on which worker answers.
"""

from __future__ import annotations

import glob
import os
import re
import secrets
import time
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.config import Settings
from api.core.errors import NotFound, Unauthorized, problem_response

METRICS_PATH = "/metrics"
# The classic text format, which every Prometheus version reads (the names here are plain ASCII).
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
_IMPORT_PATH = re.compile(r"^/api/v1/([a-z0-9-]+)/imports/?$")
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

REQUESTS = Counter(
    "khuyenhoc_http_requests_total", "HTTP requests answered, by route template.", ["method", "route", "status"]
)
LATENCY = Histogram(
    "khuyenhoc_http_request_duration_seconds",
    "Time from the request to the end of its response, by route template.",
    ["method", "route"],
    buckets=BUCKETS,
)
IN_PROGRESS = Gauge("khuyenhoc_http_requests_in_progress", "Requests being handled.", multiprocess_mode="livesum")
POOL = Gauge(
    "khuyenhoc_db_pool_connections",
    "Database connections of the pool: size (kept open), checked_out (in use), idle, overflow.",
    ["database", "state"],
    multiprocess_mode="livesum",
)
IMPORTS = Counter(
    "khuyenhoc_import_jobs_total",
    "Import jobs (Excel uploads) finished: succeeded, accepted (queued), rejected (bad file), failed.",
    ["kind", "outcome"],
)
IMPORTS_RUNNING = Gauge(
    "khuyenhoc_import_jobs_in_progress", "Import jobs being handled.", ["kind"], multiprocess_mode="livesum"
)
SYNC_LAG = Gauge(
    "khuyenhoc_sync_lag_seconds",
    "Age of the newest change a partner system has pulled (set by the sync domain).",
    ["partner"],
    multiprocess_mode="mostrecent",
)


def record_import(kind: str, outcome: str) -> None:
    """For import jobs that finish outside the request (queued jobs): count how they ended."""
    IMPORTS.labels(kind=kind, outcome=outcome).inc()


def set_sync_lag(partner: str, seconds: float) -> None:
    """For the sync domain: how far behind a partner's last pull is."""
    SYNC_LAG.labels(partner=partner).set(seconds)


def _outcome(status: int) -> str:
    if status == 202:
        return "accepted"
    if status < 400:
        return "succeeded"
    return "rejected" if status < 500 else "failed"


def route_template(scope: Scope) -> str:
    """The matched route's full path template (``/api/v1/units/{code}``): labels stay few whatever is asked."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if not isinstance(template, str):
        return "unmatched"
    # An included router's route knows its path without the router's prefix: take the prefix from the
    # request's path, where the route's own part, with the parameters filled in, ends it.
    try:
        own = template.format(**scope.get("path_params", {}))
    except (KeyError, IndexError, ValueError):
        return template
    path = scope.get("path", "")
    return path[: len(path) - len(own)] + template if own and path.endswith(own) else template


def observe_pools(app: Any) -> None:
    """Set the pool gauges from the app's engines (primary and, when configured, the replica)."""
    db = getattr(app.state, "db", None)
    engines = [("primary", getattr(db, "engine", None)), ("replica", getattr(db, "replica", None))]
    for name, engine in engines:
        pool = getattr(engine, "pool", None)
        if pool is None or not hasattr(pool, "checkedout"):
            continue
        size, out, idle, overflow = pool.size(), pool.checkedout(), pool.checkedin(), max(pool.overflow(), 0)
        for state, value in (("size", size), ("checked_out", out), ("idle", idle), ("overflow", overflow)):
            POOL.labels(database=name, state=state).set(value)


def exposition() -> bytes:
    """The text exposition: this process's metrics, or every worker's in multiprocess mode."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return generate_latest(REGISTRY)
    _forget_dead_workers(directory)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    return generate_latest(registry)


def _forget_dead_workers(directory: str) -> None:
    # A worker that crashed and was replaced leaves its live gauges behind; drop them (counters stay).
    pids = {
        m.group(1)
        for f in glob.glob(os.path.join(directory, "gauge_live*_*.db"))
        if (m := re.search(r"_(\d+)\.db$", f))
    }
    for pid in pids:
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            mark_process_dead(int(pid), directory)  # type: ignore[no-untyped-call]
        except PermissionError:
            pass


POOLS_EVERY = 1.0  # seconds between two readings of the pool gauges by one worker (and at every scrape)


class MetricsMiddleware:
    """Counts and times every HTTP request by route template, and answers ``/metrics``."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        # An empty KH_METRICS_TOKEN is no token: /metrics stays off rather than open to "Bearer ".
        self.token = (settings.metrics_token.get_secret_value() if settings.metrics_token else "") or None
        self._pools_seen = float("-inf")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == METRICS_PATH:
            await self._scrape(scope, receive, send)
            return
        method = scope["method"]
        match = _IMPORT_PATH.match(scope["path"]) if method == "POST" else None
        kind = match.group(1) if match else None
        status = 500
        started = time.perf_counter()

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        IN_PROGRESS.inc()
        if kind:
            IMPORTS_RUNNING.labels(kind=kind).inc()
        try:
            await self.app(scope, receive, send_status)
        finally:
            route = route_template(scope)
            REQUESTS.labels(method=method, route=route, status=str(status)).inc()
            LATENCY.labels(method=method, route=route).observe(time.perf_counter() - started)
            IN_PROGRESS.dec()
            if kind:
                IMPORTS_RUNNING.labels(kind=kind).dec()
                IMPORTS.labels(kind=kind, outcome=_outcome(status)).inc()
            if "app" in scope and started - self._pools_seen >= POOLS_EVERY:
                self._pools_seen = started
                observe_pools(scope["app"])

    async def _scrape(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.token is None:
            response: Any = problem_response(404, NotFound.slug, NotFound.title, "Không có địa chỉ này.")
        elif not self._authorised(scope):
            response = problem_response(
                401,
                Unauthorized.slug,
                Unauthorized.title,
                "Cần Authorization: Bearer <KH_METRICS_TOKEN>.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        else:
            if "app" in scope:
                observe_pools(scope["app"])
            response = Response(exposition(), media_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"})
        await response(scope, receive, send)

    def _authorised(self, scope: Scope) -> bool:
        assert self.token is not None
        header = next((v for k, v in scope["headers"] if k == b"authorization"), b"").decode("latin-1")
        scheme, _, value = header.partition(" ")
        return scheme.lower() == "bearer" and secrets.compare_digest(value.strip().encode(), self.token.encode())
