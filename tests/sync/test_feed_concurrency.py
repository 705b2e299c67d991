"""The change feed's guarantee: a reader polling with its cursor never misses a committed change and never
sees one twice, while writers commit concurrently and out of order (and some roll back)."""

from __future__ import annotations

import asyncio
import random

from api.auth.principal import SYSTEM
from api.db.engine import write_intent
from api.journal import feed as journal_feed
from api.sync import feed
from tests.conftest import Live

WRITERS, WRITES = 6, 12


class Abandon(Exception):
    """A writer that gives up: its change must never appear."""


async def test_a_polling_reader_sees_every_committed_change_exactly_once(live: Live) -> None:
    committed: set[int] = set()
    attempted: set[int] = set()
    async with live.db.sessionmaker() as s:
        _, cursor = await feed.read(s, SYSTEM, 0, None, 1_000_000)  # start after whatever is there

    async def writer(w: int) -> None:
        write_intent.set(True)
        rng = random.Random(w)
        for i in range(WRITES):
            rid = 1_000_000 + w * 1000 + i
            attempted.add(rid)
            try:
                async with live.db.sessionmaker() as s, s.begin():
                    await journal_feed.insert_changes(
                        s, "commendation", "upsert", [(rid, "vn-pre-2025:34/", None, None, {"w": w, "i": i})]
                    )
                    await asyncio.sleep(rng.uniform(0, 0.04))  # commit later than others that started after
                    if rng.random() < 0.15:
                        raise Abandon
                committed.add(rid)
            except Abandon:
                pass

    seen: list[tuple[int, int]] = []
    writers_done = asyncio.Event()

    async def reader() -> None:
        nonlocal cursor
        while True:
            async with live.db.sessionmaker() as s:
                rows, cursor = await feed.read(s, SYSTEM, cursor, None, 7)
            seen.extend((r.seq, r.record_id) for r in rows if r.record_id >= 1_000_000)
            # On PostgreSQL a change shows once every older transaction on the server has ended, so a loaded
            # server can keep the feed behind for a while: read on until everything committed was seen (a
            # change skipped by the cursor never comes back, so a skip still fails, by the timeout below).
            if writers_done.is_set() and not rows and {rid for _, rid in seen} >= committed:
                return
            await asyncio.sleep(0 if rows else 0.01)

    async def write_all() -> None:
        await asyncio.gather(*(writer(w) for w in range(WRITERS)))
        writers_done.set()

    await asyncio.wait_for(asyncio.gather(write_all(), reader()), timeout=300)
    seqs = [seq for seq, _ in seen]
    ids = [rid for _, rid in seen]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)  # strictly increasing
    assert len(ids) == len(set(ids))  # never twice
    assert set(ids) == committed  # never missed, nothing rolled back
    assert committed < attempted  # some writers did roll back
