"""Recognition sheets keep their rating band (Thông tư 44: Tốt, Khá, Trung bình, Chưa đạt).

Revision ID: 3f8a2c6d9b14
Revises: c71d5e08a4f2
Create Date: 2026-12-06 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3f8a2c6d9b14"
down_revision: str | None = "c71d5e08a4f2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("recognition_registrations") as batch:
        batch.add_column(sa.Column("rating", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("recognition_registrations") as batch:
        batch.drop_column("rating")
