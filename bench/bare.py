"""The bare baseline: a FastAPI app with one JSON endpoint and nothing else, served like the service
(the ceiling of the framework on this machine), and one that sends a body of a given size (the ceiling
for answers of that size: a kept statistics answer of 660 kB is compared with 660 kB sent bare)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Response

app = FastAPI()


@app.get("/bare")
async def bare_endpoint() -> dict[str, Any]:
    return {"unit_code": "VN", "year": 2024, "items": [{"indicator": "members", "value": 1}]}


_BODIES: dict[int, bytes] = {}


@app.get("/bare-bytes/{size}")
async def bare_bytes(size: int) -> Response:
    body = _BODIES.get(size)
    if body is None:
        body = _BODIES[size] = b'"' + b"x" * max(0, size - 2) + b'"'
    return Response(body, media_type="application/json")
