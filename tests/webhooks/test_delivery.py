"""Deliveries by real ``khuyenhoc webhooks run`` processes to a real receiver: signed, complete, in order per
record, retried with backoff, refused for internal addresses, disabled after repeated failure, and complete
after the process is killed mid-run (duplicates only as retries of one webhook-id)."""

from __future__ import annotations

import asyncio
import collections
import itertools
import time
import uuid
from typing import Any

import pytest
from standardwebhooks import Webhook

from tests.webhooks.conftest import COMMENDATION, WAIT, Receiver, World


async def _changes(world: World, key: str, since: str) -> list[dict[str, object]]:
    async with world.client(key) as c:
        r = await c.get(f"/api/v1/sync/changes?since={since}&limit=1000")
        assert r.status_code == 200, r.text
        return list(r.json()["items"])


async def test_every_change_in_scope_arrives_signed_as_the_feed_shows_it(world: World, receiver: Receiver) -> None:
    key_id, key = await world.partner_key("01")
    endpoint = await world.endpoint(key, receiver.url, types=["commendation"])
    assert endpoint["secret"].startswith("whsec_") and endpoint["api_key_id"] == key_id
    start = endpoint["cursor"]
    await world.commendation(key, "c-1", "Nguyễn Thị A")
    await world.commendation(key, "c-2", "Trần Văn B")
    _, other = await world.partner_key("33")  # Hưng Yên: outside the endpoint's scope
    await world.commendation(other, "c-3", "Lê Văn C", unit_code="33")
    world.runners.start()
    receiver.wait(lambda: len(receiver.ok()) >= 2, what="two deliveries")
    await asyncio.sleep(1.0)  # nothing else comes: the Hưng Yên change is outside the key's scope
    got = sorted(receiver.ok(), key=lambda r: r.json["data"]["seq"])  # two records: sent side by side
    assert len(got) == 2, [r.json for r in got]
    feed = await _changes(world, key, start)
    hook = Webhook(endpoint["secret"])
    for received, change in zip(got, feed, strict=True):
        message = hook.verify(received.body, received.headers)  # raises unless the signature is right
        assert message["data"] == change
        assert message["cursor"] == str(change["seq"])
        assert message["type"] == "commendation.upsert"
        assert received.id == f"msg_{endpoint['id']}_{change['seq']}"
    # The log shows them delivered, with the receiver's status code and the feed cursor.
    async with world.client(key) as c:
        log = await _settled(c, endpoint["id"], 2)
        assert [d["status"] for d in log] == ["delivered", "delivered"]
        assert {d["last_status_code"] for d in log} == {204}
        assert [d["cursor"] for d in reversed(log)] == [str(c["seq"]) for c in feed]
        detail = (await c.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries/{log[0]['id']}")).json()
        assert detail["attempt_log"][0]["status_code"] == 204 and detail["payload"]["cursor"] == log[0]["cursor"]
        assert (await c.get(f"/api/v1/webhooks/{endpoint['id']}")).json()["cursor"] >= feed[-1]["seq"].__str__()


async def _settled(c: Any, endpoint_id: int, n: int) -> list[dict[str, Any]]:
    """The endpoint's delivery log once its ``n`` deliveries are recorded as delivered: the runner records the
    receiver's answer just after the receiver has it (a race seen under CI load), so the log is read until then."""
    deadline = time.monotonic() + WAIT
    while True:
        log: list[dict[str, Any]] = (await c.get(f"/api/v1/webhooks/{endpoint_id}/deliveries")).json()["items"]
        if (len(log) == n and all(d["status"] == "delivered" for d in log)) or time.monotonic() > deadline:
            return log
        await asyncio.sleep(0.05)


async def test_retries_back_off_until_the_receiver_recovers(world: World, receiver: Receiver) -> None:
    receiver.answer = lambda n, r: 503 if n < 4 else 200
    _, key = await world.partner_key()
    endpoint = await world.endpoint(key, receiver.url)
    await world.commendation(key, "r-1", "Phạm Văn D")
    world.runners.start(webhook_retry_base_seconds="0.3")
    receiver.wait(lambda: len(receiver.ok()) == 1, what="the delivery after four failures")
    assert [r.status for r in receiver.got] == [503, 503, 503, 503, 200]
    assert len({r.id for r in receiver.got}) == 1  # every attempt is the same message
    gaps = [b.at - a.at for a, b in zip(receiver.got, receiver.got[1:], strict=False)]
    # 0.3, 0.6, 1.2, 2.4 seconds (+ up to 10 %): each wait doubles
    for gap, expected in zip(gaps, (0.3, 0.6, 1.2, 2.4), strict=True):
        assert expected * 0.9 <= gap <= expected * 1.1 + 0.6, gaps
    async with world.client(key) as c:
        (d,) = await _settled(c, endpoint["id"], 1)
        assert d["status"] == "delivered" and d["attempts"] == 5 and d["last_status_code"] == 200
        detail = (await c.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries/{d['id']}")).json()
        assert [a["status_code"] for a in detail["attempt_log"]] == [503, 503, 503, 503, 200]
        # Manual redelivery: the same webhook-id again.
        r = await c.post(f"/api/v1/webhooks/{endpoint['id']}/deliveries/{d['id']}/redeliver")
        assert r.status_code == 202 and r.json()["status"] == "pending"
    receiver.wait(lambda: len(receiver.ok()) == 2, what="the redelivery")
    assert receiver.ok()[1].id == receiver.ok()[0].id and receiver.ok()[1].body == receiver.ok()[0].body


async def test_changes_of_one_record_arrive_in_feed_order_despite_failures(world: World, receiver: Receiver) -> None:
    # Every third request fails: retries must not let a later version of a record overtake an earlier one.
    receiver.answer = lambda n, r: 500 if n % 3 == 1 else 200
    _, key = await world.partner_key()
    await world.endpoint(key, receiver.url)
    records = [f"o-{i}" for i in range(4)]
    for version in range(6):
        for ext in records:
            await world.commendation(key, ext, f"Người {ext} lần {version}")
    world.runners.start(webhook_retry_base_seconds="0.05")
    receiver.wait(lambda: len(receiver.ok()) >= 24, what="24 deliveries")
    per_record: dict[str, list[int]] = collections.defaultdict(list)
    for r in receiver.ok():
        change = r.json["data"]
        per_record[change["external_id"]].append(change["seq"])
    assert sorted(per_record) == records
    for ext, seqs in per_record.items():
        assert len(seqs) == 6 and seqs == sorted(seqs), (ext, seqs)


async def test_internal_addresses_are_refused_when_sent_too(world: World, receiver: Receiver) -> None:
    _, key = await world.partner_key()
    endpoint = await world.endpoint(key, receiver.url)  # the app allows 127.0.0.1 ...
    await world.commendation(key, "s-1", "Đỗ Văn E")
    world.runners.start(webhook_allow_hosts="", webhook_retry_base_seconds="60")  # ... this runner does not
    async with world.client(key) as c:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            items = (await c.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries")).json()["items"]
            if items and items[0]["attempts"]:
                break
            await asyncio.sleep(0.1)
        assert items[0]["attempts"] == 1 and items[0]["status"] == "pending"
        assert items[0]["last_status_code"] is None and "127.0.0.1" in items[0]["last_error"]
    assert receiver.got == []  # nothing was sent


async def test_an_endpoint_failing_again_and_again_is_disabled_and_resumes_when_enabled(
    world: World, receiver: Receiver
) -> None:
    receiver.answer = lambda n, r: 500
    _, key = await world.partner_key()
    endpoint = await world.endpoint(key, receiver.url)
    for i in range(3):
        await world.commendation(key, f"d-{i}", f"Người {i}")
    world.runners.start(webhook_disable_after_failures="4", webhook_disable_after_seconds="0")
    async with world.client(key) as c:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            state = (await c.get(f"/api/v1/webhooks/{endpoint['id']}")).json()
            if not state["enabled"]:
                break
            await asyncio.sleep(0.1)
        assert not state["enabled"] and state["disabled_at"], state
        assert "4 lần gửi thất bại liên tiếp" in state["disabled_reason"] and "HTTP 500" in state["disabled_reason"]
        assert state["pending"] == 3  # nothing is dropped: the changes wait
        tried = len(receiver.got)
        await asyncio.sleep(1.0)
        assert len(receiver.got) == tried  # disabled: nothing more is sent
        receiver.answer = lambda n, r: 200
        r = await c.patch(f"/api/v1/webhooks/{endpoint['id']}", json={"enabled": True})
        assert r.status_code == 200 and r.json()["enabled"] and r.json()["disabled_reason"] is None
    receiver.wait(lambda: len({r.id for r in receiver.ok()}) == 3, what="the three waiting changes")


@pytest.mark.parametrize("runners", [1, 2])
async def test_killing_the_delivery_process_loses_nothing(world: World, receiver: Receiver, runners: int) -> None:
    from tests.conftest import BACKEND

    if runners == 2 and BACKEND != "postgresql":
        runners = 1  # SQLite: one delivery process (the write lock serialises them anyway)
    receiver.delay = 0.005
    _, key = await world.partner_key()
    endpoint = await world.endpoint(key, receiver.url)
    async with world.client(key) as c:
        for batch in range(4):
            items = [
                {
                    "external_id": f"k-{batch}-{i}-{uuid.uuid4().hex[:4]}",
                    "data": {
                        "form": "medal",
                        "year": 2026,
                        "issuing_level": "central",
                        "recipient_kind": "person",
                        "recipient_name": f"Người {i}",
                        "unit_code": "01",
                    },
                }
                for i in range(100)
            ]
            r = await c.post("/api/v1/sync/commendations:batch", json={"items": items})
            assert r.status_code == 200, r.text
    deadline = time.monotonic() + WAIT  # PostgreSQL: the feed shows them when older transactions have ended
    while len(feed := await _changes(world, key, endpoint["cursor"])) < 400:
        if time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    expected = {f"msg_{endpoint['id']}_{c['seq']}" for c in feed}
    assert len(expected) == 400
    procs = [world.runners.start(webhook_batch="50", webhook_timeout_seconds="5") for _ in range(runners)]
    receiver.wait(lambda: len(receiver.ok()) >= 60, what="the first deliveries")
    for p in procs:
        world.runners.kill(p)  # kill -9 mid-run
    before = len(receiver.got)
    assert before < 400, "the runs finished before the kill: make the receiver slower"
    for _ in range(runners):
        world.runners.start(webhook_batch="50", webhook_timeout_seconds="5")
    receiver.wait(lambda: {r.id for r in receiver.ok()} >= expected, timeout=WAIT + 60, what="every change")
    # Those in flight when the processes were killed were received, but their outcome was never recorded: the
    # log has them pending until their lease runs out, and then they are sent again (same id, same body).
    async with world.client(key) as c:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            log = (await c.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries?limit=1000")).json()["items"]
            if {d["status"] for d in log} == {"delivered"}:
                break
            await asyncio.sleep(0.2)
    stuck = [d for d in log if d["status"] != "delivered"]
    assert len(log) == 400 and not stuck, (str(stuck[:3]), world.runners.output())
    counts = collections.Counter(r.id for r in receiver.got)
    assert set(counts) == expected  # nothing lost, nothing else sent
    bodies: dict[str, bytes] = {}
    for r in receiver.got:  # a duplicate is a retry of one message: same id, same body
        assert bodies.setdefault(r.id, r.body) == r.body
    # Every request is an attempt of the log, but those in flight when the processes were killed (a batch each).
    attempts = sum(d["attempts"] for d in log)
    assert len(receiver.got) <= attempts + 50 * runners, (attempts, len(receiver.got))


async def _backlog(world: World, key: str, records: int, versions: int) -> list[str]:
    """``versions`` writes of each of ``records`` commendations, interleaved, in :batch calls; their ids."""
    exts = [f"b-{i}-{uuid.uuid4().hex[:4]}" for i in range(records)]
    async with world.client(key) as c:
        for version in range(versions):
            items = [
                {
                    "external_id": ext,
                    "data": COMMENDATION | {"recipient_name": f"Người {ext} lần {version}", "unit_code": "01"},
                }
                for ext in exts
            ]
            r = await c.post("/api/v1/sync/commendations:batch", json={"items": items})
            assert r.status_code == 200, r.text
    return exts


async def test_deliveries_of_one_record_never_overlap_while_records_go_side_by_side(
    world: World, receiver: Receiver
) -> None:
    """Several deliveries are in flight at once (other records), but a record's next change is sent only after
    its previous one was answered and recorded: never overlapping, never reordered."""
    from tests.conftest import BACKEND

    receiver.delay = 0.05
    _, key = await world.partner_key()
    await world.endpoint(key, receiver.url)
    exts = await _backlog(world, key, records=12, versions=4)
    for _ in range(2 if BACKEND == "postgresql" else 1):  # SQLite: one delivery process
        world.runners.start(webhook_batch="8")
    receiver.wait(lambda: len(receiver.ok()) >= 48, what="48 deliveries")
    per_record: dict[str, list[tuple[int, float, float]]] = collections.defaultdict(list)
    for r in sorted(receiver.got, key=lambda r: r.started):
        change = r.json["data"]
        per_record[change["external_id"]].append((change["seq"], r.started, r.at))
    assert sorted(per_record) == sorted(exts)
    for ext, sends in per_record.items():
        seqs = [seq for seq, _, _ in sends]
        assert len(seqs) == 4 and seqs == sorted(seqs), (ext, seqs)
        for (_, _, answered), (_, started, _) in itertools.pairwise(sends):
            assert started >= answered, (ext, sends)  # the next one began after the previous was answered
    # ... and deliveries of different records did overlap: they are sent side by side.
    spans = sorted((r.started, r.at) for r in receiver.got)
    overlapping = sum(1 for a, b in itertools.pairwise(spans) if b[0] < a[1])
    assert overlapping >= 10, spans


async def test_runners_claiming_in_batches_send_each_message_once(world: World, receiver: Receiver) -> None:
    """Two processes (PostgreSQL; SQLite: one) claiming small batches side by side: with a receiver that never
    fails, every webhook-id arrives exactly once (a duplicate is only ever a retry of one message)."""
    from tests.conftest import BACKEND

    _, key = await world.partner_key()
    endpoint = await world.endpoint(key, receiver.url)
    await _backlog(world, key, records=150, versions=2)
    for _ in range(2 if BACKEND == "postgresql" else 1):
        world.runners.start(webhook_batch="10", webhook_concurrency="4")
    receiver.wait(lambda: len(receiver.got) >= 300, what="300 deliveries")
    await asyncio.sleep(1.0)  # a second copy of anything would come now
    counts = collections.Counter(r.id for r in receiver.got)
    assert len(counts) == 300 and set(counts.values()) == {1}, counts.most_common(3)
    assert all(m.startswith(f"msg_{endpoint['id']}_") for m in counts)
