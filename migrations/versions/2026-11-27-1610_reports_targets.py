"""Annual reports and indicator targets; the national targets of Decisions 387 and 677 seeded as data.

Revision ID: e28529883289
Revises: 75ecd624a106
Create Date: 2026-11-27 16:10:46.101950
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import api.db.base

revision: str = "e28529883289"
down_revision: str | None = "75ecd624a106"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
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
        sa.Column("submitted_at", api.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("submitted_by", sa.String(length=200), nullable=True),
        sa.Column("approved_at", api.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("approved_by", sa.String(length=200), nullable=True),
        sa.Column(
            "created_at",
            api.db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            api.db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("status IN ('draft', 'submitted', 'approved')", name=op.f("ck_reports_status")),
        sa.CheckConstraint("year BETWEEN 1990 AND 2100", name=op.f("ck_reports_year")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_reports_unit_id_units"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("unit_id", "year", name=op.f("uq_reports_unit_id_year")),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reports_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index("ix_reports_year_status", ["year", "status"], unique=False)

    op.create_table(
        "targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=60), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("variant", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column(
            "created_at",
            api.db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            api.db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_targets_unit_id_units"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_targets")),
        sa.UniqueConstraint(
            "indicator", "year", "unit_id", "variant", name=op.f("uq_targets_indicator_year_unit_id_variant")
        ),
    )
    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_targets_unit_id"), ["unit_id"], unique=False)

    _seed_national_targets()


# (indicator, year, variant, value, source) — domain.md; admins edit them through /targets.
NATIONAL_TARGETS = [
    ("learning_family_rate", 2025, "", 0.70, "QĐ 387/QĐ-TTg"),
    ("learning_clan_rate", 2025, "", 0.65, "QĐ 387/QĐ-TTg"),
    ("learning_community_rate", 2025, "", 0.65, "QĐ 387/QĐ-TTg"),
    ("learning_unit_rate", 2025, "", 0.80, "QĐ 387/QĐ-TTg"),
    ("learning_citizen_rate", 2025, "", 0.40, "QĐ 677/QĐ-TTg (người lớn trong gia đình, dòng họ, cộng đồng học tập)"),
    ("learning_citizen_rate", 2030, "", 0.60, "QĐ 677/QĐ-TTg (người lớn trong gia đình, dòng họ, cộng đồng học tập)"),
    ("learning_citizen_rate", 2025, "staff", 0.60, "QĐ 677/QĐ-TTg (cán bộ, công chức, viên chức, người lao động)"),
    ("learning_citizen_rate", 2030, "staff", 0.80, "QĐ 677/QĐ-TTg (cán bộ, công chức, viên chức, người lao động)"),
    ("learning_family_rate", 2020, "", 0.70, "QĐ 281/QĐ-TTg"),
    ("learning_clan_rate", 2020, "", 0.50, "QĐ 281/QĐ-TTg"),
    ("learning_community_rate", 2020, "", 0.60, "QĐ 281/QĐ-TTg"),
    ("learning_unit_rate", 2020, "", 0.50, "QĐ 281/QĐ-TTg"),
]


def _seed_national_targets() -> None:
    targets = sa.table(
        "targets",
        sa.column("indicator", sa.String),
        sa.column("year", sa.Integer),
        sa.column("unit_id", sa.Integer),
        sa.column("variant", sa.String),
        sa.column("value", sa.Float),
        sa.column("source", sa.String),
        sa.column("version", sa.Integer),
    )
    op.bulk_insert(
        targets,
        [
            {"indicator": i, "year": y, "unit_id": None, "variant": v, "value": val, "source": src, "version": 1}
            for i, y, v, val, src in NATIONAL_TARGETS
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_targets_unit_id"))

    op.drop_table("targets")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_year_status")
        batch_op.drop_index(batch_op.f("ix_reports_unit_id"))

    op.drop_table("reports")
