"""The delivery log's upkeep: old delivered and failed deliveries go, pending and recent ones stay; and the
retry schedule (doubling, capped, given up after the window)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.config import Settings
from api.db.base import utcnow
from api.db.engine import Database
from api.models import WebhookAttempt, WebhookDelivery
from api.webhooks.runner import Runner
from tests.webhooks.conftest import endpoint_row


async def test_old_deliveries_leave_the_log(db: Database, session: AsyncSession, settings: Settings) -> None:
    endpoint = await endpoint_row(session)
    now = utcnow()
    old = now - dt.timedelta(days=31)
    rows = {
        "old delivered": ("delivered", old),
        "old failed": ("failed", old),
        "old pending": ("pending", old),
        "recent delivered": ("delivered", now - dt.timedelta(days=29)),
    }
    for n, (status, created) in enumerate(rows.values(), start=1):
        d = WebhookDelivery(
            endpoint_id=endpoint.id,
            msg_id=f"msg_{endpoint.id}_{n}",
            seq=n,
            type="award",
            record_id=n,
            record_key=f"award:{n}",
            op="upsert",
            payload="{}",
            status=status,
            attempts=1,
            created_at=created,
        )
        session.add(d)
        await session.flush()
        session.add(WebhookAttempt(delivery_id=d.id, attempt=1, at=created, status_code=200, duration_ms=1))
    await session.commit()
    assert await Runner(db, settings).prune() == 2
    left = (await session.execute(select(WebhookDelivery.seq).order_by(WebhookDelivery.seq))).scalars().all()
    assert left == [3, 4]
    attempts = (await session.execute(select(WebhookAttempt.delivery_id))).scalars().all()
    assert len(attempts) == 2


def test_retries_double_up_to_the_cap_and_stop_after_the_window(db: Database) -> None:
    settings = Settings(
        database_url="sqlite://",
        webhook_retry_base_seconds=10,
        webhook_retry_max_seconds=60,
        webhook_retry_window_seconds=120,
    )
    runner = Runner(db, settings)
    created = utcnow()
    waits = [(runner._next_attempt(n, created, created) - created).total_seconds() for n in (1, 2, 3, 4, 5)]  # type: ignore[operator]
    for wait, expected in zip(waits, (10, 20, 40, 60, 60), strict=True):
        assert expected <= wait <= expected * 1.1
    assert runner._next_attempt(3, created, created + dt.timedelta(seconds=90)) is None  # past the window
