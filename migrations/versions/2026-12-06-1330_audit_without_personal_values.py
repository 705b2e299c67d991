"""The audit trail keeps no person's values: the names, villages and external ids of recognition registrations.

Nghị định 13/2023: a household or a person may be erased. The trail is append-only (the database refuses an
UPDATE), so it must never hold what an erasure has to remove; the journal now records that those fields were set
or changed (``"***"``, api/journal/audit.py ``mask``), and this migration does the same to the entries written
before. It is the one place the trail is rewritten, by the migration's owner role (the service's runtime role
cannot lift the trigger: tests/security/test_db_role.py), for these fields of this record type only.

Revision ID: 7c41d2e9a8b3
Revises: 5e2b8c1d9a47
Create Date: 2026-12-06 13:30:00
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "7c41d2e9a8b3"
down_revision: str | None = "5e2b8c1d9a47"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENTITY = "recognition_registration"
PERSONAL = ("name", "village", "external_id")  # api/recognition/service.py PERSONAL, as of this revision


def _masked(changes: dict[str, Any]) -> dict[str, Any] | None:
    out, moved = dict(changes), False
    for name in PERSONAL:
        pair = out.get(name)
        if isinstance(pair, list):
            masked = [None if v is None else "***" for v in pair]
            if masked != pair:
                out[name], moved = masked, True
    return out if moved else None


def upgrade() -> None:
    conn = op.get_bind()
    postgres = conn.dialect.name == "postgresql"
    rows = conn.execute(sa.text("SELECT id, changes FROM audit_log WHERE entity = :e"), {"e": ENTITY}).all()
    updates = []
    for row_id, changes in rows:
        value = json.loads(changes) if isinstance(changes, str) else changes
        masked = _masked(value or {})
        if masked is not None:
            updates.append({"id": row_id, "changes": json.dumps(masked, ensure_ascii=False)})
    if not updates:
        return
    if postgres:
        op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete")
        conn.execute(sa.text("UPDATE audit_log SET changes = CAST(:changes AS json) WHERE id = :id"), updates)
        op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete")
    else:
        op.execute("DROP TRIGGER audit_log_no_update")
        conn.execute(sa.text("UPDATE audit_log SET changes = :changes WHERE id = :id"), updates)
        op.execute(
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END"
        )


def downgrade() -> None:
    """The values are gone on purpose; nothing to restore."""
