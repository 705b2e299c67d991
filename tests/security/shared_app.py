"""One app per test module for the HTTP security tests: building one takes a second or two, and the suite
must stay under two minutes. Each test still gets its own rolled-back database (``app.state.db``).

Import ``app`` from here into a test module to override conftest's per-test app."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI

from api.core.config import Settings
from api.db.engine import Database
from api.main import create_app


@pytest.fixture(scope="module")
def module_app(database_url: str) -> FastAPI:
    settings = Settings(
        database_url=database_url,
        environment="test",
        log_json=True,
        log_level="WARNING",
        frontend_dist=Path("/nonexistent-dashboard"),
    )
    return create_app(settings)


@pytest.fixture
def app(module_app: FastAPI, db: Database) -> FastAPI:
    module_app.state.db = db
    return module_app
