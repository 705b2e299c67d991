"""Issue 18 item 2: partner deletes by external id and dry runs of PUT, DELETE and :batch."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import AuditEntry, Change
from api.reports.fields import FIGURE_NAMES

UNIT = {"unit_code": "35", "unit_as_of": "2023-12-31"}
BODIES: dict[str, dict[str, Any]] = {
    "associations": UNIT | {"kind": "branch", "name": "Chi hội"},
    "funds": UNIT | {"name": "Quỹ", "owner_kind": "unit"},
    "commendations": UNIT
    | {"form": "medal", "year": 2023, "issuing_level": "central", "recipient_kind": "person", "recipient_name": "A"},
    "inspections": UNIT | {"year": 2023, "subject_kind": "unit", "subject_name": "Hội xã"},
    "partnerships": UNIT | {"title": "Phối hợp", "year": 2023},
    "activities": UNIT | {"kind": "training", "title": "Tập huấn", "year": 2023},
    "awards": {"recipient_name": "Trần Thị Lan", "recipient_kind": "pupil", "category": "khac", "unit_code": "35"}
    | {"year": 2023},
    "reports": {"unit_code": "35", "year": 2001, "status": "draft"},
}
RESOURCES = sorted(BODIES)
# A second body per resource that replaces the first (a 200 with a new ETag).
CHANGED: dict[str, dict[str, Any]] = {
    "associations": {"name": "Chi hội (sửa)"},
    "funds": {"name": "Quỹ (sửa)"},
    "commendations": {"recipient_name": "B"},
    "inspections": {"subject_name": "Hội xã (sửa)"},
    "partnerships": {"title": "Phối hợp (sửa)"},
    "activities": {"title": "Tập huấn (sửa)"},
    "awards": {"recipient_name": "Trần Thị Mai"},
    "reports": {"members": 100},
}


async def sync_key(
    client: httpx.AsyncClient, role: str = "partner", scopes: list[str] | None = None, partner: str | None = None
) -> dict[str, str]:
    body: dict[str, Any] = {"name": "Hệ thống Hà Nam", "role": role, "unit_code": "35", "unit_as_of": "2023-12-31"}
    body |= {"partner": partner or f"ha-nam-{uuid.uuid4().hex[:6]}", **({"scopes": scopes} if scopes else {})}
    r = await client.post("/api/v1/api-keys", json=body)
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['secret']}"}


async def journal_size(session: AsyncSession) -> tuple[int, int, int]:
    changes = await session.scalar(select(func.count()).select_from(Change))
    top = await session.scalar(select(func.coalesce(func.max(Change.seq), 0)))
    audit = await session.scalar(select(func.count()).select_from(AuditEntry))
    return int(changes or 0), int(top or 0), int(audit or 0)


async def feed_of(anon: httpx.AsyncClient, key: dict[str, str], external_id: str) -> list[str]:
    r = await anon.get("/api/v1/sync/changes", params={"limit": 1000}, headers=key)
    items: list[dict[str, Any]] = r.json()["items"]
    while len(items) % 1000 == 0 and items:
        more = await anon.get(
            "/api/v1/sync/changes", params={"limit": 1000, "since": r.json()["next_cursor"]}, headers=key
        )
        if not more.json()["items"]:
            break
        r, items = more, items + more.json()["items"]
    return [c["op"] for c in items if c["external_id"] == external_id]


@pytest.mark.parametrize("resource", RESOURCES)
async def test_delete_leaves_a_tombstone_then_404(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, resource: str
) -> None:
    """Finding: DELETE /sync/{resource}/{external_id} answered 405; a partner could not remove what it sent."""
    key = await sync_key(client)
    url = f"/api/v1/sync/{resource}/X-{uuid.uuid4().hex[:8]}"
    assert (await anon.put(url, json=BODIES[resource], headers=key)).status_code == 201
    gone = await anon.delete(url, headers=key)
    assert gone.status_code == 204, gone.text
    assert await feed_of(anon, key, url.rsplit("/", 1)[1]) == ["upsert", "delete"]
    again = await anon.delete(url, headers=key)
    assert again.status_code == 404 and again.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("resource", RESOURCES)
async def test_delete_honours_if_match(client: httpx.AsyncClient, anon: httpx.AsyncClient, resource: str) -> None:
    """Finding (item 2): a delete must not remove a record changed since the partner last saw it."""
    key = await sync_key(client)
    url = f"/api/v1/sync/{resource}/X-{uuid.uuid4().hex[:8]}"
    first = await anon.put(url, json=BODIES[resource], headers=key)
    second = await anon.put(url, json=BODIES[resource] | CHANGED[resource], headers=key)
    assert second.status_code == 200 and second.headers["etag"] != first.headers["etag"]
    stale = await anon.delete(url, headers=key | {"If-Match": first.headers["etag"]})
    assert stale.status_code == 412, stale.text
    ok = await anon.delete(url, headers=key | {"If-Match": second.headers["etag"]})
    assert ok.status_code == 204


async def test_delete_of_another_partners_record_is_404(client: httpx.AsyncClient, anon: httpx.AsyncClient) -> None:
    """Finding (item 2): a partner must not delete, nor learn of, a record another partner sent."""
    mine, theirs = await sync_key(client), await sync_key(client)
    url = f"/api/v1/sync/commendations/X-{uuid.uuid4().hex[:8]}"
    assert (await anon.put(url, json=BODIES["commendations"], headers=theirs)).status_code == 201
    assert (await anon.delete(url, headers=mine)).status_code == 404
    assert (await anon.delete(url, headers=theirs)).status_code == 204


async def test_an_approved_report_needs_reports_approve_to_delete(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    """Finding (item 2): an approved report counts in the statistics; a key that cannot approve cannot withdraw it."""
    approver = await sync_key(client, role="admin", partner="ha-nam-approve")
    url = f"/api/v1/sync/reports/R-{uuid.uuid4().hex[:8]}"
    demo = (await client.get("/api/v1/reports/35/2023")).json()
    body = {n: demo[n] for n in FIGURE_NAMES} | {"unit_code": "35", "year": 2023, "status": "approved"}
    put = await anon.put(url, json=body, headers=approver)
    assert put.status_code in (200, 201), put.text
    pusher = await sync_key(client, partner="ha-nam-approve")  # the same partner, without reports:approve
    refused = await anon.delete(url, headers=pusher)
    assert refused.status_code == 409, refused.text
    assert (await anon.delete(url, headers=approver)).status_code == 204


@pytest.mark.parametrize("resource", RESOURCES)
async def test_dry_runs_answer_like_the_real_call_and_write_nothing(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, session: AsyncSession, resource: str
) -> None:
    """Finding: there was no dry_run for sync writes; a partner could not check a write before making it."""
    key = await sync_key(client)
    ext = f"X-{uuid.uuid4().hex[:8]}"
    url = f"/api/v1/sync/{resource}/{ext}"
    dry = {"dry_run": "true"}

    before = await journal_size(session)
    would_create = await anon.put(url, json=BODIES[resource], headers=key, params=dry)
    assert would_create.status_code == 201, would_create.text
    would_delete = await anon.delete(url, headers=key, params=dry)
    assert would_delete.status_code == 404  # nothing was created
    assert await journal_size(session) == before

    created = await anon.put(url, json=BODIES[resource], headers=key)
    assert created.status_code == 201
    strip = {"id", "updated_at", "created_at", "version"}
    assert {k: v for k, v in would_create.json().items() if k not in strip} == {
        k: v for k, v in created.json().items() if k not in strip
    }
    before = await journal_size(session)
    would_replace = await anon.put(url, json=BODIES[resource] | CHANGED[resource], headers=key, params=dry)
    assert would_replace.status_code == 200, would_replace.text
    stale = await anon.delete(url, headers=key | {"If-Match": '"nope"'}, params=dry)
    assert stale.status_code == 412
    assert (await anon.delete(url, headers=key, params=dry)).status_code == 204
    batch = await anon.post(
        f"/api/v1/sync/{resource}:batch",
        params=dry,
        headers=key,
        json={
            "items": [
                {"external_id": ext, "op": "delete"},
                {"external_id": f"{ext}-b", "data": BODIES[resource]},
            ]
        },
    )
    assert batch.status_code == 200, batch.text
    assert [i["status"] for i in batch.json()["items"]] == [204, 201]
    bad = await anon.post(
        f"/api/v1/sync/{resource}:batch",
        params=dry,
        headers=key,
        json={"items": [{"external_id": ext, "op": "delete"}, {"external_id": "nope", "op": "delete"}]},
    )
    assert bad.status_code == 422 and [i["status"] for i in bad.json()["results"]] == [204, 404]
    assert await journal_size(session) == before
    assert await feed_of(anon, key, ext) == ["upsert"]
    replaced = await anon.put(url, json=BODIES[resource] | CHANGED[resource], headers=key)
    assert replaced.status_code == 200
    assert replaced.json() == would_replace.json() | {
        k: replaced.json()[k] for k in ("updated_at", "version") if k in replaced.json()
    }
    assert (await anon.delete(url, headers=key)).status_code == 204


async def test_a_dry_run_does_not_use_up_the_idempotency_key(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    """Finding (item 2): a dry run with the Idempotency-Key of the coming real batch must not make the real one
    fail as a reused key, nor be replayed as if it had been written."""
    key = await sync_key(client) | {"Idempotency-Key": f"k-{uuid.uuid4().hex}"}
    body = {"items": [{"external_id": f"X-{uuid.uuid4().hex[:8]}", "data": BODIES["commendations"]}]}
    dry = await anon.post("/api/v1/sync/commendations:batch", params={"dry_run": "true"}, json=body, headers=key)
    assert dry.status_code == 200 and dry.json()["items"][0]["status"] == 201
    real = await anon.post("/api/v1/sync/commendations:batch", json=body, headers=key)
    assert real.status_code == 200, real.text
    replay = await anon.post("/api/v1/sync/commendations:batch", json=body, headers=key)
    assert replay.json() == real.json()
