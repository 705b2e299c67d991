"""Writing and reading the change feed (see api/models/sync.py for the ordering guarantee)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from pydantic import BaseModel
from pydantic_core import from_json
from sqlalchemy import BigInteger, Text, and_, func, insert, literal_column, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import Principal
from api.db.base import AnyRow, utcnow
from api.models import Change
from api.sync.schemas import CHANGES_JSON, ChangeDict

PER_TRANSACTION = 1 << 24  # changes one transaction may write (a province-year import is ~225,000)


async def _next_seqs(session: AsyncSession, n: int) -> list[int]:
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


async def record_changes(
    session: AsyncSession,
    kind: str,
    op: str,
    items: Sequence[tuple[int, str, str | None, str | None, BaseModel | dict[str, Any] | None]],
) -> None:
    """items: (record id, unit path, external id, partner, data) — data is the record as the API shows it."""
    if not items:
        return
    seqs = await _next_seqs(session, len(items))
    now = utcnow()
    rows = [
        {
            "seq": seq,
            "type": kind,
            "record_id": rid,
            "unit_path": path,
            "external_id": ext,
            "partner": partner,
            "op": op,
            "changed_at": now,
            "data": data.model_dump(mode="json") if isinstance(data, BaseModel) else data,
        }
        for seq, (rid, path, ext, partner, data) in zip(seqs, items, strict=True)
    ]
    await session.execute(insert(Change), rows)


async def record_change(
    session: AsyncSession,
    kind: str,
    op: str,
    record_id: int,
    unit_path: str,
    *,
    external_id: str | None = None,
    partner: str | None = None,
    data: BaseModel | dict[str, Any] | None = None,
) -> None:
    await record_changes(session, kind, op, [(record_id, unit_path, external_id, partner, data)])


# A page is read with Core, not as ORM objects (building 1,000 Change instances cost more than the query),
# with data as the stored JSON text: pydantic_core parses it several times faster than the driver's json.loads.
_TABLE = Change.__table__
_COLUMNS = (
    *(_TABLE.c[name] for name in ("seq", "type", "record_id", "external_id", "partner", "op", "changed_at")),
    _TABLE.c.data.cast(Text).label("data"),
)


async def read(
    session: AsyncSession, principal: Principal, since: int, types: Sequence[str] | None, limit: int
) -> tuple[Sequence[AnyRow], int]:
    """Changes after ``since`` that are safe to hand out, and the cursor to use next.

    Rows of seq, type, record_id, external_id, partner, op, changed_at and data (the JSON text, or None).
    """
    seq = _TABLE.c.seq
    stmt = select(*_COLUMNS).where(seq > since, principal.path_filter(_TABLE.c.unit_path))
    if session.get_bind().dialect.name == "postgresql":
        xmin = literal_column("(pg_snapshot_xmin(pg_current_snapshot())::text::bigint)", BigInteger)
        own = literal_column("(pg_current_xact_id_if_assigned()::text::bigint)", BigInteger)  # null when none
        stmt = stmt.where(
            or_(
                seq <= xmin * PER_TRANSACTION,
                # a transaction sees its own changes
                and_(seq > own * PER_TRANSACTION, seq < (own + 1) * PER_TRANSACTION),
            )
        )
    if types:
        stmt = stmt.where(_TABLE.c.type.in_(types))
    rows = (await session.execute(stmt.order_by(seq).limit(limit))).all()
    return rows, rows[-1].seq if rows else since


def page_json(rows: Sequence[AnyRow], cursor: int) -> bytes:
    """A page of read() as ChangesOut's JSON (the same bytes), serialised once from plain dicts made one at a time."""
    items: Iterator[ChangeDict] = (
        {
            "seq": seq,
            "type": kind,
            "id": record_id,
            "external_id": external_id,
            "partner": partner,
            "op": op,
            "changed_at": changed_at,
            "data": None if data is None else from_json(data),
        }
        for seq, kind, record_id, external_id, partner, op, changed_at, data in rows
    )
    return CHANGES_JSON.dump_json({"items": items, "next_cursor": str(cursor)})


async def head(session: AsyncSession) -> int:
    """The last position the feed has reached: a cursor past it was never handed out (changes are never deleted)."""
    return int(await session.scalar(select(func.coalesce(func.max(Change.seq), 0))) or 0)
