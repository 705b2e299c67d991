"""Partner names registered once and bound to a unit; the client's X-Request-ID beside the server's in the audit.

A partner name owns the external ids sent under it, so it is registered once (by a national admin) and bound
to one unit; names already on keys are registered for the unit of their oldest key. The audit keeps the
server's own request id and, beside it, the one the client sent (which the client chooses, so it proves
nothing).

Revision ID: 5e0c2d7a4b19
Revises: 6d2a91c4e7b3
Create Date: 2026-12-06 00:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import api.db.base

revision: str = "5e0c2d7a4b19"
down_revision: str | None = "6d2a91c4e7b3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "partners",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("created_at", api.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_partners_unit_id_units"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_partners")),
    )
    op.execute(
        "INSERT INTO partners (name, unit_id, created_at) "
        "SELECT k.partner, k.unit_id, k.created_at FROM api_keys k "
        "WHERE k.partner IS NOT NULL AND k.id = (SELECT min(o.id) FROM api_keys o WHERE o.partner = k.partner)"
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_request_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("client_request_id")
    op.drop_table("partners")
