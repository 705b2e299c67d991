"""Partner names cannot be squatted; the audit keeps the server's own request id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import AuditEntry, Partner
from tests.conftest import MakeAccount
from tests.security.shared_app import app, module_app  # noqa: F401  (one app per module)

OLD = "2023-12-31"  # Hà Nam (35) before the 2025 merger


def key_body(partner: str, unit: str | None, **more: Any) -> dict[str, Any]:
    return {
        "name": f"Hệ thống {partner}",
        "role": "partner",
        "partner": partner,
        "unit_code": unit,
        "unit_as_of": OLD,
    } | more


async def test_a_province_admin_cannot_squat_another_provinces_partner_name(
    app: FastAPI,  # noqa: F811  (the module's shared app)
    make_client: Callable[..., httpx.AsyncClient],
    make_account: MakeAccount,
    session: AsyncSession,
) -> None:
    """Issue 14, Medium 5: a province admin named its own key "ha-nam" and claimed Hà Nam's external ids."""
    province = await make_account("admin", "01")
    async with make_client(app) as c:
        c.headers.update(province.headers)
        r = await c.post("/api/v1/api-keys", json=key_body("ha-nam", "01"))
    assert r.status_code == 403, r.text
    assert r.json()["field"] == "partner"
    assert await session.get(Partner, "ha-nam") is None


async def test_a_partner_name_is_registered_once_and_bound_to_its_unit(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    """Issue 14, Medium 5: the name is bound to the unit of its first key; a key elsewhere cannot take it."""
    first = await client.post("/api/v1/api-keys", json=key_body("ha-nam", "35"))
    assert first.status_code == 201, first.text
    registered = await session.get(Partner, "ha-nam")
    assert registered is not None and registered.unit_id is not None
    elsewhere = await client.post("/api/v1/api-keys", json=key_body("ha-nam", "01"))
    assert elsewhere.status_code == 409, elsewhere.text
    assert elsewhere.json()["field"] == "partner"
    national = await client.post("/api/v1/api-keys", json=key_body("ha-nam", None, role="viewer"))
    assert national.status_code == 409
    again = await client.post("/api/v1/api-keys", json=key_body("ha-nam", "35"))  # a new key for the same system
    assert again.status_code == 201, again.text


async def test_the_audit_keeps_the_servers_request_id_beside_the_clients(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    """Issue 14, Low: a client-chosen X-Request-ID was stored as the audit entry's request id."""
    r = await client.post(
        "/api/v1/api-keys", json={"name": "Khoá thử mã yêu cầu", "role": "viewer"}, headers={"X-Request-ID": "forged-1"}
    )
    assert r.status_code == 201, r.text
    assert r.headers["x-request-id"] != "forged-1" and r.headers["x-client-request-id"] == "forged-1"
    entry = await session.scalar(
        select(AuditEntry).where(AuditEntry.entity == "api_key", AuditEntry.entity_id == str(r.json()["id"]))
    )
    assert entry is not None
    assert entry.request_id == r.headers["x-request-id"]
    assert entry.client_request_id == "forged-1"
