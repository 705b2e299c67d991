"""Recognition of learning families, clans, communities, units and citizens (issue 16): criteria set
versions, registrations with their score sheets, recognition decisions, evidence files.

Revision ID: c71d5e08a4f2
Revises: e7c41a9d2f58
Create Date: 2026-12-06 03:09:55.728762
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import api.db.base

revision: str = "c71d5e08a4f2"
down_revision: str | None = "e7c41a9d2f58"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recognition_criteria_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=16), nullable=False),
        sa.Column("target_group", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("published_by", sa.String(length=200), nullable=False),
        sa.Column("published_at", api.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recognition_criteria_sets")),
        sa.UniqueConstraint(
            "title", "target_group", "version", name=op.f("uq_recognition_criteria_sets_title_target_group_version")
        ),
    )
    op.create_table(
        "recognition_decisions",
        sa.Column("title", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("authority", sa.String(length=300), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("recognised", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("unit_path", sa.String(length=200), nullable=False),
        sa.Column("partner", sa.String(length=64), nullable=True),
        sa.Column("external_id", sa.String(length=100), nullable=True),
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
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_recognition_decisions_unit_id_units"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recognition_decisions")),
        sa.UniqueConstraint("partner", "external_id", name="uq_recognition_decisions_partner_external_id"),
    )
    with op.batch_alter_table("recognition_decisions", schema=None) as batch_op:
        batch_op.create_index("ix_recognition_decisions_unit_id", ["unit_id"], unique=False)
        batch_op.create_index(
            "ix_recognition_decisions_unit_path",
            ["unit_path"],
            unique=False,
            postgresql_ops={"unit_path": "varchar_pattern_ops"},
        )
        batch_op.create_index(batch_op.f("ix_recognition_decisions_year"), ["year"], unique=False)

    op.create_table(
        "recognition_registrations",
        sa.Column("title", sa.String(length=16), nullable=False),
        sa.Column("target_group", sa.String(length=16), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("village", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("criteria_version", sa.Integer(), nullable=True),
        sa.Column("scores", sa.JSON(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("scored_by_kind", sa.String(length=16), nullable=True),
        sa.Column("scored_by_id", sa.Integer(), nullable=True),
        sa.Column("scored_by_unit_path", sa.String(length=200), nullable=True),
        sa.Column("scored_on", sa.Date(), nullable=True),
        sa.Column("verified_by_kind", sa.String(length=16), nullable=True),
        sa.Column("verified_by_id", sa.Integer(), nullable=True),
        sa.Column("verified_on", sa.Date(), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("erased", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("unit_path", sa.String(length=200), nullable=False),
        sa.Column("partner", sa.String(length=64), nullable=True),
        sa.Column("external_id", sa.String(length=100), nullable=True),
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
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["recognition_decisions.id"],
            name=op.f("fk_recognition_registrations_decision_id_recognition_decisions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_recognition_registrations_unit_id_units"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recognition_registrations")),
        sa.UniqueConstraint("partner", "external_id", name="uq_recognition_registrations_partner_external_id"),
    )
    with op.batch_alter_table("recognition_registrations", schema=None) as batch_op:
        batch_op.create_index("ix_recognition_registrations_unit_id", ["unit_id"], unique=False)
        batch_op.create_index(
            "ix_recognition_registrations_unit_path",
            ["unit_path"],
            unique=False,
            postgresql_ops={"unit_path": "varchar_pattern_ops"},
        )
        batch_op.create_index(
            "ix_recognition_registrations_year_title_status", ["year", "title", "status"], unique=False
        )

    op.create_table(
        "recognition_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("index_code", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=300), nullable=False),
        sa.Column("created_at", api.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["recognition_registrations.id"],
            name=op.f("fk_recognition_evidence_registration_id_recognition_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recognition_evidence")),
    )
    with op.batch_alter_table("recognition_evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recognition_evidence_registration_id"), ["registration_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("recognition_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recognition_evidence_registration_id"))

    op.drop_table("recognition_evidence")
    with op.batch_alter_table("recognition_registrations", schema=None) as batch_op:
        batch_op.drop_index("ix_recognition_registrations_year_title_status")
        batch_op.drop_index(
            "ix_recognition_registrations_unit_path", postgresql_ops={"unit_path": "varchar_pattern_ops"}
        )
        batch_op.drop_index("ix_recognition_registrations_unit_id")

    op.drop_table("recognition_registrations")
    with op.batch_alter_table("recognition_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recognition_decisions_year"))
        batch_op.drop_index("ix_recognition_decisions_unit_path", postgresql_ops={"unit_path": "varchar_pattern_ops"})
        batch_op.drop_index("ix_recognition_decisions_unit_id")

    op.drop_table("recognition_decisions")
    op.drop_table("recognition_criteria_sets")
