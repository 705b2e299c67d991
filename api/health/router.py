"""Liveness and readiness: /api/v1/health, /api/v1/ready."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.core.errors import problem_response, problem_responses
from api.db.engine import Database
from api.db.migrate import current_revisions, head_revisions

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str = Field(description='"ok"')


class Ready(BaseModel):
    status: str = Field(description='"ready"')
    database: str = Field(description="sqlite or postgresql")
    revision: list[str] = Field(description="Applied migration revision(s).")


@router.get("/health", response_model=Health)
async def health() -> Health:
    """The process is alive (no database check)."""
    return Health(status="ok")


@router.get("/ready", response_model=Ready, responses=problem_responses(503))
async def ready(request: Request) -> Ready | JSONResponse:
    """The database answers and its schema is at the latest migration; else 503."""
    db: Database = request.app.state.db
    try:
        async with db.engine.connect() as conn:
            current = await conn.run_sync(current_revisions)
    except Exception as exc:  # any failure to reach the database means "not ready"
        return problem_response(
            503,
            "not-ready",
            "Chưa sẵn sàng",
            f"Không kết nối được cơ sở dữ liệu ({type(exc).__name__}).",
            headers={"Retry-After": "5"},
        )
    if current != head_revisions():
        return problem_response(
            503,
            "not-ready",
            "Chưa sẵn sàng",
            f"Cơ sở dữ liệu chưa được nâng cấp lên bản mới nhất ({', '.join(sorted(current)) or 'trống'}); "
            "hãy chạy `khuyenhoc migrate`.",
            headers={"Retry-After": "5"},
        )
    return Ready(status="ready", database=db.dialect, revision=sorted(current))
