"""Grants: a principal hands out only the scopes it holds, and never changes its own role, scopes or unit."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import Account, MakeAccount
from tests.security.shared_app import app, module_app  # noqa: F401  (one app per module)

FORBIDDEN = "urn:khuyenhoc:problem:forbidden"


@pytest.fixture
async def as_(
    app: FastAPI,  # noqa: F811  (the module's shared app)
    make_client: Callable[..., httpx.AsyncClient],
) -> AsyncIterator[Callable[..., Any]]:
    clients: list[httpx.AsyncClient] = []

    def make(account: Account) -> httpx.AsyncClient:
        c = make_client(app)
        c.headers.update(account.headers)
        clients.append(c)
        return c

    yield make
    for c in clients:
        await c.aclose()


def new_user(role: str = "admin", scopes: list[str] | None = None, unit: str | None = None) -> dict[str, Any]:
    return {
        "username": f"nguoi-dung-{role}-{len(scopes or [])}-{unit or 'tw'}",
        "password": "mật-khẩu-đủ-dài-1",
        "display_name": "Người được cấp quyền",
        "role": role,
        "scopes": scopes or [],
        "unit_code": unit,
    }


async def test_a_restricted_admin_cannot_widen_itself_to_the_role_defaults(
    make_account: MakeAccount, as_: Callable[..., httpx.AsyncClient]
) -> None:
    """Issue 14, High 2: an admin with scopes ["users:admin"] PATCHed itself to [] and then read /audit."""
    me = await make_account("admin", scopes=["users:admin"])
    c = as_(me)
    r = await c.patch(f"/api/v1/users/{me.user.id}", json={"scopes": []})
    assert r.status_code == 403, r.text
    assert r.json()["type"] == FORBIDDEN and "audit:read" in r.json()["beyond_scopes"]
    assert (await c.get("/api/v1/audit")).status_code == 403
    assert (await c.get("/api/v1/me")).json()["scopes"] == ["users:admin"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"role": "editor"}, "role"),
        ({"scopes": ["users:admin", "audit:read"]}, "scopes"),
        ({"unit_code": "01"}, "unit_code"),
    ],
)
async def test_nobody_changes_its_own_role_scopes_or_unit(
    make_account: MakeAccount, as_: Callable[..., httpx.AsyncClient], change: dict[str, Any], field: str
) -> None:
    """Issue 14, High 2: a principal never changes its own role, scopes or unit (even a full admin)."""
    me = await make_account("admin")
    r = await as_(me).patch(f"/api/v1/users/{me.user.id}", json=change)
    assert r.status_code == 403, r.text
    assert r.json()["field"] == field


async def test_unchanged_own_fields_and_a_new_display_name_still_pass(
    make_account: MakeAccount, as_: Callable[..., httpx.AsyncClient]
) -> None:
    """The self-change rule refuses changes, not fields sent with the values they already have."""
    me = await make_account("admin")
    r = await as_(me).patch(f"/api/v1/users/{me.user.id}", json={"role": "admin", "display_name": "Tên mới"})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    ("role", "scopes", "status"),
    [
        ("admin", [], 403),
        ("viewer", [], 403),
        ("admin", ["users:admin", "audit:read"], 403),
        ("admin", ["users:admin"], 201),
    ],
)
async def test_a_restricted_admin_creates_users_only_within_its_own_scopes(
    make_account: MakeAccount, as_: Callable[..., httpx.AsyncClient], role: str, scopes: list[str], status: int
) -> None:
    """Issue 14, High 2: grants are checked against the principal's scopes after expanding role defaults."""
    me = await make_account("admin", scopes=["users:admin"])
    r = await as_(me).post("/api/v1/users", json=new_user(role, scopes))
    assert r.status_code == status, r.text


async def test_a_restricted_admin_cannot_take_over_a_fuller_account(
    make_account: MakeAccount, as_: Callable[..., httpx.AsyncClient]
) -> None:
    """Issue 14, High 2: setting a full admin's password would hand the restricted admin every scope."""
    me = await make_account("admin", scopes=["users:admin"])
    full = await make_account("admin")
    peer = await make_account("admin", scopes=["users:admin"])
    c = as_(me)
    r = await c.patch(f"/api/v1/users/{full.user.id}", json={"password": "mật-khẩu-mới-của-tôi"})
    assert r.status_code == 403, r.text
    assert (await c.delete(f"/api/v1/users/{full.user.id}")).status_code == 403
    ok = await c.patch(f"/api/v1/users/{peer.user.id}", json={"display_name": "Đồng nghiệp"})
    assert ok.status_code == 200, ok.text


@pytest.mark.parametrize(
    ("role", "scopes", "status"),
    [
        ("admin", [], 403),
        ("partner", [], 403),
        ("admin", ["keys:admin", "audit:read"], 403),
        ("admin", ["keys:admin"], 201),
    ],
)
async def test_a_key_admin_never_mints_a_key_wider_than_itself(
    make_account: MakeAccount, as_: Callable[..., httpx.AsyncClient], role: str, scopes: list[str], status: int
) -> None:
    """Issue 14, High 2: an admin with ["keys:admin"] minted an admin key with every scope."""
    me = await make_account("admin", scopes=["keys:admin"])
    c = as_(me)
    r = await c.post("/api/v1/api-keys", json={"name": "Khoá thử", "role": role, "scopes": scopes})
    assert r.status_code == status, r.text
    if status == 201:
        key = {"Authorization": f"Bearer {r.json()['secret']}"}
        assert (await c.get("/api/v1/audit", headers=key)).status_code == 403


async def test_a_key_cannot_mint_a_wider_key(make_account: MakeAccount, as_: Callable[..., httpx.AsyncClient]) -> None:
    """Issue 14, High 2: a key with keys:admin is bound by the same rule as a user."""
    me = await make_account("admin", scopes=["keys:admin"])
    c = as_(me)
    made = await c.post(
        "/api/v1/api-keys", json={"name": "Khoá quản trị khoá", "role": "admin", "scopes": ["keys:admin"]}
    )
    key = {"Authorization": f"Bearer {made.json()['secret']}"}
    r = await c.post("/api/v1/api-keys", json={"name": "Khoá rộng", "role": "admin"}, headers=key)
    assert r.status_code == 403, r.text
