"""Issue 16, personal data: an erased person's name and village are gone from everything the service kept of them.

Nghị định 13/2023 erasure found incomplete: the record showed "[đã xoá]", but the audit trail (the creation's
values, the erasure's own old value), the change feed (every earlier version, replayed to a partner that pulls
from the start), the webhook deliveries already queued or logged, and a replayable Idempotency-Key answer still
held the name. The append-only trail now never holds a person's values (the kind declares them personal: it
records that they were set or changed); `journal.forget` scrubs the rest in the erasure's transaction; the counts
and scores stay.
"""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.config import Settings
from api.db.engine import Database
from api.models import AuditEntry, Change, IdempotencyKey, WebhookDelivery
from api.sync import feed as journal_feed
from api.webhooks.runner import Runner
from tests.recognition.conftest import API, CITIZEN, PASS, WARD, YEAR, Team
from tests.webhooks.conftest import endpoint_row

NAME = "Lưu Thị Riêngtư"
VILLAGE = "Xóm Kíntiếng"
EXTERNAL = "hn-ext-riengtu-7"


async def _kept_anywhere(session: AsyncSession, *needles: str) -> list[str]:
    """Where the database still holds any of the needles (the tables a person's record leaves traces in)."""
    found: list[str] = []
    for a in (await session.scalars(select(AuditEntry))).all():
        text = str(a.changes)
        found += [f"audit_log {a.id} ({a.action}): {n}" for n in needles if n in text]
    for c in (await session.scalars(select(Change))).all():
        text = f"{c.data} {c.external_id}"
        found += [f"changes seq {c.seq}: {n}" for n in needles if n in text]
    for d in (await session.scalars(select(WebhookDelivery))).all():
        found += [f"webhook_deliveries {d.id}: {n}" for n in needles if n in d.payload]
    for k in (await session.scalars(select(IdempotencyKey))).all():
        body = (k.body or b"").decode("utf-8", "replace")
        found += [f"idempotency_keys {k.key}: {n}" for n in needles if n in body]
    return found


async def test_erasure_leaves_the_name_nowhere_and_the_counts_stay(
    team: Team, client: httpx.AsyncClient, db: Database, session: AsyncSession, settings: Settings
) -> None:
    endpoint = await endpoint_row(session)  # a partner's webhook endpoint: the changes are queued for it as messages
    start = endpoint.cursor = await journal_feed.head(session)  # from now (the demo data's are not this test's)
    await session.commit()
    created = await team.scorer.post(
        f"{API}/registrations",
        json={"unit_code": WARD, "name": NAME, "village": VILLAGE, "external_id": EXTERNAL} | CITIZEN,
        headers={"Idempotency-Key": "dang-ky-riengtu-1"},
    )
    assert created.status_code == 201, created.text
    reg = created.json()
    scored = await team.scorer.put(f"{API}/registrations/{reg['id']}/scores", json={"scores": PASS})
    assert scored.status_code == 200, scored.text
    assert await Runner(db, settings).fan_out() >= 2
    session.expire_all()
    held = await _kept_anywhere(session, NAME, VILLAGE, EXTERNAL)
    # The trail never holds them (it is append-only, so it could not forget them): it says they were set.
    assert not any(h.startswith("audit_log") for h in held) and any(h.startswith("changes") for h in held)
    created_entry = (
        await client.get("/api/v1/audit", params={"entity": "recognition_registration", "id": str(reg["id"])})
    ).json()["items"][0]
    assert created_entry["action"] == "create" and created_entry["changes"]["name"] == [None, "***"]
    assert created_entry["changes"]["title"] == [None, "cong_dan"]  # the rest of the record is kept as it was
    assert any(h.startswith("webhook_deliveries") for h in held) and any(h.startswith("idempotency") for h in held), (
        held
    )
    rates = (await team.scorer.get(f"{API}/stats/rates", params={"unit": WARD, "year": YEAR})).json()

    erased = await client.post(f"{API}/registrations/{reg['id']}/erase")
    assert erased.status_code == 200, erased.text
    assert erased.json()["total"] == scored.json()["total"]

    session.expire_all()
    assert await _kept_anywhere(session, NAME, VILLAGE, EXTERNAL) == []
    # Through the API too: the trail says an erasure happened, by whom, and shows no value of the person.
    trail = await client.get("/api/v1/audit", params={"entity": "recognition_registration", "id": str(reg["id"])})
    assert [e["action"] for e in trail.json()["items"]][-1] == "erase"
    assert NAME not in trail.text and VILLAGE not in trail.text
    feed = await client.get("/api/v1/sync/changes", params={"types": "recognition_registration", "since": str(start)})
    assert feed.status_code == 200 and NAME not in feed.text and EXTERNAL not in feed.text
    mine = [c for c in feed.json()["items"] if c["id"] == reg["id"]]
    assert len(mine) >= 3 and mine[-1]["data"]["erased"] is True  # every version kept, the values gone
    assert all(c["data"]["total"] in (None, scored.json()["total"]) for c in mine)
    after = (await team.scorer.get(f"{API}/stats/rates", params={"unit": WARD, "year": YEAR})).json()
    assert after == rates
