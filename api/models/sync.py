"""Partner sync: the change feed, idempotency keys, and the sync client's cursors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.db.base import Base, UTCDateTime


class Change(Base):
    """One create, update or delete of a syncable record, in the order changes become visible.

    ``seq`` on PostgreSQL is the writing transaction's id shifted left 24 bits plus the change's
    number within it; readers only return changes of transactions older than every transaction still
    running, so a transaction that started earlier but commits later is never skipped. On SQLite,
    writers are serialised, and ``seq`` is simply the next number.
    """

    __tablename__ = "changes"
    __table_args__ = (
        Index("ix_changes_unit_path", "unit_path", postgresql_ops={"unit_path": "varchar_pattern_ops"}),
        Index("ix_changes_type_record_id", "type", "record_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[int] = mapped_column(BigInteger)
    external_id: Mapped[str | None] = mapped_column(String(100))
    partner: Mapped[str | None] = mapped_column(String(64))
    op: Mapped[str] = mapped_column(String(8))  # upsert, delete
    unit_path: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class IdempotencyKey(Base):
    """The first response to a POST sent with an Idempotency-Key, replayed for retries (24 hours)."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("owner", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))  # hash of the caller's credentials
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))  # running, done
    status: Mapped[int | None] = mapped_column(Integer)
    headers: Mapped[list[list[str]] | None] = mapped_column(JSON)
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class SyncCursor(Base):
    """Where ``khuyenhoc sync pull`` got to in a partner's feed."""

    __tablename__ = "sync_cursors"

    source: Mapped[str] = mapped_column(String(300), primary_key=True)
    cursor: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ChangeCounter(Base):
    """One row on PostgreSQL: how many committed transactions changed what the statistics are made from
    (``stats``) and what a signed-in caller is made from (``auth``). Deferred triggers bump it at the
    commit of such a transaction (migration ``change_counters``); every worker reads it once per request
    (api/db/notify.py), so a write is in the next request of every worker. Unused on SQLite, which has
    its own counter (``PRAGMA data_version``, api/db/changes.py)."""

    __tablename__ = "change_counters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stats: Mapped[int] = mapped_column(BigInteger)
    auth: Mapped[int] = mapped_column(BigInteger)
