"""The bare baseline: a FastAPI app with one JSON endpoint and nothing else, served like the service
(the ceiling of the framework on this machine)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

app = FastAPI()


@app.get("/bare")
async def bare_endpoint() -> dict[str, Any]:
    return {"unit_code": "VN", "year": 2024, "items": [{"indicator": "members", "value": 1}]}
