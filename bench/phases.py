"""Where an import's time goes, step by step: ``python -m bench.phases --size national import|recognition``.

The import runs in process on the generated data set (as ``bench.profile`` runs it; rolled back after), with a
timer around each COPY and each statement the driver runs by ``execute``: per step its wall time, this process's
CPU (every thread's) and the PostgreSQL backend's CPU (read from ``/proc``, so PostgreSQL must run on this
machine). A step whose wall time is well above its backend CPU is Python's; the total's wall minus the backend's
CPU is the time PostgreSQL waited on Python. docs/benchmarks.md ("Award import", session 8) has a reading.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import select, text

from api.auth.principal import SYSTEM
from api.awards import imports
from api.db.engine import Database, make_engine, write_intent
from bench import generate
from bench.config import SIZES

_TICK = os.sysconf("SC_CLK_TCK")


class Timer:
    """Wall, process CPU and backend CPU, summed per step."""

    def __init__(self) -> None:
        self.backend: int | None = None
        self.steps: dict[str, list[float]] = {}

    def backend_cpu(self) -> float:
        if self.backend is None:
            return 0.0
        fields = Path(f"/proc/{self.backend}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime

    def now(self) -> tuple[float, float, float]:
        return time.perf_counter(), time.process_time(), self.backend_cpu()

    def add(self, step: str, since: tuple[float, float, float]) -> None:
        wall, cpu, backend = self.now()
        sums = self.steps.setdefault(step, [0.0, 0.0, 0.0, 0.0])
        sums[0] += wall - since[0]
        sums[1] += cpu - since[1]
        sums[2] += backend - since[2]
        sums[3] += 1

    def wrap(self, owner: Any, name: str, step: Callable[..., str]) -> None:
        real = getattr(owner, name)

        async def timed(*args: Any, **kwargs: Any) -> Any:
            since = self.now()
            try:
                return await real(*args, **kwargs)
            finally:
                self.add(step(*args, **kwargs), since)

        setattr(owner, name, timed)

    def report(self, total: tuple[float, float, float]) -> str:
        wall, cpu, backend = (now - then for now, then in zip(self.now(), total, strict=True))
        lines = [f"total: wall {wall:.2f} s, Python {cpu:.2f} s, PostgreSQL {backend:.2f} s"]
        for step, (w, c, b, n) in sorted(self.steps.items(), key=lambda kv: -kv[1][0]):
            if w >= 0.01:
                lines.append(f"  {step[:60]:60s} ×{int(n):<4d} wall {w:6.2f}  Python {c:6.2f}  PostgreSQL {b:6.2f}")
        return "\n".join(lines)


async def _run(ds: generate.Dataset, what: str, timer: Timer) -> str:
    write_intent.set(True)
    db = Database(make_engine(ds.url.replace("postgresql://", "postgresql+asyncpg://")))
    timer.wrap(asyncpg.Connection, "copy_records_to_table", lambda _conn, table, **_: f"COPY {table}")
    timer.wrap(asyncpg.Connection, "execute", lambda _conn, query, *_, **__: " ".join(str(query).split())[:60])
    work: Callable[[], Awaitable[Any]]
    async with db.sessionmaker() as session, session.begin():
        timer.backend = await session.scalar(text("SELECT pg_backend_pid()"))
        await session.execute(text("CHECKPOINT"))  # as the benchmark does before each timed write
        if what == "import":
            data = ds.import_file.read_bytes()
            job = await imports.new_job(session, SYSTEM, ds.import_file.name, False)

            def work() -> Awaitable[Any]:
                return imports.check_and_write(
                    session,
                    SYSTEM,
                    job.id,
                    data,
                    ds.import_file.name,
                    imports.Progress(),
                    dry_run=False,
                    skip_duplicates=False,
                )
        else:
            from api.auth.scopes import Role
            from api.auth.service import build_principal
            from api.models import User
            from api.recognition import imports as recognition_imports
            from bench.scenarios import recognition as scenario

            user = await session.scalar(select(User).where(User.username.like("bench-scorer-%")).limit(1))
            if user is None:
                raise SystemExit("run `python -m bench.run --only recognition-import` first (it makes the scorer)")
            principal = await build_principal(
                session, "user", user.id, user.username, user.display_name, Role(user.role), [], user.unit_id
            )
            sheet = scenario._sheet(scenario.ROWS.get(ds.size.name, 5_000))

            def work() -> Awaitable[Any]:
                return recognition_imports.run(
                    session, principal, sheet, scenario.TITLE, scenario.GROUP, scenario.YEAR, dry_run=False
                )

        timer.steps.clear()
        started = timer.now()
        await work()
        out = timer.report(started)
        await session.rollback()
    await db.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("what", choices=["import", "recognition"])
    parser.add_argument("--size", choices=sorted(SIZES), default="quick")
    args = parser.parse_args()
    ds = asyncio.run(generate.ensure(SIZES[args.size]))
    print(asyncio.run(_run(ds, args.what, Timer())))


if __name__ == "__main__":
    main()
