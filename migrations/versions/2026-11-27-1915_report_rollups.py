"""Report roll-ups: each unit's approved reports summed per year, kept and maintained on write.

On PostgreSQL, statement triggers on ``reports`` (with their transition tables: one statement, however
many rows) mark the roll-ups of every ancestor of each changed report dirty and move their generation;
statistics requests sum the dirty ones again (api/stats/rollup.py). Rows are locked in (year, path)
order. Empty at first: the first requests fill it. SQLite keeps the table empty (it sums on every
request).

Revision ID: efb862115689
Revises: 3c1f0e7a9b21
Create Date: 2026-11-27 19:13:56.734183
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "efb862115689"
down_revision: str | None = "3c1f0e7a9b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_rollups",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("gen", sa.BigInteger(), nullable=False),
        sa.Column("dirty", sa.Boolean(), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("commune_reports", sa.Integer(), nullable=False),
        sa.Column("village_communes", sa.Integer(), nullable=False),
        sa.Column("high", sa.Text(), nullable=True),
        sa.Column("population", sa.BigInteger(), nullable=True),
        sa.Column("households", sa.BigInteger(), nullable=True),
        sa.Column("members", sa.BigInteger(), nullable=True),
        sa.Column("branches", sa.BigInteger(), nullable=True),
        sa.Column("boards", sa.BigInteger(), nullable=True),
        sa.Column("learning_citizens", sa.BigInteger(), nullable=True),
        sa.Column("citizens_assessed", sa.BigInteger(), nullable=True),
        sa.Column("citizens_registered", sa.BigInteger(), nullable=True),
        sa.Column("learning_families", sa.BigInteger(), nullable=True),
        sa.Column("families_assessed", sa.BigInteger(), nullable=True),
        sa.Column("families_registered", sa.BigInteger(), nullable=True),
        sa.Column("learning_clans", sa.BigInteger(), nullable=True),
        sa.Column("clans", sa.BigInteger(), nullable=True),
        sa.Column("clans_registered", sa.BigInteger(), nullable=True),
        sa.Column("learning_communities", sa.BigInteger(), nullable=True),
        sa.Column("communities", sa.BigInteger(), nullable=True),
        sa.Column("communities_registered", sa.BigInteger(), nullable=True),
        sa.Column("learning_units", sa.BigInteger(), nullable=True),
        sa.Column("units_assessed", sa.BigInteger(), nullable=True),
        sa.Column("units_registered", sa.BigInteger(), nullable=True),
        sa.Column("communes_rated_learning_community", sa.BigInteger(), nullable=True),
        sa.Column("communes", sa.BigInteger(), nullable=True),
        sa.Column("fund_raised_vnd", sa.BigInteger(), nullable=True),
        sa.Column("fund_balance_vnd", sa.BigInteger(), nullable=True),
        sa.Column("awards_count", sa.BigInteger(), nullable=True),
        sa.Column("awards_vnd", sa.BigInteger(), nullable=True),
        sa.Column("emulation_flags", sa.BigInteger(), nullable=True),
        sa.Column("medals", sa.BigInteger(), nullable=True),
        sa.Column("certificates_of_merit", sa.BigInteger(), nullable=True),
        sa.Column("inspections", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("year", "path", name=op.f("pk_report_rollups")),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """CREATE FUNCTION kh_rollups_dirty(unit_ids integer[], years integer[]) RETURNS void AS $$
        INSERT INTO report_rollups AS r (year, path, gen, dirty, reports, commune_reports, village_communes)
        SELECT c.year, c.path, 1, true, 0, 0, 0
        FROM (
            SELECT DISTINCT ch.year, substr(u.path, 1, s.i) AS path
            FROM unnest(unit_ids, years) AS ch(unit_id, year)
            JOIN units u ON u.id = ch.unit_id
            CROSS JOIN LATERAL generate_series(1, length(u.path)) AS s(i)
            WHERE substr(u.path, s.i, 1) = '/'
        ) AS c
        ORDER BY c.year, c.path COLLATE "C"
        ON CONFLICT (year, path) DO UPDATE SET gen = r.gen + 1, dirty = true
        $$ LANGUAGE sql"""
    )
    for event, tables in (
        ("INSERT", "NEW TABLE AS changed"),
        ("DELETE", "OLD TABLE AS changed"),
        ("UPDATE", "OLD TABLE AS changed NEW TABLE AS changed_to"),
    ):
        also = " UNION ALL SELECT unit_id, year FROM changed_to" if event == "UPDATE" else ""
        op.execute(
            f"""CREATE FUNCTION kh_rollups_dirty_{event.lower()}() RETURNS trigger AS $$
            BEGIN
                PERFORM kh_rollups_dirty(array_agg(unit_id), array_agg(year))
                FROM (SELECT unit_id, year FROM changed{also}) AS c;
                RETURN NULL;
            END $$ LANGUAGE plpgsql"""
        )
        op.execute(
            f"CREATE TRIGGER kh_rollups_dirty_{event.lower()} AFTER {event} ON reports "
            f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION kh_rollups_dirty_{event.lower()}()"
        )
    op.execute(
        """CREATE FUNCTION kh_rollups_truncate() RETURNS trigger AS $$
        BEGIN
            DELETE FROM report_rollups;
            RETURN NULL;
        END $$ LANGUAGE plpgsql"""
    )
    op.execute(
        "CREATE TRIGGER kh_rollups_truncate AFTER TRUNCATE ON reports "
        "FOR EACH STATEMENT EXECUTE FUNCTION kh_rollups_truncate()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS kh_rollups_dirty_{event} ON reports")
            op.execute(f"DROP FUNCTION IF EXISTS kh_rollups_dirty_{event}()")
        op.execute("DROP TRIGGER IF EXISTS kh_rollups_truncate ON reports")
        op.execute("DROP FUNCTION IF EXISTS kh_rollups_truncate()")
        op.execute("DROP FUNCTION IF EXISTS kh_rollups_dirty(integer[], integer[])")
    op.drop_table("report_rollups")
