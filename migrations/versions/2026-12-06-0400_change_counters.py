"""Change counters (PostgreSQL): a write is in the next request of every worker, not only of its own.

Notifications (migration ``change_notifications``) reach each worker a moment after the commit, so a
request to another worker could come first and get a kept (stale) answer or caller. The one row of
``change_counters`` counts the committed transactions that changed what the statistics are made from
(``stats``: reports, targets, units, unit successions) and what signed-in callers are made from
(``auth``: users, access tokens, API keys, units, successions), with the same conditions as the
notifications (sign-in stamps do not count). Each worker reads the row once per request: a moved
counter moves its statistics epoch or forgets its kept callers (api/db/notify.py).

The bump is a deferred constraint trigger: it runs at the commit, after every statement of the
transaction, once per transaction and counter (a transaction-local setting remembers it). The row
lock it takes is thus held only while the transaction commits and no other lock is taken after it:
two writers cannot deadlock on it (a bump at each statement could: each holding a report the other
wants). A missing row (deleted by hand) is made again from the clock, never from a number seen before.
SQLite has the table (one metadata) but no triggers: its own counter is ``PRAGMA data_version``.

Revision ID: 97d46df06306
Revises: c4d7a91e5f38
Create Date: 2026-12-06 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "97d46df06306"
down_revision: str | None = "c4d7a91e5f38"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (trigger, table, counter, events, condition): the conditions of the notification triggers.
TRIGGERS = [
    ("kh_count_stats", "reports", "stats", "INSERT OR UPDATE OR DELETE", ""),
    ("kh_count_stats", "targets", "stats", "INSERT OR UPDATE OR DELETE", ""),
    ("kh_count_stats", "units", "stats", "INSERT OR UPDATE OR DELETE", ""),
    ("kh_count_stats", "unit_successions", "stats", "INSERT OR UPDATE OR DELETE", ""),
    ("kh_count_auth", "units", "auth", "UPDATE OR DELETE", ""),
    ("kh_count_auth", "unit_successions", "auth", "INSERT OR UPDATE OR DELETE", ""),
    ("kh_count_auth", "users", "auth", "DELETE", ""),
    ("kh_count_auth_row", "users", "auth", "UPDATE", "WHEN (OLD.last_login_at IS NOT DISTINCT FROM NEW.last_login_at)"),
    ("kh_count_auth", "access_tokens", "auth", "UPDATE OR DELETE", ""),
    ("kh_count_auth", "api_keys", "auth", "DELETE", ""),
    (
        "kh_count_auth_row",
        "api_keys",
        "auth",
        "UPDATE",
        "WHEN (OLD.last_used_at IS NOT DISTINCT FROM NEW.last_used_at)",
    ),
]
# TRUNCATE has no row triggers (and no deferred ones): a statement trigger bumps at once.
TRUNCATES = ["reports", "targets", "units", "unit_successions", "users", "access_tokens", "api_keys"]

BUMP = """CREATE FUNCTION kh_count() RETURNS trigger AS $$
BEGIN
    IF current_setting('kh.counted_' || TG_ARGV[0], true) IS DISTINCT FROM 'yes' THEN
        PERFORM set_config('kh.counted_' || TG_ARGV[0], 'yes', true);
        IF TG_ARGV[0] = 'stats' THEN
            UPDATE change_counters SET stats = stats + 1 WHERE id = 1;
        ELSE
            UPDATE change_counters SET auth = auth + 1 WHERE id = 1;
        END IF;
        IF NOT FOUND THEN
            INSERT INTO change_counters (id, stats, auth)
            VALUES (1, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint,
                    (extract(epoch FROM clock_timestamp()) * 1000000)::bigint)
            ON CONFLICT (id) DO UPDATE SET stats = change_counters.stats + 1, auth = change_counters.auth + 1;
        END IF;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql"""


def upgrade() -> None:
    op.create_table(
        "change_counters",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("stats", sa.BigInteger(), nullable=False),
        sa.Column("auth", sa.BigInteger(), nullable=False),
    )
    op.execute("INSERT INTO change_counters (id, stats, auth) VALUES (1, 0, 0)")
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(BUMP)
    for name, table, counter, events, when in TRIGGERS:
        op.execute(
            f"CREATE CONSTRAINT TRIGGER {name} AFTER {events} ON {table} DEFERRABLE INITIALLY DEFERRED "
            f"FOR EACH ROW {when} EXECUTE FUNCTION kh_count('{counter}')"
        )
    for table in TRUNCATES:
        op.execute(f"CREATE TRIGGER kh_count_truncate AFTER TRUNCATE ON {table} EXECUTE FUNCTION kh_count('stats')")
        op.execute(f"CREATE TRIGGER kh_count_truncate_auth AFTER TRUNCATE ON {table} EXECUTE FUNCTION kh_count('auth')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, table, *_ in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for table in TRUNCATES:
            op.execute(f"DROP TRIGGER IF EXISTS kh_count_truncate ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS kh_count_truncate_auth ON {table}")
        op.execute("DROP FUNCTION IF EXISTS kh_count()")
    op.drop_table("change_counters")
