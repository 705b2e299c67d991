"""The audit trail: written with every write, gone with a failed one, never changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import SYSTEM
from api.auth.scopes import Role
from api.core.config import Settings
from api.db.engine import Database, SessionDep
from api.main import create_app
from api.models import AuditEntry, User
from api.users.schemas import UserCreate
from api.users.service import create_user
from tests.conftest import Account, MakeAccount


async def test_creating_and_changing_a_user_is_audited_without_secrets(
    client: httpx.AsyncClient, admin: Account
) -> None:
    r = await client.post(
        "/api/v1/users",
        json={
            "username": "ghi.vet",
            "password": "mat-khau-dai-du",
            "display_name": "Ghi Vết",
            "role": "viewer",
            "unit_code": "33",
        },
        headers={"X-Request-ID": "req-audit-1"},
    )
    assert r.status_code == 201
    uid = r.json()["id"]
    assert (
        await client.patch(f"/api/v1/users/{uid}", json={"display_name": "Ghi Vết 2", "password": "moi-mat-khau-1"})
    ).status_code == 200
    trail = (await client.get("/api/v1/audit", params={"entity": "user", "id": str(uid)})).json()["items"]
    assert [e["action"] for e in trail] == ["create", "update"]
    created, updated = trail
    assert created["actor_name"] == admin.user.username and created["actor_kind"] == "user"
    assert created["client_request_id"] == "req-audit-1" and created["request_id"] != "req-audit-1"
    assert created["changes"]["display_name"] == [None, "Ghi Vết"]
    assert created["changes"]["password_hash"] == ["***", "***"]
    assert updated["changes"]["display_name"] == ["Ghi Vết", "Ghi Vết 2"]
    assert updated["changes"]["password_hash"] == ["***", "***"]
    assert "mat-khau" not in str(trail) and "argon2" not in str(trail)

    by_actor = (await client.get("/api/v1/audit", params={"actor": admin.user.username, "entity": "user"})).json()
    assert {e["entity_id"] for e in by_actor["items"]} >= {str(uid)}
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    assert (await client.get("/api/v1/audit", params={"since": future})).json()["items"] == []
    naive = await client.get("/api/v1/audit", params={"since": "2025-01-01T00:00:00"})
    assert naive.status_code == 422 and naive.json()["errors"][0]["loc"] == ["query", "since"]
    csv = await client.get("/api/v1/audit", params={"entity": "user", "id": str(uid), "format": "csv"})
    assert csv.content.decode("utf-8-sig").splitlines()[0].startswith("id,at,actor_kind,actor_id,actor_name,action")


async def test_a_write_that_fails_leaves_neither_the_record_nor_its_audit_entry(
    db: Database, settings: Settings, make_client: Callable[..., httpx.AsyncClient], session: AsyncSession
) -> None:
    app = create_app(settings, db=db)
    entries = select(func.count()).select_from(AuditEntry)
    before = await session.scalar(entries)
    seen_inside: list[int | None] = []

    @app.post("/test/create-then-fail")
    async def create_then_fail(s: SessionDep) -> None:
        await create_user(
            s, SYSTEM, UserCreate(username="se.mat", password="mat-khau-dai-du", display_name="x", role=Role.viewer)
        )
        seen_inside.append(await s.scalar(entries))
        raise RuntimeError("the write fails after its audit entry was added")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        assert (await c.post("/test/create-then-fail")).status_code == 500
    assert seen_inside == [(before or 0) + 1]  # the entry was written in the failing transaction …
    assert await session.scalar(select(User).where(User.username == "se.mat")) is None
    assert await session.scalar(entries) == before  # … and went with it


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"])
async def test_the_database_refuses_to_change_the_audit_trail(
    session: AsyncSession, make_account: MakeAccount, statement: str
) -> None:
    await make_account("viewer")  # writes an audit entry
    before = await session.scalar(select(func.count()).select_from(AuditEntry))
    assert before
    with pytest.raises(DBAPIError, match="append-only"):
        async with session.begin_nested():
            await session.execute(text(statement))
    assert await session.scalar(select(func.count()).select_from(AuditEntry)) == before


async def test_an_admin_sees_only_its_subtrees_trail(
    anon: httpx.AsyncClient, client: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    inside = (
        await client.post(
            "/api/v1/users",
            json={
                "username": "trong",
                "password": "mat-khau-dai-du",
                "display_name": "x",
                "role": "viewer",
                "unit_code": "12433",
                "unit_as_of": "2024-12-31",
            },
        )
    ).json()["id"]
    outside = (
        await client.post(
            "/api/v1/users",
            json={
                "username": "ngoai",
                "password": "mat-khau-dai-du",
                "display_name": "x",
                "role": "viewer",
                "unit_code": "01",
            },
        )
    ).json()["id"]
    district_admin = await make_account("admin", "336", as_of=dt.date(2024, 12, 31))
    ids = {
        e["entity_id"]
        for e in (
            await anon.get("/api/v1/audit", params={"entity": "user", "limit": 1000}, headers=district_admin.headers)
        ).json()["items"]
    }
    assert str(inside) in ids and str(outside) not in ids


async def test_the_trail_can_be_read_newest_first_page_by_page(client: httpx.AsyncClient, admin: Account) -> None:
    """Issue 19 item 9: the dashboard's audit log listed the oldest first with no way to sort."""
    ids = []
    for i in range(3):
        r = await client.post(
            "/api/v1/users",
            json={
                "username": f"thu.tu{i}",
                "password": "mat-khau-dai-du",
                "display_name": f"Thứ tự {i}",
                "role": "viewer",
                "unit_code": "33",
            },
        )
        assert r.status_code == 201
        ids.append(str(r.json()["id"]))
    oldest = (await client.get("/api/v1/audit", params={"entity": "user"})).json()["items"]
    assert [e["entity_id"] for e in oldest][-3:] == ids
    first = (await client.get("/api/v1/audit", params={"entity": "user", "order": "desc", "limit": 2})).json()
    assert [e["entity_id"] for e in first["items"]] == ids[::-1][:2]
    assert first["next_cursor"]
    second = (
        await client.get(
            "/api/v1/audit", params={"entity": "user", "order": "desc", "limit": 2, "cursor": first["next_cursor"]}
        )
    ).json()
    assert second["items"][0]["entity_id"] == ids[0]
    assert first["items"][-1]["id"] > second["items"][0]["id"]
    bad = await client.get("/api/v1/audit", params={"order": "newest"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["query", "order"]
