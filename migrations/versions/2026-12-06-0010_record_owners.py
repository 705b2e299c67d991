"""Records created by a principal are owned by its kind and id, not by its name.

Import jobs were matched on the creator's name, which whoever makes a key chooses (a province admin
could name a key "admin" and read the national admin's import). Jobs and ledger entries now keep
``created_by_kind`` (user, api_key, system) and ``created_by_id``; ``created_by`` stays as the name
shown to people. Rows written before this are owned by nobody: only unit scope opens them.

fund_entries gets plain ADD COLUMN (SQLite supports it without rebuilding the table), so its
append-only triggers stay in place.

Revision ID: fb785a81b3f4
Revises: efb862115689
Create Date: 2026-12-06 00:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "fb785a81b3f4"
down_revision: str | None = "efb862115689"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("import_jobs", "fund_entries")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("created_by_kind", sa.String(length=16), nullable=True))
        op.add_column(table, sa.Column("created_by_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None, recreate="never") as batch_op:
            batch_op.drop_column("created_by_id")
            batch_op.drop_column("created_by_kind")
