"""The floor of a signed-in request: the real application (its middleware) plus one endpoint that only
authenticates the caller as the statistics endpoints do, then answers a constant. Comparing it with
the bare baseline and with repeated statistics requests shows where their time goes.

``app`` runs as the service does: on PostgreSQL each worker hears the database's change notifications
and keeps signed-in callers (api/db/notify.py), so a repeated caller costs no round trip.
``app_without_ping`` asks the database on every request (no notifications: the token lookup each
time) with a connection pool that does not test each connection before lending it
(``pool_pre_ping``: three extra round trips per request), to show what the lookup costs.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import create_async_engine

from api.auth.dependencies import StatsRead
from api.core.config import get_settings
from api.db.engine import Database
from api.main import create_app


async def authed_endpoint(_: StatsRead) -> dict[str, Any]:
    return {"unit_code": "VN", "year": 2024, "items": [{"indicator": "members", "value": 1}]}


def _with_endpoint(app: FastAPI) -> FastAPI:
    app.add_api_route("/api/v1/bench/authed", authed_endpoint, methods=["GET"], include_in_schema=False)
    return app


app = _with_endpoint(create_app())
_settings = get_settings()
app_without_ping = _with_endpoint(
    create_app(
        _settings,
        db=Database(
            create_async_engine(
                _settings.database_url,
                pool_size=_settings.database_pool_size,
                max_overflow=_settings.database_pool_size,
            )
        ),
    )
)
