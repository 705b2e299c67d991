"""Webhooks on PostgreSQL: latency from a write's commit to the receiver's 2xx, and deliveries per second.

``python -m bench.webhooks [--backlog N] [--runners R]`` (also ``python -m bench.run --only webhooks
[--webhook-backlog N]``, which needs no data set). A fresh database ``kh_bench_webhooks`` (units only, copied
from a template made once per migration head), one partner key, one endpoint, real ``khuyenhoc webhooks run``
processes and a receiver in its own process (uvloop, httptools, HTTP/1.1 keep-alive; answers 204 and notes
each message's arrival time and ``webhook-id``):

- **latency**: single writes (``PUT /sync/commendations/…`` through the app, in this process), one at a time,
  ~20 per second; from the moment the write's response came back (its transaction committed) to the
  receiver's arrival time (its 204 follows at once). p50 / p95 / max.
- **throughput**: N changes written while the endpoint is disabled (``:batch`` of 1,000), then enabled: time
  from enabling until the receiver has them all; deliveries per second (fan-out, signing, POST, log).
- it also counts each ``webhook-id`` received: lost (missing) and duplicated must both be 0 here.
- **baseline**, from the same run and the same receiver: a process of its own (uvloop) POSTing a
  delivery-sized body with the delivery process's HTTP client (api/webhooks/http.py), one at a time (round
  trip p50 / p95, beside the latency) and with the delivery process's concurrency (POSTs per second, beside
  the deliveries per second): the receiver's bare rate.

On PostgreSQL the feed hands a change out once every older transaction of the cluster has ended: another
database's long transaction on the same server (a data set being generated) holds the deliveries back, and
shows as latency of seconds and a lower rate. Look at ``pg_stat_activity`` before trusting a figure.

Sizes (``bench.run --size``): quick 300 changes and 10 single writes (a smoke test, a few seconds on a quiet
machine), national 20,000 and 200.
"""

# A measuring script: it starts processes and polls a file on purpose.
# ruff: noqa: ASYNC110, ASYNC220, ASYNC240

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import httpx
from sqlalchemy import make_url

from bench.config import ADMIN_URL
from bench.report import Figure, Results, ratio

DATABASE = "kh_bench_webhooks"
TEMPLATE = "kh_bench_webhooks_template"
ROOT = Path(__file__).resolve().parent.parent
EXTERNAL_ID = re.compile(rb'"external_id":"([^"]*)"')
# Per benchmark size: (backlog changes, single writes for the latency).
SIZES = {"quick": (300, 10), "national": (20_000, 200)}
BODY = {"form": "medal", "year": 2026, "issuing_level": "central", "recipient_kind": "person", "unit_code": "01"}


# The receiver (a process of its own: ``python -m bench.webhooks receive PORT FILE``)
class _Hook(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection, parsed by httptools (C): each POST is noted (arrival time,
    ``webhook-id``, external id) and answered 204 at once, so the receiver is not what limits the delivery
    rate measured (the asyncio-streams receiver it replaces answered 224-288 POSTs/s)."""

    def __init__(self, lines: list[str]) -> None:
        import httptools

        self.lines = lines
        self.parser = httptools.HttpRequestParser(self)
        self.error = httptools.HttpParserError
        self.msg_id = b""
        self.body: list[bytes] = []
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except self.error:
            assert self.transport is not None
            self.transport.close()

    def on_header(self, name: bytes, value: bytes) -> None:
        if name.lower() == b"webhook-id":
            self.msg_id = value.strip()

    def on_body(self, chunk: bytes) -> None:
        self.body.append(chunk)

    def on_message_complete(self) -> None:
        at = time.time()
        found = EXTERNAL_ID.search(b"".join(self.body))
        self.lines.append(f"{at:.6f} {self.msg_id.decode()} {found.group(1).decode() if found else '-'}\n")
        self.msg_id, self.body = b"", []
        assert self.transport is not None
        self.transport.write(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")


async def _receive(port: int, out_path: str) -> None:
    lines: list[str] = []
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Hook(lines), "127.0.0.1", port, backlog=1024)
    with open(out_path, "a") as out:  # noqa: ASYNC230 - the lines of the last 5 ms at once
        async with server:
            while True:
                await asyncio.sleep(0.005)
                if lines:
                    batch, lines[:] = "".join(lines), []
                    out.write(batch)
                    out.flush()


def _uvloop_run(main: Any) -> Any:
    """Run a coroutine on uvloop (the delivery process's loop) when installed."""
    try:
        import uvloop

        factory = uvloop.new_event_loop
    except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
        factory = None
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(main)


class Arrivals:
    """The receiver's file, read as it grows (only the new lines each time)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows: list[tuple[float, str, str]] = []
        self._offset = 0
        self._rest = b""

    def read(self) -> list[tuple[float, str, str]]:
        if self.path.exists():
            with self.path.open("rb") as f:
                f.seek(self._offset)
                data = self._rest + f.read()
                self._offset = f.tell()
            *complete, self._rest = data.split(b"\n")
            for line in complete:
                at, msg_id, ext = line.decode().split(" ")
                self.rows.append((float(at), msg_id, ext))
        return self.rows


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _url(database: str) -> str:
    return (
        make_url(ADMIN_URL)
        .set(drivername="postgresql+asyncpg", database=database)
        .render_as_string(hide_password=False)
    )


async def _template(conn: Any) -> None:
    """A database with the schema and the official units, made once per migration head (loading the units is
    most of the setup): each run copies it (CREATE DATABASE … TEMPLATE), which takes a second or two."""
    from sqlalchemy.ext.asyncio import AsyncSession

    from api.db.engine import make_engine
    from api.db.migrate import head_revisions, upgrade_connection
    from api.units.loader import load_all

    heads = ",".join(sorted(head_revisions()))
    row = await conn.fetchrow(
        "SELECT shobj_description(oid, 'pg_database') AS heads FROM pg_database WHERE datname = $1", TEMPLATE
    )
    if row is not None and row["heads"] == heads:
        return
    await conn.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
    await conn.execute(f'CREATE DATABASE "{TEMPLATE}"')
    engine = make_engine(_url(TEMPLATE))
    try:
        async with engine.begin() as c:
            await c.run_sync(upgrade_connection)
        async with AsyncSession(engine) as session:
            await load_all(session)
            await session.commit()
    finally:
        await engine.dispose()
    await conn.execute(f"COMMENT ON DATABASE \"{TEMPLATE}\" IS '{heads}'")


async def _fresh_database() -> str:
    conn = await asyncpg.connect(ADMIN_URL)
    try:
        await _template(conn)
        await conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{DATABASE}" TEMPLATE "{TEMPLATE}"')
    finally:
        await conn.close()
    return _url(DATABASE)


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


async def bare_posts(port: int, body: bytes, *, sequential: int, total: int, concurrency: int) -> dict[str, float]:
    """The receiver without the platform: round trips of one POST at a time (ms), then POSTs per second with
    ``concurrency`` open at once, from the delivery process's own HTTP client (api/webhooks/http.py) on its
    event loop (uvloop). Run in a process of its own (``python -m bench.webhooks bare …``), as the delivery
    process is."""
    from api.webhooks.http import Client

    url = f"http://127.0.0.1:{port}/hook"
    headers = {"content-type": "application/json", "webhook-id": "msg_baseline"}
    client = Client(timeout=30, cap=64 * 1024)
    try:
        trips = []
        for _ in range(sequential):
            started = time.perf_counter()
            assert (await client.post(url, body, headers)).status == 204
            trips.append((time.perf_counter() - started) * 1000)
        left = total

        async def worker() -> None:
            nonlocal left
            while left > 0:
                left -= 1
                assert (await client.post(url, body, headers)).status == 204

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    finally:
        await client.close()
    return {
        "round_trip_p50_ms": round(statistics.median(trips), 2),
        "round_trip_p95_ms": round(_percentile(trips, 0.95), 2),
        "posts_per_second": round(total / elapsed, 1),
        "concurrency": concurrency,
    }


def _bare_in_process(port: int, body: bytes, *, sequential: int, total: int, concurrency: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.webhooks", "bare", str(port), str(sequential), str(total), str(concurrency)],
        cwd=ROOT,
        input=body,
        capture_output=True,
        check=True,
    )
    return dict(json.loads(out.stdout))


async def measure(changes: int, runners: int, latency_writes: int, work: Path, log: Any) -> dict[str, Any]:
    from api.core.config import Settings
    from api.db.engine import Database, make_engine
    from api.main import create_app
    from bench.generate import _admin_token

    setup = time.monotonic()
    url = await _fresh_database()
    engine = make_engine(url)
    token = await _admin_token(engine)
    db = Database(engine)
    settings = Settings(
        database_url=url,
        log_level="WARNING",
        frontend_dist=Path("/nonexistent"),
        webhook_allow_hosts="127.0.0.1",
        request_timeout_seconds=900,
        database_statement_timeout_seconds=900,
    )
    app = create_app(settings, db=db)
    work.mkdir(parents=True, exist_ok=True)
    arrivals = work / "webhooks-received.txt"
    arrivals.unlink(missing_ok=True)
    received = Arrivals(arrivals)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KH_")}
    receiver = subprocess.Popen(
        [sys.executable, "-m", "bench.webhooks", "receive", str(port), str(arrivals)], cwd=ROOT, env=env
    )
    runner_env = env | {
        "KH_DATABASE_URL": url,
        "KH_LOG_LEVEL": "WARNING",
        "KH_WEBHOOK_ALLOW_HOSTS": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }
    procs: list[subprocess.Popen[bytes]] = []
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=300) as c:
            c.headers["Authorization"] = f"Bearer {token}"
            r = await c.post(
                "/api/v1/api-keys",
                json={
                    "name": "Đo webhook",
                    "profile": "sync",
                    "partner": f"bench-{uuid.uuid4().hex[:6]}",
                    "unit_code": "01",
                },
            )
            r.raise_for_status()
            c.headers["Authorization"] = f"Bearer {r.json()['secret']}"
            r = await c.post("/api/v1/webhooks", json={"url": f"http://127.0.0.1:{port}/hook"})
            r.raise_for_status()
            endpoint = r.json()["id"]
            with (work / "webhooks-runners.log").open("ab") as out:
                for _ in range(runners):
                    procs.append(
                        subprocess.Popen(
                            [sys.executable, "-m", "api.cli", "webhooks", "run"],
                            cwd=ROOT,
                            env=runner_env,
                            stdout=out,
                            stderr=subprocess.STDOUT,
                        )
                    )
            await asyncio.sleep(3)  # the processes start and listen
            log(f"   set up in {time.monotonic() - setup:.0f} s (database, units, key, endpoint, {runners} runner(s))")
            # Latency: one write at a time
            committed: dict[str, float] = {}
            for i in range(latency_writes):
                ext = f"lat-{i}"
                r = await c.put(f"/api/v1/sync/commendations/{ext}", json=BODY | {"recipient_name": f"Người {i}"})
                r.raise_for_status()
                committed[ext] = time.time()
                await asyncio.sleep(0.05)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and len({x for _, _, x in received.read()} & set(committed)) < len(
                committed
            ):
                await asyncio.sleep(0.1)
            got = {ext: at for at, _, ext in received.read() if ext in committed}
            latencies = [(got[e] - committed[e]) * 1000 for e in committed if e in got]
            log(
                f"   latency: {len(latencies)}/{len(committed)} delivered, p50 {statistics.median(latencies):.0f} ms, "
                f"p95 {_percentile(latencies, 0.95):.0f} ms"
            )
            # Throughput: a backlog, then the endpoint enabled
            await c.patch(f"/api/v1/webhooks/{endpoint}", json={"enabled": False})
            for start in range(0, changes, 1000):
                items = [
                    {"external_id": f"tp-{n}", "data": BODY | {"recipient_name": f"Người {n}"}}
                    for n in range(start, min(changes, start + 1000))
                ]
                (await c.post("/api/v1/sync/commendations:batch", json={"items": items})).raise_for_status()
            before = len(received.read())
            started = time.monotonic()
            (await c.patch(f"/api/v1/webhooks/{endpoint}", json={"enabled": True})).raise_for_status()
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline and len(received.read()) - before < changes:
                await asyncio.sleep(0.05)
            elapsed = time.monotonic() - started
            await asyncio.sleep(1.0)  # a duplicate would come now (it counts below)
            rows = received.read()
            tp = [r for r in rows[before:] if r[2].startswith("tp-")]
            last = max((r[0] for r in tp), default=0.0)
            first = min((r[0] for r in tp), default=0.0)
            ids = [r[1] for r in rows]
            counts: dict[str, int] = {}
            for msg in ids:
                counts[msg] = counts.get(msg, 0) + 1
            expected = len(committed) + changes
            log(f"   throughput: {len(tp)}/{changes} delivered in {elapsed:.1f} s, {changes / elapsed:,.0f}/s")
            # Baseline: the same receiver, a body of a delivery's size, without the platform.
            sample = json.dumps({"type": "commendation", "data": BODY | {"recipient_name": "Người 0"}}).encode()
            sample = sample.ljust(max(len(sample), 900))
            baseline = await asyncio.to_thread(
                _bare_in_process,
                port,
                sample,
                sequential=latency_writes,
                total=max(changes, 5000),
                concurrency=settings.webhook_concurrency,
            )
            log(
                f"   baseline (bare POSTs to the receiver): p50 {baseline['round_trip_p50_ms']:.1f} ms, "
                f"p95 {baseline['round_trip_p95_ms']:.1f} ms, {baseline['posts_per_second']:,.0f}/s"
            )
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        receiver.terminate()
        receiver.wait(timeout=10)
        await engine.dispose()
    return {
        "latency_ms": {
            "p50": round(statistics.median(latencies), 1),
            "p95": round(_percentile(latencies, 0.95), 1),
            "max": round(max(latencies), 1),
            "writes": len(committed),
            "delivered": len(latencies),
        },
        "throughput": {
            "changes": changes,
            "received": len(tp),
            "seconds_to_all": round(elapsed, 2),
            "per_second": round(changes / elapsed, 1),
            "per_second_first_to_last": round(len(tp) / (last - first), 1) if last > first else None,
            "runners": runners,
        },
        "lost": expected - len(counts),
        "duplicated": sum(n - 1 for n in counts.values()),
        "baseline": baseline,
        "load_average": os.getloadavg(),
    }


def run(
    results: Results,
    log: Any,
    *,
    size: str = "quick",
    runners: int = 1,
    work: Path | None = None,
    backlog: int | None = None,
) -> None:
    """The ``webhooks`` scenario of ``bench.run``: its own database, beside the service (which it does not use);
    ``backlog`` changes (``--webhook-backlog``; default by size)."""
    changes, writes = SIZES[size]
    changes = backlog or changes
    out = asyncio.run(measure(changes, runners, writes, work or ROOT / "var" / "bench", log))
    results.details["webhooks"] = out
    lat, tp, base = out["latency_ms"], out["throughput"], out["baseline"]
    bare = "bare POST to the receiver"
    results.add(
        Figure(
            "webhooks",
            f"commit → receiver 2xx, p50 ({writes} single writes)",
            lat["p50"],
            "ms",
            f"{bare}, p50",
            base["round_trip_p50_ms"],
            ratio(lat["p50"], base["round_trip_p50_ms"]),
        )
    )
    results.add(
        Figure(
            "webhooks",
            "commit → receiver 2xx, p95",
            lat["p95"],
            "ms",
            f"{bare}, p95",
            base["round_trip_p95_ms"],
            ratio(lat["p95"], base["round_trip_p95_ms"]),
            "< 1000 ms",
            lat["p95"] < 1000,
        )
    )
    results.add(
        Figure(
            "webhooks",
            f"deliveries per second ({changes:,} backlog, 1 receiver, {runners} process)",
            tp["per_second"],
            "/s",
            f"bare POSTs to the receiver, {base['concurrency']} at once",
            base["posts_per_second"],
            ratio(tp["per_second"], base["posts_per_second"]),
            "≥ 500/s",
            tp["per_second"] >= 500,
        )
    )
    results.add(
        Figure(
            "webhooks",
            "lost + duplicated deliveries",
            out["lost"] + out["duplicated"],
            "",
            "",
            None,
            None,
            "0",
            out["lost"] + out["duplicated"] == 0,
        )
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "receive":
        _uvloop_run(_receive(int(sys.argv[2]), sys.argv[3]))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "bare":
        port, sequential, total, concurrency = (int(a) for a in sys.argv[2:6])
        body = sys.stdin.buffer.read()
        got = _uvloop_run(bare_posts(port, body, sequential=sequential, total=total, concurrency=concurrency))
        print(json.dumps(got))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", "--backlog", type=int, default=SIZES["national"][0])
    parser.add_argument("--runners", type=int, default=1)
    parser.add_argument("--latency-writes", type=int, default=SIZES["national"][1])
    args = parser.parse_args()
    out = asyncio.run(
        measure(args.changes, args.runners, args.latency_writes, ROOT / "var" / "bench", lambda m: print(m, flush=True))
    )
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
