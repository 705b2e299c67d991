"""Issue 18 item 5 (part): the contract a generated client reads (openapi-python-client, Redocly findings)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from api.main import create_app
from api.sync.service import RESOURCES

SPEC: dict[str, Any] = create_app().openapi()
ITEM = "/api/v1/sync/{resource}/{external_id}"


def params(path: str, method: str) -> dict[str, dict[str, Any]]:
    declared = SPEC["paths"][path][method].get("parameters", [])
    shared = SPEC["components"]["parameters"]  # the headers, declared once (api/core/openapi.py)
    found = [shared[p["$ref"].rsplit("/", 1)[1]] if "$ref" in p else p for p in declared]
    return {p["name"]: p for p in found}


def test_sync_bodies_and_answers_are_named_schemas() -> None:
    """Finding: the sync request body was a bare object and the upsert's 201 had no schema (parsed as None)."""
    put = SPEC["paths"][ITEM]["put"]
    body = put["requestBody"]["content"]["application/json"]["schema"]
    refs = [alt["$ref"].rsplit("/", 1)[1] for alt in body["anyOf"]]
    assert len(refs) == len(RESOURCES) and all(r in SPEC["components"]["schemas"] for r in refs)
    for status in ("200", "201"):
        answer = put["responses"][status]["content"]["application/json"]["schema"]
        assert all(alt["$ref"].rsplit("/", 1)[1] in SPEC["components"]["schemas"] for alt in answer["anyOf"])
        assert "ETag" in put["responses"][status]["headers"]


@pytest.mark.parametrize("method", ["put", "delete"])
def test_resource_is_an_enum(method: str) -> None:
    """Finding: {resource} was not an enum."""
    declared = params(ITEM, method)
    assert declared["resource"]["schema"]["enum"] == list(RESOURCES)
    assert declared["dry_run"]["schema"]["type"] == "boolean"


def test_servers_and_public_routes_state_no_security() -> None:
    """Finding (Redocly recommended): no servers; /auth/token, /health and /ready lacked security: []."""
    assert SPEC["servers"]
    from tests.auth.test_permission_matrix import PUBLIC  # the routes that need no account: one list

    public = {(path, method.lower()) for method, path in PUBLIC}
    assert {("/api/v1/auth/token", "post"), ("/api/v1/health", "get"), ("/api/v1/ready", "get")} <= public
    for path, method in public:
        assert SPEC["paths"][path][method]["security"] == []
    assert all(op["security"] for p, ops in SPEC["paths"].items() for m, op in ops.items() if (p, m) not in public)


@pytest.mark.parametrize("content", [b"[1, 2]", b"{not json"])
async def test_a_body_that_is_not_an_object_is_a_clear_422(client: httpx.AsyncClient, content: bytes) -> None:
    """The route reads its body itself (for the named schemas): anything but an object is still a 422."""
    r = await client.put(
        "/api/v1/sync/commendations/X-1", content=content, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"][0]["loc"] == ["body"]
