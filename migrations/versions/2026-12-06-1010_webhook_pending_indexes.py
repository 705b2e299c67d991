"""Webhook deliveries: partial indexes of the pending ones, so claiming stays cheap with a large backlog.

The claim (api/webhooks/runner.py) takes the first due pending deliveries in ``(next_attempt_at, id)``
order that have no earlier pending delivery of the same record. With the full indexes
``(status, next_attempt_at)`` and ``(endpoint_id, record_key, seq)`` PostgreSQL read every pending row,
hash-anti-joined them with every pending row again and sorted them with their bodies (on disk), at every
claim: 160 ms with 20,000 pending, growing with the backlog. With the partial indexes below (``WHERE
status = 'pending'``) it walks the due index in order, probes each row's record once and stops at the
batch: under 3 ms at 20,000 pending. SQLite supports partial indexes too.

Revision ID: 5e2b8c1d9a47
Revises: 3f8a2c6d9b14
Create Date: 2026-12-06 10:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e2b8c1d9a47"
down_revision: str | None = "3f8a2c6d9b14"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("status = 'pending'")
TABLE = "webhook_deliveries"


def upgrade() -> None:
    op.drop_index("ix_webhook_deliveries_pending", table_name=TABLE)
    op.drop_index("ix_webhook_deliveries_record", table_name=TABLE)
    op.create_index(
        "ix_webhook_deliveries_due",
        TABLE,
        ["next_attempt_at", "id"],
        postgresql_where=PENDING,
        sqlite_where=PENDING,
    )
    op.create_index(
        "ix_webhook_deliveries_waiting",
        TABLE,
        ["endpoint_id", "record_key", "seq"],
        postgresql_where=PENDING,
        sqlite_where=PENDING,
    )


def downgrade() -> None:
    op.drop_index("ix_webhook_deliveries_waiting", table_name=TABLE)
    op.drop_index("ix_webhook_deliveries_due", table_name=TABLE)
    op.create_index("ix_webhook_deliveries_record", TABLE, ["endpoint_id", "record_key", "seq"])
    op.create_index("ix_webhook_deliveries_pending", TABLE, ["status", "next_attempt_at"])
