"""Award imports count every duplicate row (the job's list keeps only the first thousand).

Revision ID: 9b4e1f2c7a30
Revises: 5e0c2d7a4b19
Create Date: 2026-12-06 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9b4e1f2c7a30"
down_revision: str | None = "5e0c2d7a4b19"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("import_jobs") as batch:
        batch.add_column(sa.Column("duplicate_rows", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("import_jobs") as batch:
        batch.drop_column("duplicate_rows")
