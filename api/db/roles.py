"""The runtime database role: what the serving workers connect as, on PostgreSQL.

The tables belong to the role that migrates them (the owner). An owner, let alone a superuser, can undo
every append-only rule: ``ALTER TABLE audit_log DISABLE TRIGGER``, ``SET session_replication_role =
replica``, ``TRUNCATE``. The service therefore connects as a separate role that owns nothing and holds
only what the application needs:

- SELECT, INSERT, UPDATE, DELETE on the tables, but only SELECT and INSERT on ``audit_log`` and
  ``fund_entries`` (the trail and the ledger are append-only), and only SELECT on ``alembic_version``;
- no TRUNCATE, REFERENCES or TRIGGER anywhere; not superuser, no CREATEDB, CREATEROLE, REPLICATION or
  BYPASSRLS; no CREATE on the schema; sequences for the ids.

What stays enforceable against this role: it cannot disable triggers (only an owner may ALTER TABLE),
cannot set ``session_replication_role`` (superuser only), cannot TRUNCATE or rewrite the trail and the
ledger. It must UPDATE ``funds`` (the ledger moves the balance), so the balance is guarded by the
database itself: a deferred trigger refuses a commit where a fund's balance is not the sum of its
entries (migration 6d2a91c4e7b3). A role that may write can still write wrong *new* entries: those
are audited and reversible, never silent.

``grant`` is idempotent and covers the tables that exist when it runs: run it (``khuyenhoc db
create-roles``) after every migration, as compose.yaml's one-shot ``migrate`` service does.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

DEFAULT_ROLE = "khuyenhoc_app"
APPEND_ONLY = ("audit_log", "fund_entries")
READ_ONLY = ("alembic_version",)
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_ATTRIBUTES = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT"


def _ident(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"Tên vai trò không hợp lệ: {name!r} (chữ thường, số, gạch dưới).")
    return f'"{name}"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


async def create_runtime_role(conn: AsyncConnection, role: str = DEFAULT_ROLE, password: str | None = None) -> None:
    """Create (or bring back to least privilege) the runtime role, then grant it what the service needs."""
    who = _ident(role)
    exists = await conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
    # A role found already is reset to these attributes: nobody can have made it a superuser meanwhile.
    await conn.execute(text(f"{'ALTER' if exists else 'CREATE'} ROLE {who} {_ATTRIBUTES}"))
    if password is not None:
        await conn.execute(text(f"ALTER ROLE {who} PASSWORD {_literal(password)}"))
    await grant(conn, role)


async def grant(conn: AsyncConnection, role: str = DEFAULT_ROLE) -> None:
    who = _ident(role)
    database = await conn.scalar(text("SELECT current_database()"))
    tables = [str(t) for t in await conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))]
    statements = [
        f'GRANT CONNECT, TEMPORARY ON DATABASE "{database}" TO {who}',
        f"GRANT USAGE ON SCHEMA public TO {who}",
        f"REVOKE CREATE ON SCHEMA public FROM {who}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {who}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {who}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {who}",
    ]
    for table in tables:
        if table in APPEND_ONLY:
            statements.append(f'REVOKE UPDATE, DELETE ON "{table}" FROM {who}')
        elif table in READ_ONLY:
            statements.append(f'REVOKE INSERT, UPDATE, DELETE ON "{table}" FROM {who}')
    for statement in statements:
        await conn.execute(text(statement))


async def drop_runtime_role(conn: AsyncConnection, role: str) -> None:
    """Remove the role's privileges in this database and the role (tests; a role is cluster-wide)."""
    who = _ident(role)
    await conn.execute(text(f"DROP OWNED BY {who}"))
    await conn.execute(text(f"DROP ROLE IF EXISTS {who}"))
