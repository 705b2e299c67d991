"""Separation of duties on reports, and guards the runtime database role cannot undo.

Reports remember who submitted them by principal (kind and id, not a name two keys may share), and
the reasons given to approve and reopen. On PostgreSQL, ``fund_entries`` refuses TRUNCATE like
``audit_log`` already does, and a fund's balance must equal the sum of its entries when a
transaction commits, so that a role allowed to UPDATE ``funds`` (the ledger needs it) still cannot
write a balance the ledger does not hold.

Revision ID: 6d2a91c4e7b3
Revises: fb785a81b3f4
Create Date: 2026-12-06 00:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6d2a91c4e7b3"
down_revision: str | None = "fb785a81b3f4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submitted_by_key", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("approval_reason", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("reopen_reason", sa.String(length=500), nullable=True))
    with op.batch_alter_table("fund_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_fund_entries_fund_id_amount", ["fund_id"], unique=False, postgresql_include=["amount_vnd"]
        )
    if op.get_bind().dialect.name == "postgresql":
        _guards()


def _guards() -> None:
    # The row-level append-only trigger does not fire on TRUNCATE: a statement trigger does.
    op.execute(
        "CREATE TRIGGER fund_entries_no_truncate BEFORE TRUNCATE ON fund_entries "
        "FOR EACH STATEMENT EXECUTE FUNCTION fund_entries_append_only()"
    )
    # Deferred to the commit: the ledger moves the balance before it inserts the entry.
    op.execute(
        """CREATE FUNCTION funds_balance_matches_ledger() RETURNS trigger AS $$
        DECLARE
            held bigint;
        BEGIN
            SELECT coalesce(sum(amount_vnd), 0) INTO held FROM fund_entries WHERE fund_id = NEW.id;
            IF (SELECT balance_vnd FROM funds WHERE id = NEW.id) IS DISTINCT FROM held THEN
                RAISE EXCEPTION 'funds.balance_vnd of fund % is not the sum of its entries (%)', NEW.id, held
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NULL;
        END
        $$ LANGUAGE plpgsql"""
    )
    op.execute(
        "CREATE CONSTRAINT TRIGGER funds_balance_matches_ledger AFTER INSERT OR UPDATE OF balance_vnd ON funds "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION funds_balance_matches_ledger()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS funds_balance_matches_ledger ON funds")
        op.execute("DROP FUNCTION IF EXISTS funds_balance_matches_ledger()")
        op.execute("DROP TRIGGER IF EXISTS fund_entries_no_truncate ON fund_entries")
    with op.batch_alter_table("fund_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_fund_entries_fund_id_amount")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_column("reopen_reason")
        batch_op.drop_column("approval_reason")
        batch_op.drop_column("submitted_by_key")
