"""Webhooks: endpoints, deliveries and attempts; PostgreSQL notifies the delivery process of feed changes.

Revision ID: c4d7a91e5f38
Revises: 9b4e1f2c7a30
Create Date: 2026-12-06 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c4d7a91e5f38"
down_revision: str | None = "9b4e1f2c7a30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# One notification per transaction that wrote to the feed (statement triggers fire for COPY too; PostgreSQL
# folds identical notifications of one transaction into one, delivered at commit).
NOTIFY_FUNCTION = """
CREATE OR REPLACE FUNCTION kh_notify_feed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('kh_feed', '');
    RETURN NULL;
END
$$
"""
NOTIFY_TRIGGER = (
    "CREATE TRIGGER kh_notify_feed AFTER INSERT ON changes FOR EACH STATEMENT EXECUTE FUNCTION kh_notify_feed()"
)


def upgrade() -> None:
    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("description", sa.String(200), nullable=False, server_default=""),
        sa.Column("types", sa.JSON(), nullable=False),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column(
            "owner_key_id",
            sa.Integer(),
            sa.ForeignKey("api_keys.id", ondelete="CASCADE", name="fk_webhook_endpoints_owner_key_id_api_keys"),
            nullable=False,
        ),
        sa.Column("partner", sa.String(64), nullable=False),
        sa.Column("unit_path", sa.String(200), nullable=False, server_default=""),
        sa.Column("enabled", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("disabled_reason", sa.String(500), nullable=True),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cursor", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("failing_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_kind", sa.String(16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_endpoints"),
    )
    op.create_index("ix_webhook_endpoints_owner_key_id", "webhook_endpoints", ["owner_key_id"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column(
            "endpoint_id",
            sa.Integer(),
            sa.ForeignKey(
                "webhook_endpoints.id", ondelete="CASCADE", name="fk_webhook_deliveries_endpoint_id_webhook_endpoints"
            ),
            nullable=False,
        ),
        sa.Column("msg_id", sa.String(64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("record_key", sa.String(64), nullable=False),
        sa.Column("op", sa.String(8), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_deliveries"),
        sa.UniqueConstraint("endpoint_id", "seq", name="uq_webhook_deliveries_endpoint_id_seq"),
    )
    op.create_index("ix_webhook_deliveries_pending", "webhook_deliveries", ["status", "next_attempt_at"])
    op.create_index("ix_webhook_deliveries_record", "webhook_deliveries", ["endpoint_id", "record_key", "seq"])
    op.create_table(
        "webhook_attempts",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column(
            "delivery_id",
            BIG_ID,
            sa.ForeignKey(
                "webhook_deliveries.id", ondelete="CASCADE", name="fk_webhook_attempts_delivery_id_webhook_deliveries"
            ),
            nullable=False,
        ),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(500), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("response", sa.String(1000), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_attempts"),
    )
    op.create_index("ix_webhook_attempts_delivery_id", "webhook_attempts", ["delivery_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NOTIFY_FUNCTION)
        op.execute(NOTIFY_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS kh_notify_feed ON changes")
        op.execute("DROP FUNCTION IF EXISTS kh_notify_feed()")
    op.drop_table("webhook_attempts")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_endpoints")
