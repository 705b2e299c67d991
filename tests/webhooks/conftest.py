"""Webhooks end to end: a fresh database, the app writing to it, real ``khuyenhoc webhooks run`` processes
and a real HTTP receiver on a loopback port (a thread of the test process)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic_core import from_json
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.secrets import new_api_key
from api.core.config import PROJECT_ROOT, Settings
from api.db.engine import Database, make_engine
from api.main import create_app
from api.models import ApiKey, WebhookEndpoint
from tests.conftest import BACKEND, DatabaseFactory, _account, migrate_and_load

# On PostgreSQL the feed hands out a change once every older transaction of the cluster has ended (api/models/
# sync.py): long transactions of other databases on the same server (other test runs) hold deliveries back.
WAIT = 240.0 if BACKEND == "postgresql" else 30.0

COMMENDATION = {"form": "medal", "year": 2026, "issuing_level": "central", "recipient_kind": "person"}


@dataclass
class Received:
    at: float
    headers: dict[str, str]
    body: bytes
    status: int
    started: float = 0.0  # when the request had been read (``at``: when its answer was decided, after the delay)

    @property
    def id(self) -> str:
        return self.headers["webhook-id"]

    @property
    def json(self) -> Any:
        return from_json(self.body)


@dataclass
class Receiver:
    """An HTTP server recording every POST; ``answer(n, request)`` picks each status (n counts from 0)."""

    answer: Callable[[int, Received], int] = lambda n, r: 204
    delay: float = 0.0
    got: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                if len(body) < length:  # the sender went away mid-request: nothing was received
                    self.close_connection = True
                    return
                started = time.time()
                if receiver.delay:
                    time.sleep(receiver.delay)
                got = Received(time.time(), {k.lower(): v for k, v in self.headers.items()}, body, 0, started)
                with receiver.lock:
                    got.status = receiver.answer(len(receiver.got), got)
                    receiver.got.append(got)
                answer = b"" if got.status in (204, 304) else b"ok"  # a 204 has no body
                self.send_response(got.status)
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def ok(self) -> list[Received]:
        with self.lock:
            return [r for r in self.got if 200 <= r.status < 300]

    def wait(self, predicate: Callable[[], bool], *, timeout: float = WAIT, what: str = "deliveries") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out after {timeout:g}s waiting for {what}; got {len(self.got)} requests")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver().start()
    yield r
    r.stop()


class Runners:
    """``khuyenhoc webhooks run`` processes on the world's database; stopped (or killed) at the end."""

    def __init__(self, database_url: str, log: Path) -> None:
        self.database_url = database_url
        self.log = log
        self.procs: list[subprocess.Popen[bytes]] = []

    def env(self, **settings: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KH_")}
        env.update(
            KH_DATABASE_URL=self.database_url,
            KH_LOG_LEVEL="WARNING",
            KH_WEBHOOK_ALLOW_HOSTS="127.0.0.1",
            KH_WEBHOOK_RETRY_BASE_SECONDS="0.2",
            KH_WEBHOOK_TIMEOUT_SECONDS="2",
            KH_WEBHOOK_POLL_SECONDS="0.2",
            PYTHONUNBUFFERED="1",
        )
        env.update({f"KH_{k.upper()}": v for k, v in settings.items()})
        return env

    def start(self, **settings: str) -> subprocess.Popen[bytes]:
        with self.log.open("ab") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "api.cli", "webhooks", "run"],
                env=self.env(**settings),
                cwd=PROJECT_ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.procs.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen[bytes]) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill(proc)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-4000:] if self.log.exists() else ""


@dataclass
class World:
    """A migrated database with units, the app on it (real commits), an admin token, and runner processes."""

    db: Database
    database_url: str
    admin_token: str
    runners: Runners
    settings: Settings

    app: Any = None

    def client(self, token: str | None = None) -> httpx.AsyncClient:
        if self.app is None:
            self.app = create_app(self.settings, db=self.db)
        c = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://test")
        c.headers["Authorization"] = f"Bearer {token or self.admin_token}"
        return c

    async def partner_key(self, unit_code: str = "01") -> tuple[int, str]:
        """A key of profile sync for a province (its id and secret)."""
        async with self.client() as admin:
            r = await admin.post(
                "/api/v1/api-keys",
                json={
                    "name": "Đối tác thử",
                    "profile": "sync",
                    "partner": f"p-{uuid.uuid4().hex[:8]}",
                    "unit_code": unit_code,
                },
            )
            assert r.status_code == 201, r.text
            return int(r.json()["id"]), str(r.json()["secret"])

    async def endpoint(self, key: str, url: str, **body: Any) -> dict[str, Any]:
        async with self.client(key) as c:
            r = await c.post("/api/v1/webhooks", json={"url": url, **body})
            assert r.status_code == 201, r.text
            return dict(r.json())

    async def commendation(self, key: str, ext: str, name: str, unit_code: str = "01") -> dict[str, Any]:
        async with self.client(key) as c:
            r = await c.put(
                f"/api/v1/sync/commendations/{ext}",
                json=COMMENDATION | {"recipient_name": name, "unit_code": unit_code},
            )
            assert r.status_code in (200, 201), r.text
            return dict(r.json())


@pytest.fixture
async def world(databases: DatabaseFactory, tmp_path: Path) -> AsyncIterator[World]:
    url = await databases.create()
    engine = make_engine(url)
    await migrate_and_load(engine, demo=False)
    db = Database(engine)
    async with db.sessionmaker() as s, s.begin():
        account = await _account(s, "admin", None, None, None, "mật-khẩu-thử-1")
    settings = Settings(
        database_url="sqlite://",
        log_level="WARNING",
        frontend_dist=Path("/nonexistent-dashboard"),
        webhook_allow_hosts="127.0.0.1",
        notifications=False,
    )
    runners = Runners(url, tmp_path / "runners.log")
    try:
        yield World(db, url, account.token, runners, settings)
    finally:
        runners.stop_all()
        await engine.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The in-process app of these tests allows webhooks to 127.0.0.1 (the receiver), as an admin would."""
    return Settings(
        database_url=database_url,
        environment="test",
        log_json=True,
        log_level="WARNING",
        frontend_dist=Path("/nonexistent-dashboard"),
        webhook_allow_hosts="127.0.0.1",
    )


async def endpoint_row(session: AsyncSession) -> WebhookEndpoint:
    """An enabled endpoint of a new partner key, written straight to the database (no delivery process)."""
    _, prefix, secret_hash = new_api_key()
    key = ApiKey(name="Đối tác", prefix=prefix, secret_hash=secret_hash, role="partner", scopes=[], unit_id=None)
    session.add(key)
    await session.flush()
    endpoint = WebhookEndpoint(
        url="https://93.184.215.14/",
        types=[],
        secret="whsec_dGVzdA==",
        owner_key_id=key.id,
        partner="p",
        unit_path="",
        enabled=True,
        cursor=0,
        failures=0,
        created_by_kind="system",
    )
    session.add(endpoint)
    await session.flush()
    return endpoint
