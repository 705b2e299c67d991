"""Running the service for real: limits and timeouts, metrics, the read replica, backups."""

from __future__ import annotations

from fastapi import FastAPI

from api.core.config import Settings


def install(app: FastAPI, settings: Settings) -> None:
    """Add the operations middleware; call it just before the request-context middleware is added."""
    from api.ops.limits import LimitsMiddleware
    from api.ops.metrics import MetricsMiddleware
    from api.ops.replica import ReplicaRoutingMiddleware

    # The last added runs first: metrics time everything, limits sit closest to the routes.
    app.add_middleware(LimitsMiddleware, settings=settings)
    app.add_middleware(ReplicaRoutingMiddleware)
    app.add_middleware(MetricsMiddleware, settings=settings)
