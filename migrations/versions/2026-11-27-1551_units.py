"""Administrative units across the 2025 reorganisation, and their successor links.

Revision ID: 89685232381b
Revises:
Create Date: 2026-11-27 15:51:58.600287
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import api.db.base

revision: str = "89685232381b"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("division_type", sa.String(length=50), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("search_name", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
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
        sa.CheckConstraint("level IN ('province', 'district', 'commune', 'village')", name=op.f("ck_units_level")),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_from IS NULL OR valid_from <= valid_to", name=op.f("ck_units_validity")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["units.id"], name=op.f("fk_units_parent_id_units"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_units")),
        sa.UniqueConstraint("source", "code", name=op.f("uq_units_source_code")),
    )
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.create_index("ix_units_code_valid", ["code", "valid_from"], unique=False)
        batch_op.create_index("ix_units_depth_code", ["depth", "code"], unique=False)
        batch_op.create_index(batch_op.f("ix_units_level"), ["level"], unique=False)
        batch_op.create_index(batch_op.f("ix_units_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index("ix_units_path", ["path"], unique=False, postgresql_ops={"path": "varchar_pattern_ops"})

    op.create_table(
        "unit_successions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("predecessor_id", sa.Integer(), nullable=False),
        sa.Column("successor_id", sa.Integer(), nullable=False),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["predecessor_id"], ["units.id"], name=op.f("fk_unit_successions_predecessor_id_units"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["successor_id"], ["units.id"], name=op.f("fk_unit_successions_successor_id_units"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_successions")),
        sa.UniqueConstraint(
            "predecessor_id", "successor_id", name=op.f("uq_unit_successions_predecessor_id_successor_id")
        ),
    )
    with op.batch_alter_table("unit_successions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_successions_predecessor_id"), ["predecessor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_unit_successions_successor_id"), ["successor_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("unit_successions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_successions_successor_id"))
        batch_op.drop_index(batch_op.f("ix_unit_successions_predecessor_id"))

    op.drop_table("unit_successions")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_index("ix_units_path")
        batch_op.drop_index(batch_op.f("ix_units_parent_id"))
        batch_op.drop_index(batch_op.f("ix_units_level"))
        batch_op.drop_index("ix_units_depth_code")
        batch_op.drop_index("ix_units_code_valid")

    op.drop_table("units")
