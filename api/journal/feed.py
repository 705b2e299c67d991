"""The change feed's rows (see api/models/sync.py for the ordering guarantee that ``seq`` carries)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api.db.base import utcnow
from api.models import Change

PER_TRANSACTION = 1 << 24  # changes one transaction may write (a province-year import is ~225,000)

# (record id, unit path, external id, partner, data): data is the record as the API's GET shows it, None for deletes.
Item = tuple[int, str, str | None, str | None, dict[str, Any] | None]


async def next_seqs(session: AsyncSession, n: int) -> list[int]:
    if session.get_bind().dialect.name == "postgresql":
        txid = int(await session.scalar(text("SELECT pg_current_xact_id()::text::bigint")) or 0)
        base = txid * PER_TRANSACTION
        # This transaction's own changes are visible to it, and no other transaction uses this range.
        top = await session.scalar(
            select(func.max(Change.seq)).where(Change.seq > base, Change.seq < base + PER_TRANSACTION)
        )
        used = int(top) - base if top is not None else 0
        if used + n >= PER_TRANSACTION:
            raise RuntimeError("too many changes in one transaction for the change feed")
        return list(range(base + used + 1, base + used + n + 1))
    # SQLite: writers hold the database lock from BEGIN IMMEDIATE to COMMIT, so max + 1 is safe.
    top = int(await session.scalar(select(func.coalesce(func.max(Change.seq), 0))) or 0)
    return list(range(top + 1, top + n + 1))


async def insert_changes(
    session: AsyncSession, kind: str, op: str, items: Sequence[Item], *, seqs: Sequence[int] | None = None
) -> None:
    """The items' feed rows; ``seqs`` when the caller took them already (``next_seqs``: one per item)."""
    if not items:
        return
    if seqs is None:
        seqs = await next_seqs(session, len(items))
    at = utcnow()
    rows = [
        {
            "seq": seq,
            "type": kind,
            "record_id": rid,
            "unit_path": path,
            "external_id": ext,
            "partner": partner,
            "op": op,
            "changed_at": at,
            "data": data,
        }
        for seq, (rid, path, ext, partner, data) in zip(seqs, items, strict=True)
    ]
    await session.execute(insert(Change), rows)
