"""Reading the change feed (api/journal writes it) (see api/models/sync.py for the ordering guarantee)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pydantic_core import from_json
from sqlalchemy import BigInteger, Text, and_, func, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import scope
from api.auth.principal import Principal
from api.db.base import AnyRow
from api.journal import PER_TRANSACTION
from api.models import Change
from api.sync.schemas import CHANGES_JSON, ChangeDict

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
    stmt = select(*_COLUMNS).where(seq > since, scope.condition(principal, _TABLE.c.unit_path))
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
