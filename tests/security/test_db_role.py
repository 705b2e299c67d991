"""The runtime database role cannot undo the append-only rules (issue 14, Medium 12).

Findings: connected as the tables' owner, the service could ``ALTER TABLE audit_log DISABLE TRIGGER``,
``SET session_replication_role = replica``, ``TRUNCATE fund_entries`` and ``UPDATE funds SET
balance_vnd = …``. The service now connects as a role made by ``khuyenhoc db create-roles``
(api/db/roles.py): each of those fails for it, and the API still works through it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import make_url, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from api.core.config import Settings
from api.db.engine import Database, make_engine
from api.db.roles import create_runtime_role, drop_runtime_role
from api.main import create_app
from tests.conftest import DatabaseFactory, _account, migrate_and_load

pytestmark = pytest.mark.postgres_only

PASSWORD = "mật-khẩu-thử-1"
WARD, OLD = "12442", "2024-12-31"


@dataclass
class Runtime:
    owner: AsyncEngine
    app: AsyncEngine
    role: str
    client: httpx.AsyncClient
    fund_id: int
    url: str  # the owner's


@pytest.fixture(scope="module")
async def runtime(databases: DatabaseFactory) -> AsyncIterator[Runtime]:
    """A fresh database migrated by the owner, a runtime role made for it, and the app served through that role."""
    url = await databases.create()
    owner = make_engine(url)
    await migrate_and_load(owner, demo=False)
    role = f"kh_app_{uuid.uuid4().hex[:10]}"  # roles are cluster-wide: one per run
    async with owner.begin() as conn:
        await create_runtime_role(conn, role, "mật khẩu 'có' nháy")
    async with Database(owner).sessionmaker() as s, s.begin():
        admin = await _account(s, "admin", None, None, None, PASSWORD)
    runtime_url = make_url(url).set(username=role, password="mật khẩu 'có' nháy")
    engine = make_engine(runtime_url.render_as_string(hide_password=False))
    settings = Settings(database_url="sqlite://", log_level="WARNING", frontend_dist=Path("/nonexistent-dashboard"))
    app = create_app(settings, db=Database(engine))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        client.headers["Authorization"] = f"Bearer {admin.token}"
        where = {"owner_kind": "association", "unit_code": WARD, "unit_as_of": OLD}
        fund = await client.post("/api/v1/funds", json=where | {"name": "Quỹ khuyến học phường"})
        assert fund.status_code == 201, fund.text
        fund_id = fund.json()["id"]
        r = await client.post(f"/api/v1/funds/{fund_id}/entries", json={"kind": "contribution", "amount_vnd": 900_000})
        assert r.status_code == 201, r.text
        yield Runtime(owner, engine, role, client, fund_id, url)
    await engine.dispose()
    async with owner.begin() as conn:
        await drop_runtime_role(conn, role)
    await owner.dispose()


async def _refused(engine: AsyncEngine, *statements: str) -> str:
    """Run the statements in one transaction and commit; the database's refusal, which must come."""
    with pytest.raises(DBAPIError) as refused:
        async with engine.begin() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    return str(refused.value.orig)


async def test_it_is_not_a_superuser_and_owns_nothing(runtime: Runtime) -> None:
    async with runtime.app.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls FROM pg_roles "
                    "WHERE rolname = current_user"
                )
            )
        ).one()
        assert tuple(row) == (False, False, False, False, False)
        owned = await conn.scalar(
            text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user")
        )
        assert owned == 0


async def test_it_cannot_disable_the_trail_s_triggers(runtime: Runtime) -> None:
    """Finding: ALTER TABLE audit_log DISABLE TRIGGER."""
    for table in ("audit_log", "fund_entries"):
        assert "owner" in await _refused(runtime.app, f"ALTER TABLE {table} DISABLE TRIGGER ALL")


async def test_it_cannot_turn_triggers_off_for_its_session(runtime: Runtime) -> None:
    """Finding: SET session_replication_role = replica (triggers off, append-only rules with them)."""
    assert "permission denied" in await _refused(runtime.app, "SET session_replication_role = replica")


async def test_it_cannot_truncate_or_rewrite_the_ledger_and_the_trail(runtime: Runtime) -> None:
    """Finding: TRUNCATE fund_entries; and the trail and ledger are INSERT/SELECT only for it."""
    for statement in (
        "TRUNCATE fund_entries",
        "TRUNCATE audit_log",
        "TRUNCATE funds CASCADE",
        "UPDATE fund_entries SET amount_vnd = 0",
        "DELETE FROM fund_entries",
        "UPDATE audit_log SET actor_name = 'ai đó'",
        "DELETE FROM audit_log",
        "UPDATE alembic_version SET version_num = 'x'",
    ):
        assert "permission denied" in await _refused(runtime.app, statement), statement


async def test_it_cannot_write_a_balance_the_ledger_does_not_hold(runtime: Runtime) -> None:
    """Finding: UPDATE funds SET balance_vnd = … (it may update funds: the ledger moves balances)."""
    fund = runtime.fund_id
    message = await _refused(runtime.app, f"UPDATE funds SET balance_vnd = balance_vnd + 1000000 WHERE id = {fund}")
    assert "not the sum of its entries" in message
    assert (await runtime.client.get(f"/api/v1/funds/{fund}")).json()["balance_vnd"] == 900_000


async def test_the_owner_is_held_by_the_same_guards_while_its_triggers_are_on(runtime: Runtime) -> None:
    """The TRUNCATE guard on fund_entries and the balance check hold for the owner too (short of ALTER TABLE)."""
    assert "append-only" in await _refused(runtime.owner, "TRUNCATE fund_entries")
    assert "append-only" in await _refused(runtime.owner, "TRUNCATE audit_log")
    message = await _refused(runtime.owner, f"UPDATE funds SET balance_vnd = 1 WHERE id = {runtime.fund_id}")
    assert "not the sum of its entries" in message


async def test_the_api_works_through_the_runtime_role(runtime: Runtime) -> None:
    """Sign-in, reports, the ledger (transfer and reversal), statistics, the audit trail and the feed."""
    c = runtime.client
    signed_in = await c.post("/api/v1/auth/token", data={"username": "không-có", "password": "sai-mật-khẩu"})
    assert signed_in.status_code == 401  # the throttle's row is written: no privilege is missing
    report = await c.put(f"/api/v1/reports/{WARD}/2024", json={"population": 100, "members": 40})
    assert report.status_code == 201, report.text
    where = {"owner_kind": "association", "unit_code": WARD, "unit_as_of": OLD}
    other = (await c.post("/api/v1/funds", json=where | {"name": "Quỹ học bổng"})).json()["id"]
    moved = await c.post(
        f"/api/v1/funds/{runtime.fund_id}/entries",
        json={"kind": "transfer", "amount_vnd": 300_000, "to_fund_id": other},
    )
    assert moved.status_code == 201, moved.text
    paid = await c.post(f"/api/v1/funds/{other}/entries", json={"kind": "disbursement", "amount_vnd": 50_000})
    assert paid.status_code == 201, paid.text
    back = await c.post(
        f"/api/v1/funds/{other}/entries", json={"kind": "reversal", "reverses_entry_id": paid.json()["id"]}
    )
    assert back.status_code == 201, back.text
    assert (await c.get(f"/api/v1/funds/{other}")).json()["balance_vnd"] == 300_000
    assert (await c.get(f"/api/v1/funds/{runtime.fund_id}")).json()["balance_vnd"] == 600_000
    stats = await c.get("/api/v1/stats/indicators", params={"unit": "34", "year": 2024, "indicator": "members"})
    assert stats.status_code == 200, stats.text
    audit = await c.get("/api/v1/audit", params={"limit": 5})
    assert audit.status_code == 200 and audit.json()["items"]
    assert (await c.get("/api/v1/sync/changes")).status_code == 200


async def test_the_command_creates_the_role_and_repairs_a_widened_one(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`khuyenhoc db create-roles` (run by compose's migrate service) makes the role, and run again resets
    attributes someone widened; on SQLite it explains that there are no roles."""
    from typer.testing import CliRunner

    from api.cli import app
    from api.core.config import get_settings

    role = f"kh_cli_{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("KH_APP_DB_PASSWORD", "mật-khẩu-vai-trò")

    async def attributes() -> tuple[bool, bool] | None:
        async with runtime.owner.connect() as conn:
            query = text("SELECT rolsuper, rolcreatedb FROM pg_roles WHERE rolname = :r")
            row = (await conn.execute(query, {"r": role})).one_or_none()
            return None if row is None else (row[0], row[1])

    async def run(url: str) -> int:
        monkeypatch.setenv("KH_DATABASE_URL", url)
        get_settings.cache_clear()
        try:  # the command runs its own event loop: in a thread of its own
            result = await asyncio.to_thread(CliRunner().invoke, app, ["db", "create-roles", "--role", role])
            return result.exit_code
        finally:
            get_settings.cache_clear()

    try:
        assert await run(runtime.url) == 0
        assert await attributes() == (False, False)
        async with runtime.owner.begin() as conn:
            await conn.execute(text(f'ALTER ROLE "{role}" CREATEDB'))
        assert await run(runtime.url) == 0
        assert await attributes() == (False, False)
        assert await run("sqlite:///var/nothing.db") == 2
    finally:
        async with runtime.owner.begin() as conn:
            if await conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}):
                await drop_runtime_role(conn, role)
