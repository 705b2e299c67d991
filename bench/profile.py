"""Profile the hot paths with pyinstrument, in process, on a generated data set:
``python -m bench.profile --size national [stats|import]``. Writes var/bench/profile-WHAT-SIZE.txt and .html.

- stats: ``/stats/indicators`` for the country by province in the reorganised year, uncached;
- import: the province-year award file checked and written (as the service does it), then rolled back.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("what", choices=["stats", "import"])
    parser.add_argument("--size", choices=sorted(SIZES), default="quick")
    args = parser.parse_args()
    ds = asyncio.run(generate.ensure(SIZES[args.size]))
    profiler = Profiler(async_mode="enabled", interval=0.0005)
    asyncio.run((_stats if args.what == "stats" else _import)(ds, profiler))
    out = generate.WORK_DIR / f"profile-{args.what}-{args.size}"
    out.with_suffix(".txt").write_text(profiler.output_text(unicode=True, color=False))
    out.with_suffix(".html").write_text(profiler.output_html())
    print(profiler.output_text(unicode=True, color=False))
    print(f"{out}.txt, {out}.html")


if __name__ == "__main__":
    main()
