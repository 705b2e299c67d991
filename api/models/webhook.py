"""Webhooks: partners' endpoints, the deliveries of feed changes to them, and each attempt's outcome."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from api.db.base import Base, TimestampMixin, UTCDateTime


class WebhookEndpoint(TimestampMixin, Base):
    """A URL that receives, signed, every feed change in its owner key's scope (api/webhooks/).

    ``cursor`` is the last feed ``seq`` handed out to it (deliveries made up to there): the delivery
    process moves it forward under a row lock, so no change is skipped or handed out twice."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(200), default="")
    types: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: every type of the feed
    # The signing secret ("whsec_…"): kept as it is, since every delivery is signed with it; shown once.
    secret: Mapped[str] = mapped_column(String(100))
    owner_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"), index=True)
    partner: Mapped[str] = mapped_column(String(64))  # the owner key's partner name, or key:<id>
    unit_path: Mapped[str] = mapped_column(String(200), default="")  # the owner key's unit ("": national)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(500))
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    cursor: Mapped[int] = mapped_column(BigInteger, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # consecutive failed attempts
    failing_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_by_kind: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[int | None] = mapped_column(Integer)


_PENDING = text("status = 'pending'")


class WebhookDelivery(Base):
    """One feed change for one endpoint: the message (its ``webhook-id`` and exact body) and its state."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "seq"),
        # Partial: only the pending deliveries (a small set however long the log grows). The due ones in the
        # claim's order, and the earlier pending ones of the same record (ordering per record): the claim reads
        # the first due rows in order and probes each record once, instead of every pending row (migration
        # webhook_pending_indexes).
        Index("ix_webhook_deliveries_due", "next_attempt_at", "id", postgresql_where=_PENDING, sqlite_where=_PENDING),
        Index(
            "ix_webhook_deliveries_waiting",
            "endpoint_id",
            "record_key",
            "seq",
            postgresql_where=_PENDING,
            sqlite_where=_PENDING,
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    msg_id: Mapped[str] = mapped_column(String(64))  # the webhook-id header: the same for every retry
    seq: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[int] = mapped_column(BigInteger)
    record_key: Mapped[str] = mapped_column(String(64))  # type:record_id
    op: Mapped[str] = mapped_column(String(8))
    payload: Mapped[str] = mapped_column(Text)  # the body, exactly as signed and sent
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, delivered, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class WebhookAttempt(Base):
    """One POST of a delivery (or one refused before sending): when, the answer's status, the error."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    response: Mapped[str | None] = mapped_column(String(1000))  # the answer's start, for the log
