"""The claim: a batch of due deliveries, the oldest pending one of each record only, read along the partial
indexes of the pending deliveries (its cost follows the batch, not the backlog)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.config import Settings
from api.db.base import utcnow
from api.db.engine import Database
from api.models import WebhookDelivery
from api.webhooks.runner import Runner, claim_statement
from tests.conftest import BACKEND
from tests.webhooks.conftest import endpoint_row


async def _endpoint(session: AsyncSession) -> int:
    return (await endpoint_row(session)).id


async def _pending(session: AsyncSession, endpoint: int, records: int, versions: int, start: int = 1) -> None:
    now = utcnow()
    rows = []
    seq = start
    for version in range(versions):
        for record in range(records):
            rows.append(
                {
                    "endpoint_id": endpoint,
                    "msg_id": f"msg_{endpoint}_{seq}",
                    "seq": seq,
                    "type": "award",
                    "record_id": record,
                    "record_key": f"award:{record}",
                    "op": "upsert",
                    "payload": f'{{"version": {version}}}',
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": now - dt.timedelta(seconds=1),
                    "created_at": now,
                }
            )
            seq += 1
    await session.execute(insert(WebhookDelivery), rows)


async def test_a_batch_has_the_oldest_pending_delivery_of_each_record_and_the_next_after_it_is_recorded(
    db: Database, session: AsyncSession, settings: Settings
) -> None:
    endpoint = await _endpoint(session)
    await _pending(session, endpoint, records=5, versions=3)  # seq 1-5, 6-10, 11-15
    await session.commit()
    runner = Runner(db, settings)
    first = await runner._claim(100)
    assert sorted(c.msg_id for c in first) == [f"msg_{endpoint}_{s}" for s in range(1, 6)]
    assert await runner._claim(100) == []  # leased, and the later versions wait for them
    # Record 0 delivered, record 1 failed (due again later): only record 0's next version becomes due.
    await session.execute(
        update(WebhookDelivery).where(WebhookDelivery.seq == 1).values(status="delivered", next_attempt_at=None)
    )
    await session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.seq == 2)
        .values(attempts=1, next_attempt_at=utcnow() + dt.timedelta(minutes=5))
    )
    await session.commit()
    assert [c.msg_id for c in await runner._claim(100)] == [f"msg_{endpoint}_6"]
    # A batch never holds more than it was asked for.
    await _pending(session, endpoint, records=50, versions=1, start=1000)
    await session.commit()
    assert len(await runner._claim(20)) == 20


async def test_the_claim_reads_the_partial_indexes_of_the_pending_deliveries(
    db: Database, session: AsyncSession
) -> None:
    """Without them (or with 'pending' bound as a parameter, which a generic plan cannot match to the indexes'
    condition) the claim read, anti-joined and sorted every pending delivery: 160 ms at 20,000 pending."""
    endpoint = await _endpoint(session)
    await _pending(session, endpoint, records=2000, versions=2)
    # History: delivered rows the partial indexes leave out
    await _pending(session, endpoint, records=3000, versions=1, start=100_000)
    await session.execute(update(WebhookDelivery).where(WebhookDelivery.seq >= 100_000).values(status="delivered"))
    conn = await session.connection()
    stmt = claim_statement(utcnow(), 100)
    if BACKEND == "postgresql":
        await conn.exec_driver_sql("ANALYZE webhook_deliveries")
        compiled = stmt.with_for_update(of=WebhookDelivery, skip_locked=True).compile(dialect=conn.dialect)
        params = compiled.construct_params()
        args = [params[name] for name in compiled.positiontup or []]
        await conn.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
        sql = compiled.string.replace("::TIMESTAMP WITH TIME ZONE", "").replace("::INTEGER", "")
        await conn.exec_driver_sql(f"PREPARE kh_claim(timestamptz, integer) AS {sql}")
        at, limit = args
        explain = f"EXPLAIN EXECUTE kh_claim('{at.isoformat()}', {int(limit)})"  # EXECUTE takes no parameters
        plan = "\n".join(r[0] for r in (await conn.exec_driver_sql(explain)).all())
        await conn.exec_driver_sql("DEALLOCATE kh_claim")
        assert "Sort" not in plan, plan
    else:
        compiled = stmt.compile(dialect=conn.dialect)
        params = compiled.construct_params()
        args = [params[name] for name in compiled.positiontup or []]
        plan = "\n".join(
            str(r[-1]) for r in (await conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled.string}", tuple(args))).all()
        )
        assert "USE TEMP B-TREE" not in plan, plan
    assert "ix_webhook_deliveries_due" in plan, plan
    assert "ix_webhook_deliveries_waiting" in plan, plan


async def test_full_batches_claim_on_from_the_last_one_and_nothing_behind_it_is_left(
    db: Database, session: AsyncSession, settings: Settings
) -> None:
    """While batches come full the claim goes on from where the last one ended (not over the dead index
    entries of what was sent); a delivery due behind that position goes with the next claim from the start."""
    endpoint = await _endpoint(session)
    await _pending(session, endpoint, records=6, versions=1)  # seq 1-6
    await session.commit()
    runner = Runner(db, settings)
    assert [c.msg_id for c in await runner._claim(2)] == [f"msg_{endpoint}_{s}" for s in (1, 2)]
    assert runner._claimed_to is not None
    # Seq 1 is due again (redelivered by hand), behind the position: the claims from there skip it ...
    await session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.seq == 1)
        .values(next_attempt_at=utcnow() - dt.timedelta(seconds=30))
    )
    await session.commit()
    assert [c.msg_id for c in await runner._claim(2)] == [f"msg_{endpoint}_{s}" for s in (3, 4)]
    # ... a batch that does not come full sends the next claim to the start, where seq 1 is.
    assert [c.msg_id for c in await runner._claim(5)] == [f"msg_{endpoint}_{s}" for s in (5, 6)]
    assert runner._claimed_to is None
    assert [c.msg_id for c in await runner._claim(5)] == [f"msg_{endpoint}_1"]
