"""Issue 18 item 6: the partner library (api/sync/partner.py, imported from api.sync.client).

The example of docs/partners.md runs as it stands, twice, against a live ``khuyenhoc serve``; the client's
retries, cursor and webhook verification are checked against the real app (faults injected by a transport).
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import os
import re
import secrets
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import SYSTEM
from api.auth.scopes import Role
from api.core.config import PROJECT_ROOT
from api.db.engine import make_engine
from api.sync import client as library
from api.sync.client import (
    ApiError,
    BatchItem,
    BatchRefused,
    FileCursor,
    MemoryCursor,
    PartnerClient,
    RetryPolicy,
    WebhookInvalid,
    sign_webhook,
    verify_webhook,
)
from api.users.schemas import UserCreate
from api.users.service import create_user
from tests.conftest import DatabaseFactory, migrate_and_load
from tests.ops.conftest import Service, service_env, sign_in

PASSWORD = "mật-khẩu-thư-viện-1"
MARK = "<!-- example: partner-library"


def documented_example() -> str:
    text = (PROJECT_ROOT / "docs" / "partners.md").read_text(encoding="utf-8")
    start = text.index("```python\n", text.index(MARK)) + len("```python\n")
    return text[start : text.index("\n```", start)] + "\n"


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def test_the_library_is_importable_where_the_documentation_says() -> None:
    for name in ("PartnerClient", "verify_webhook", "FileCursor", "BatchItem", "ApiError", "BatchRefused"):
        assert hasattr(library, name), name
    # A partner installs the package: the module and its two dependencies are declared to ship.
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {re.split(r"[\[<>=]", d)[0] for d in project["dependencies"]}
    assert {"httpx", "standardwebhooks"} <= names


def test_webhook_signatures_valid_tampered_and_replayed() -> None:
    secret, body = new_secret(), b'{"type": "award", "id": 7}'
    headers = sign_webhook(secret, body)
    assert verify_webhook(headers, body, secret) == {"type": "award", "id": 7}
    assert verify_webhook({k.title(): v for k, v in headers.items()}, body, secret)["id"] == 7  # any header case
    with pytest.raises(WebhookInvalid):
        verify_webhook(headers, body.replace(b"7", b"8"), secret)  # tampered body
    with pytest.raises(WebhookInvalid):
        verify_webhook(headers, body, new_secret())  # another endpoint's secret
    old = sign_webhook(secret, body, at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10))
    with pytest.raises(WebhookInvalid):
        verify_webhook(old, body, secret)  # replayed outside the tolerance window
    with pytest.raises(WebhookInvalid):
        verify_webhook({"webhook-id": "x"}, body, secret)


async def _live(databases: DatabaseFactory, tmp_path: Path) -> tuple[Service, str]:
    url = await databases.create()
    engine = make_engine(url)
    try:
        await migrate_and_load(engine, demo=False)
        async with AsyncSession(engine, expire_on_commit=False) as session:
            data = UserCreate(username="quan.tri.tv", password=PASSWORD, display_name="Quản trị", role=Role.admin)
            await create_user(session, SYSTEM, data)
            await session.commit()
    finally:
        await engine.dispose()
    service = Service(service_env(url), tmp_path / "service.log")
    await asyncio.to_thread(service.start)
    return service, await asyncio.to_thread(sign_in, service.base_url, "quan.tri.tv", PASSWORD)


def _key(service: Service, token: str, partner: str) -> str:
    body = {"name": "Hệ thống Hà Nam", "profile": "sync", "partner": partner, "unit_code": "35"}
    with service.client(headers={"Authorization": f"Bearer {token}"}) as c:
        r = c.post("/api/v1/api-keys", json=body | {"unit_as_of": "2024-12-31"})
        assert r.status_code == 201, r.text
        return str(r.json()["secret"])


def _wait_for_change(service: Service, key: str, external_id: str, op: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    with service.client(headers={"Authorization": f"Bearer {key}"}) as c:
        while time.monotonic() < deadline:
            items = c.get("/api/v1/sync/changes", params={"limit": 1000}).json()["items"]
            if any(i["external_id"] == external_id and i["op"] == op for i in items):
                return
            time.sleep(0.5)
    raise AssertionError(f"{op} of {external_id} not on the feed after {seconds:g} s")


def _run(script: Path, env: dict[str, str]) -> str:
    proc = subprocess.run(
        [sys.executable, str(script)], cwd=script.parent, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


async def test_the_documented_example_runs_against_a_live_server_twice(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    service, token = await _live(databases, tmp_path)
    try:
        script = tmp_path / "example.py"
        script.write_text(documented_example(), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("KH_")} | {
            "KH_URL": service.base_url,
            "KH_SYNC_KEY": _key(service, token, "ha-nam"),
            "KH_WEBHOOK_SECRET": new_secret(),
            "PYTHONPATH": str(PROJECT_ROOT),
        }
        first = await asyncio.to_thread(_run, script, env)
        for line in ("Bút toán: HN-BT-1 201 5000000", "Bút toán: HN-BT-3 201 1200000", "Lô: [201, 201, 201]"):
            assert line in first, first
        assert "Đã xoá HN-KT-2" in first and "Nhận: 204 giả mạo: 400" in first, first
        cursor = (tmp_path / "hanam-cursor.txt").read_text()
        with service.client(headers={"Authorization": f"Bearer {token}"}) as c:
            summary = c.get("/api/v1/funds/summary", params={"unit": "35", "year": 2024, "as_of": "2024-12-31"})
        figures = {k: summary.json()[k] for k in ("raised_vnd", "disbursed_vnd", "balance_vnd")}
        assert figures == {"raised_vnd": 5_000_000, "disbursed_vnd": 800_000, "balance_vnd": 4_200_000}, summary.text
        # On PostgreSQL a change is handed out once every older transaction of the server has ended (other
        # databases' too): wait until the first run's last change is on the feed before reading on from the cursor.
        await asyncio.to_thread(_wait_for_change, service, env["KH_SYNC_KEY"], "HN-KT-2", "delete")

        # Again: every write is by the partner's ids, so nothing moves twice; the pull goes on from the cursor.
        second = await asyncio.to_thread(_run, script, env)
        assert "Bút toán: HN-BT-1 200 5000000" in second and "Quỹ: 200" in second, second
        pulled = re.findall(r"Thay đổi: (\d+) (\w+) (\w+) (\S+)", first + second)
        seqs = [int(seq) for seq, *_ in pulled]
        assert len(seqs) == len(set(seqs)) and seqs == sorted(seqs), pulled  # never twice, always in order
        entries = [ext for _, kind, op, ext in pulled if kind == "fund_entry"]
        assert entries == list(("HN-BT-1", "HN-BT-2", "HN-BT-3", "HN-BT-4")), pulled  # once each, none again
        assert ("commendation", "delete", "HN-KT-2") in {(k, o, e) for _, k, o, e in pulled}, pulled
        assert int((tmp_path / "hanam-cursor.txt").read_text()) > int(cursor or 0)
        with service.client(headers={"Authorization": f"Bearer {token}"}) as c:
            after = c.get("/api/v1/funds/summary", params={"unit": "35", "year": 2024, "as_of": "2024-12-31"})
        assert {k: after.json()[k] for k in figures} == figures
    finally:
        await asyncio.to_thread(service.stop)


class Flaky(httpx.BaseTransport):
    """The real service behind, with the first ``fail`` requests of each method answered 503 (or dropped)."""

    def __init__(self, fail: int, drop: bool = False) -> None:
        self.inner = httpx.HTTPTransport()
        self.left = fail
        self.drop = drop
        self.seen: list[tuple[str, str, str | None]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((request.method, request.url.path, request.headers.get("idempotency-key")))
        if self.left > 0 and request.method != "GET":
            self.left -= 1
            if self.drop:
                raise httpx.ConnectError("dropped", request=request)
            return httpx.Response(503, headers={"Retry-After": "0"}, json={"title": "Bận"})
        return self.inner.handle_request(request)


async def test_retries_refusals_and_a_cursor_that_never_skips(databases: DatabaseFactory, tmp_path: Path) -> None:
    service, token = await _live(databases, tmp_path)
    waits: list[float] = []
    policy = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05)
    key = _key(service, token, "ha-nam-2")
    where = {"unit_code": "35", "unit_as_of": "2024-12-31"}
    medal = where | {"form": "medal", "year": 2024, "issuing_level": "central", "recipient_kind": "person"}

    def scenario() -> None:
        flaky = Flaky(fail=2)
        with PartnerClient(service.base_url, key, retry=policy, transport=flaky, sleep=waits.append) as api:
            made = api.batch(
                "commendations", [BatchItem(f"K-{n}", data=medal | {"recipient_name": f"A{n}"}) for n in range(5)]
            )
            assert [r["status"] for r in made] == [201] * 5
            posts = [k for m, _, k in flaky.seen if m == "POST"]
            assert len(posts) == 3 and len(set(posts)) == 1  # two 503s, then through: one key for every attempt
            assert len(waits) == 2
            with pytest.raises(ApiError) as refused:
                api.upsert("commendations", "K-0", medal | {"recipient_name": "B"}, if_match='"stale"')
            assert refused.value.status == 412 and "current_etag" in refused.value.problem
            with pytest.raises(BatchRefused) as bad:
                api.batch("commendations", [BatchItem("K-9", data=medal), BatchItem("nope", op="delete")])
            assert [r["external_id"] for r in bad.value.failed] == ["K-9", "nope"]  # K-9 lacks recipient_name
            assert api.upsert("commendations", "K-0", medal | {"recipient_name": "A0"}).status == 200
            with pytest.raises(ApiError) as gone:
                api.delete("commendations", "never-sent")
            assert gone.value.status == 404

            _wait_for_change(service, key, "K-4", "upsert")  # PostgreSQL's horizon (see above)
            # A reader that stops after two changes of a three-change page reads that page again: no gap.
            store = MemoryCursor()
            first = []
            for change in api.pull(store, types=["commendation"], limit=3):
                first.append(change["external_id"])
                if len(first) == 2:
                    break
            assert store.load() is None
            everything = [c["external_id"] for c in api.pull(store, types=["commendation"], limit=3)]
            assert everything[:2] == first and sorted({str(e) for e in everything}) == [f"K-{n}" for n in range(5)]
            assert store.load() is not None and len(store.saved) == 2
            assert list(api.pull(store, types=["commendation"], limit=3)) == []
            file = FileCursor(tmp_path / "cursor.txt")
            assert len(list(api.pull(file, types=["commendation"]))) == len(everything)
            assert file.load() == store.load()

        dropped = Flaky(fail=10, drop=True)
        with (
            PartnerClient(service.base_url, key, retry=policy, transport=dropped, sleep=waits.append) as api,
            pytest.raises(library.SyncError, match="4 attempts"),
        ):
            api.delete("commendations", "K-1")
        with PartnerClient(service.base_url, key, retry=policy) as api:
            api.delete("commendations", "K-1")  # the dropped attempts deleted nothing

    try:
        await asyncio.to_thread(scenario)
    finally:
        await asyncio.to_thread(service.stop)
