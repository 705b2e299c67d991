"""Partner sync: the change feed, idempotency keys, sync cursors; external ids on reports, partner names on keys.

Revision ID: 5a3b8bd75a1f
Revises: d68f25879d18
Create Date: 2026-11-27 16:40:04.887855
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import api.db.base

revision: str = "5a3b8bd75a1f"
down_revision: str | None = "d68f25879d18"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("partner", sa.String(length=64), nullable=True),
        sa.Column("op", sa.String(length=8), nullable=False),
        sa.Column("unit_path", sa.String(length=200), nullable=False),
        sa.Column("changed_at", api.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changes")),
        sa.UniqueConstraint("seq", name=op.f("uq_changes_seq")),
    )
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.create_index("ix_changes_type_record_id", ["type", "record_id"], unique=False)
        batch_op.create_index(
            "ix_changes_unit_path", ["unit_path"], unique=False, postgresql_ops={"unit_path": "varchar_pattern_ops"}
        )

    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("headers", sa.JSON(), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", api.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint("owner", "key", name=op.f("uq_idempotency_keys_owner_key")),
    )
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_idempotency_keys_created_at"), ["created_at"], unique=False)

    op.create_table(
        "sync_cursors",
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("cursor", sa.Text(), nullable=False),
        sa.Column("updated_at", api.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_sync_cursors")),
    )
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("partner", sa.String(length=64), nullable=True))

    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("partner", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("external_id", sa.String(length=100), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_reports_partner_external_id"), ["partner", "external_id"])


def downgrade() -> None:

    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_reports_partner_external_id"), type_="unique")
        batch_op.drop_column("external_id")
        batch_op.drop_column("partner")

    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_column("partner")

    op.drop_table("sync_cursors")
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_keys_created_at"))

    op.drop_table("idempotency_keys")
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.drop_index("ix_changes_unit_path", postgresql_ops={"unit_path": "varchar_pattern_ops"})
        batch_op.drop_index("ix_changes_type_record_id")

    op.drop_table("changes")
