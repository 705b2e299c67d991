"""The application: routers under /api/v1, error handlers, middleware, the built dashboard at /."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.activities import router as activities
from api.api_keys.router import router as api_keys_router
from api.associations import router as associations
from api.audit.router import router as audit_router
from api.auth.router import router as auth_router
from api.awards.export import router as awards_export_router
from api.awards.router import router as awards_router
from api.commendations import router as commendations
from api.core.config import Settings, get_settings
from api.core.dashboard import mount_dashboard
from api.core.errors import install_error_handlers
from api.core.hostile import NulGuardMiddleware
from api.core.middleware import RequestContextMiddleware
from api.core.openapi import install as install_openapi
from api.core.requestid import configure_logging
from api.db.changes import SqliteChanges, sqlite_file
from api.db.engine import Database
from api.db.notify import Notifications
from api.funds import router as funds
from api.health.router import router as health_router
from api.inspections import router as inspections
from api.ops import install as install_ops
from api.ops.idempotency import IdempotencyMiddleware
from api.ops.replica import make_database
from api.partnerships import router as partnerships
from api.public.pages import page_meta
from api.public.router import router as public_router
from api.recognition import router as recognition
from api.reports.router import router as reports_router
from api.stats.cache import KeptAnswers
from api.stats.router import router as stats_router
from api.sync.router import router as sync_router
from api.targets.router import router as targets_router
from api.units.router import router as units_router
from api.users.router import router as users_router
from api.webhooks.router import router as webhooks_router

API_PREFIX = "/api/v1"

DESCRIPTION = """\
API dữ liệu của Hội Khuyến học Việt Nam: đơn vị hành chính, báo cáo thống kê năm,
chỉ tiêu Quyết định 387/QĐ-TTg và 677/QĐ-TTg, quỹ khuyến học, khen thưởng.

Data API of Vietnam's Study Promotion Associations. Errors are RFC 9457 problem+json;
lists are cursor-paginated and answer CSV with `Accept: text/csv` or `?format=csv`.
"""


def api_router() -> APIRouter:
    router = APIRouter(prefix=API_PREFIX)
    router.include_router(health_router)
    router.include_router(auth_router)
    router.include_router(units_router)
    router.include_router(users_router)
    router.include_router(api_keys_router)
    router.include_router(audit_router)
    router.include_router(reports_router)
    router.include_router(stats_router)
    router.include_router(public_router)
    router.include_router(targets_router)
    for registry in (associations, funds, commendations, inspections, partnerships, activities):
        router.include_router(registry.router)
    router.include_router(awards_router)
    router.include_router(recognition.registrations)
    router.include_router(recognition.router)
    router.include_router(awards_export_router)
    router.include_router(sync_router)
    router.include_router(webhooks_router)
    return router


def create_app(settings: Settings | None = None, *, db: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(level=settings.log_level, json=settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = db is None
        app.state.db = db or make_database(settings)  # primary, and the read replica when configured
        notifications: Notifications | None = None
        changes_file = sqlite_file(settings.database_url) if settings.is_sqlite else None
        if settings.notifications and changes_file is not None and owned:
            notifications = SqliteChanges(changes_file)  # SQLite's own change counter, checked per request
            await notifications.start()
        elif settings.notifications and not settings.is_sqlite and owned:
            notifications = Notifications(
                settings.database_listen_url or settings.database_url,
                replica=settings.database_replica_url is not None,
            )
            await notifications.start()
        app.state.notifications = notifications
        # What start-up made lives as long as the worker: keep it out of the cyclic collector's full passes,
        # which otherwise walk it every time and stall requests for tens of milliseconds.
        gc.collect()
        gc.freeze()
        yield
        if notifications is not None:
            await notifications.stop()
        if owned:
            await app.state.db.dispose()

    app = FastAPI(
        title="Khuyến học API",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url=f"{API_PREFIX}/openapi.json",
    )
    if db is not None:  # set eagerly too, for test clients that do not run the lifespan
        app.state.db = db
    app.state.notifications = None
    app.state.settings = settings
    install_error_handlers(app)
    install_openapi(app)
    app.include_router(api_router())
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "If-Match", "If-None-Match", "Idempotency-Key"],
            expose_headers=["ETag", "X-Request-ID", "X-Client-Request-ID", "X-Next-Cursor", "Location"],
        )
    app.add_middleware(NulGuardMiddleware)
    # Inside the body limits: a retry key must never let a body past them (api/ops/idempotency.py).
    app.add_middleware(IdempotencyMiddleware)
    # Limits, timeouts, metrics, replica routing (api/ops), and the kept statistics answers (api/stats/cache.py)
    install_ops(app, settings, before_routing=KeptAnswers)
    app.add_middleware(RequestContextMiddleware)
    # Outermost, here rather than in uvicorn, so the trusted proxies are a setting of ours (and tested):
    # X-Forwarded-For from anyone else is the client's own writing.
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    mount_dashboard(app, settings.frontend_dist, page_meta)
    return app


app = create_app()
