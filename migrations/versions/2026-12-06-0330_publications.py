"""Publications (open data): a unit's year made public by an admin of the unit or above.

On PostgreSQL the table notifies ``kh_stats`` like the reports, so that kept public answers drop a year
at the very next request after it is unpublished.

Revision ID: e7c41a9d2f58
Revises: 97d46df06306
Create Date: 2026-12-06 03:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from api.db.base import UTCDateTime

revision: str = "e7c41a9d2f58"
down_revision: str | None = "97d46df06306"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("units.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("unit_path", sa.String(200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("published_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(200), nullable=False),
        sa.UniqueConstraint("unit_id", "year", name="uq_publications_unit_year"),
    )
    op.create_index("ix_publications_unit_id", "publications", ["unit_id"])
    op.create_index("ix_publications_year", "publications", ["year"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER kh_notify_stats AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON publications"
            " FOR EACH STATEMENT EXECUTE FUNCTION kh_notify('kh_stats')"
        )
        # and the change counter (migration change_counters): another worker's next public request sees it
        op.execute(
            "CREATE CONSTRAINT TRIGGER kh_count_stats AFTER INSERT OR UPDATE OR DELETE ON publications"
            " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION kh_count('stats')"
        )
        op.execute("CREATE TRIGGER kh_count_truncate AFTER TRUNCATE ON publications EXECUTE FUNCTION kh_count('stats')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS kh_notify_stats ON publications")
        op.execute("DROP TRIGGER IF EXISTS kh_count_stats ON publications")
        op.execute("DROP TRIGGER IF EXISTS kh_count_truncate ON publications")
    op.drop_index("ix_publications_year", "publications")
    op.drop_index("ix_publications_unit_id", "publications")
    op.drop_table("publications")
