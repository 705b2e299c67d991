"""Running the service for real: limits and timeouts, metrics, the read replica, backups."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from starlette.types import ASGIApp

from api.core.config import Settings


def install(app: FastAPI, settings: Settings, *, before_routing: Callable[[ASGIApp], ASGIApp] | None = None) -> None:
    """Add the operations middleware; call it just before the request-context middleware is added.

    ``before_routing`` (the kept statistics answers) runs inside the metrics, before the limits and the
    replica routing, which an answer made in advance does not need."""
    from api.ops.limits import LimitsMiddleware
    from api.ops.metrics import MetricsMiddleware
    from api.ops.public_limit import PublicRateLimit
    from api.ops.replica import ReplicaRoutingMiddleware

    # The last added runs first: metrics time everything, limits sit closest to the routes (only the
    # idempotency keys, added before this, sit inside them: they read bodies through the limits).
    app.add_middleware(LimitsMiddleware, settings=settings)
    app.add_middleware(ReplicaRoutingMiddleware)
    if before_routing is not None:
        app.add_middleware(before_routing)
    app.add_middleware(PublicRateLimit, settings=settings)  # before the kept answers: they are limited too
    app.add_middleware(MetricsMiddleware, settings=settings)
