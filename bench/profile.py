"""Profile the hot paths with pyinstrument, in process, on a generated data set:
``python -m bench.profile --size national [stats|import]``. Writes var/bench/profile-WHAT-SIZE.txt and .html.

- stats: ``/stats/indicators`` for the country by province in the reorganised year, uncached;
- import: the province-year award file checked and written (as the service does it), then rolled back;
- recognition: the 100,000-citizen score sheet of the recognition-import scenario, checked, scored and written
  by a commune scorer (as the service does it), then rolled back.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import httpx
from pyinstrument import Profiler

from api.auth.principal import SYSTEM
from api.awards import imports
from api.core.config import Settings
from api.db.engine import Database, make_engine, write_intent
from api.main import create_app
from bench import generate
from bench.config import SIZES


async def _stats(ds: generate.Dataset, profiler: Profiler) -> None:
    url = ds.url.replace("postgresql://", "postgresql+asyncpg://")
    db = Database(make_engine(url))
    app = create_app(Settings(database_url=url, log_level="WARNING", frontend_dist=Path("/nonexistent")), db=db)
    headers = {"Authorization": f"Bearer {ds.token}", "Cache-Control": "no-cache"}
    params: dict[str, str | int] = {"year": ds.size.last_year - 1, "breakdown": "children"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", headers=headers, timeout=120) as c:
        for _ in range(3):  # warm: connections, statement caches
            (await c.get("/api/v1/stats/indicators", params=params)).raise_for_status()
        profiler.start()
        for _ in range(10):
            (await c.get("/api/v1/stats/indicators", params=params)).raise_for_status()
        profiler.stop()
    await db.dispose()


async def _import(ds: generate.Dataset, profiler: Profiler) -> None:
    write_intent.set(True)
    db = Database(make_engine(ds.url.replace("postgresql://", "postgresql+asyncpg://")))
    data = ds.import_file.read_bytes()
    async with db.sessionmaker() as session, session.begin():
        job = await imports.new_job(session, SYSTEM, ds.import_file.name, False)
        profiler.start()
        # As the service runs it (PostgreSQL: streamed), every row written as the benchmark writes them.
        await imports.check_and_write(
            session, SYSTEM, job.id, data, ds.import_file.name, imports.Progress(), dry_run=False, skip_duplicates=False
        )
        profiler.stop()
        await session.rollback()
    await db.dispose()


async def _recognition(ds: generate.Dataset, profiler: Profiler) -> None:
    from sqlalchemy import select

    from api.auth.scopes import Role
    from api.auth.service import build_principal
    from api.models import User
    from api.recognition import imports as recognition_imports
    from bench.scenarios import recognition as scenario

    write_intent.set(True)
    db = Database(make_engine(ds.url.replace("postgresql://", "postgresql+asyncpg://")))
    rows = scenario.ROWS.get(ds.size.name, 5_000)
    data = scenario._sheet(rows)
    async with db.sessionmaker() as session, session.begin():
        # The scenario's scorer (a commune editor): made by a benchmark run before this one.
        user = await session.scalar(select(User).where(User.username.like("bench-scorer-%")).limit(1))
        if user is None:
            raise SystemExit("run `python -m bench.run --only recognition-import` first (it makes the scorer)")
        principal = await build_principal(
            session, "user", user.id, user.username, user.display_name, Role(user.role), [], user.unit_id
        )
        profiler.start()
        await recognition_imports.run(
            session, principal, data, scenario.TITLE, scenario.GROUP, scenario.YEAR, dry_run=False
        )
        profiler.stop()
        await session.rollback()
    await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("what", choices=["stats", "import", "recognition"])
    parser.add_argument("--size", choices=sorted(SIZES), default="quick")
    args = parser.parse_args()
    ds = asyncio.run(generate.ensure(SIZES[args.size]))
    profiler = Profiler(async_mode="enabled", interval=0.0005)
    runs = {"stats": _stats, "import": _import, "recognition": _recognition}
    asyncio.run(runs[args.what](ds, profiler))
    out = generate.WORK_DIR / f"profile-{args.what}-{args.size}"
    out.with_suffix(".txt").write_text(profiler.output_text(unicode=True, color=False))
    out.with_suffix(".html").write_text(profiler.output_html())
    print(profiler.output_text(unicode=True, color=False))
    print(f"{out}.txt, {out}.html")


if __name__ == "__main__":
    main()
