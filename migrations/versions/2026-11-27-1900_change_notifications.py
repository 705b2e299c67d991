"""Change notifications (PostgreSQL): writes that change statistics or sign-ins tell every worker.

Statement triggers on the tables the statistics are made from (reports, targets, units, unit
successions) send ``NOTIFY kh_stats``; those a signed-in caller is made from (users, access tokens,
API keys, units) send ``NOTIFY kh_auth``. PostgreSQL delivers a notification when, and only if, its
transaction commits, to every listening connection: each worker keeps answers and callers in
memory until told otherwise (api/db/notify.py). The last sign-in and last use stamps do not notify.
SQLite has no notifications: its workers check the data on every request instead.

Revision ID: 3c1f0e7a9b21
Revises: 5a3b8bd75a1f
Create Date: 2026-11-27 19:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "3c1f0e7a9b21"
down_revision: str | None = "5a3b8bd75a1f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (trigger, table, channel, events, level, condition): statement triggers, and row triggers where
# a condition skips the stamps written by every sign-in (last sign-in, a key's last use).
TRIGGERS = [
    ("kh_notify_stats", "reports", "kh_stats", "AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE", "STATEMENT", ""),
    ("kh_notify_stats", "targets", "kh_stats", "AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE", "STATEMENT", ""),
    ("kh_notify_stats", "units", "kh_stats", "AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE", "STATEMENT", ""),
    (
        "kh_notify_stats",
        "unit_successions",
        "kh_stats",
        "AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE",
        "STATEMENT",
        "",
    ),
    ("kh_notify_auth", "units", "kh_auth", "AFTER UPDATE OR DELETE OR TRUNCATE", "STATEMENT", ""),
    ("kh_notify_auth", "unit_successions", "kh_auth", "AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE", "STATEMENT", ""),
    ("kh_notify_auth", "users", "kh_auth", "AFTER DELETE OR TRUNCATE", "STATEMENT", ""),
    (
        "kh_notify_auth_row",
        "users",
        "kh_auth",
        "AFTER UPDATE",
        "ROW",
        "WHEN (OLD.last_login_at IS NOT DISTINCT FROM NEW.last_login_at)",
    ),
    # Sign-ins delete their account's expired tokens: a row trigger notifies only when one went.
    ("kh_notify_auth", "access_tokens", "kh_auth", "AFTER TRUNCATE", "STATEMENT", ""),
    ("kh_notify_auth_row", "access_tokens", "kh_auth", "AFTER UPDATE OR DELETE", "ROW", ""),
    ("kh_notify_auth", "api_keys", "kh_auth", "AFTER DELETE OR TRUNCATE", "STATEMENT", ""),
    (
        "kh_notify_auth_row",
        "api_keys",
        "kh_auth",
        "AFTER UPDATE",
        "ROW",
        "WHEN (OLD.last_used_at IS NOT DISTINCT FROM NEW.last_used_at)",
    ),
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """CREATE FUNCTION kh_notify() RETURNS trigger AS $$
        BEGIN
            PERFORM pg_notify(TG_ARGV[0], '');
            RETURN NULL;
        END $$ LANGUAGE plpgsql"""
    )
    for name, table, channel, events, level, when in TRIGGERS:
        op.execute(
            f"CREATE TRIGGER {name} {events} ON {table} FOR EACH {level} {when} EXECUTE FUNCTION kh_notify('{channel}')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, table, *_ in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    op.execute("DROP FUNCTION IF EXISTS kh_notify()")
