"""A synthetic national data set on PostgreSQL, the same for the same size and seed.

Units are the real ones (63 provinces, 696 districts and 10,051 communes before 2025-07-01; 34 provinces
and 3,321 communes since), plus synthetic villages below today's communes. Reports: every commune,
district and province for each year (a district's or province's report is replaced by its children's,
"deepest wins"), some communes through their villages in the last year, approved except part of the
last year. Awards, ledger entries and change-feed rows are generated inside PostgreSQL from
``generate_series`` with integer hashing (no random(): the same rows every time).

The database is kept between runs: a table ``bench_meta`` holds the fingerprint of the sizes and
seed, and a run whose fingerprint matches reuses it (``--fresh`` regenerates).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import SYSTEM
from api.auth.scopes import Role
from api.auth.secrets import new_access_token, sha256
from api.core.config import PROJECT_ROOT, normalise_database_url
from api.core.text import fold
from api.db.engine import make_engine
from api.db.migrate import upgrade_connection
from api.models import AccessToken
from api.reports.fields import FIGURE_NAMES
from api.units.loader import load_all
from api.users.schemas import UserCreate
from api.users.service import create_user
from bench.config import ADMIN_URL, SEED, SIZES, Size, database_name

WORK_DIR = PROJECT_ROOT / "var" / "bench"
REFORM = dt.date(2025, 7, 1)
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Hữu", "Thu", "Anh", "Gia", "Bảo"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Em", "Giang", "Hoa", "Hùng", "Khánh", "Lan", "Long", "Mai", "Nam", "Oanh"]
GIVEN += ["Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Uyên", "Vy", "Yến", "Hạnh", "Linh", "Hiếu"]
KINDS = ["pupil", "pupil", "pupil", "student", "student", "teacher", "other"]


@dataclass
class Dataset:
    """What the scenarios need to know about the generated data."""

    size: Size
    url: str  # postgresql://… of the benchmark database
    token: str  # a national admin's bearer token
    import_file: Path  # the province-year award file
    import_unit: str  # its province (code on the map of its year)
    import_year: int
    fresh_unit: str  # a commune whose last-year report is submitted, for the freshness scenario
    fresh_province: str  # today's province of that commune
    export_year: int  # the year whose awards the export scenario downloads
    export_rows: int
    feed_changes: int
    generated_seconds: float | None  # None when an existing data set was reused


def _pg(url: str) -> str:
    """asyncpg wants a plain postgresql:// URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def bench_url(size: Size) -> str:
    return make_url(_pg(ADMIN_URL)).set(database=database_name(size)).render_as_string(hide_password=False)


async def _meta(url: str) -> dict[str, str] | None:
    try:
        conn = await asyncpg.connect(url)
    except (asyncpg.InvalidCatalogNameError, OSError):
        return None
    try:
        if not await conn.fetchval("SELECT to_regclass('bench_meta') IS NOT NULL"):
            return None
        return {r["key"]: r["value"] for r in await conn.fetch("SELECT key, value FROM bench_meta")}
    finally:
        await conn.close()


async def ensure(size: Size, *, fresh: bool = False, log: Any = print) -> Dataset:
    """The data set of this size: reused when its fingerprint matches, else generated from scratch."""
    url = bench_url(size)
    meta = None if fresh else await _meta(url)
    seconds: float | None = None
    if not _usable(meta, size):
        started = time.perf_counter()
        meta = await generate(size, url, log=log)
        seconds = time.perf_counter() - started
        log(f"generated {size.name} data set in {seconds:.0f} s")
    else:
        assert meta is not None
        log(f"reusing the {size.name} data set in {database_name(size)} (fingerprint {meta['fingerprint']})")
        engine = make_engine(normalise_database_url(url))
        try:
            async with engine.begin() as conn:  # migrations added since it was made (no data changes)
                await conn.run_sync(upgrade_connection)
        finally:
            await engine.dispose()
    return Dataset(
        size=size,
        url=url,
        token=meta["token"],
        import_file=Path(meta["import_file"]),
        import_unit=meta["import_unit"],
        import_year=int(meta["import_year"]),
        fresh_unit=meta["fresh_unit"],
        fresh_province=meta["fresh_province"],
        export_year=int(meta["export_year"]),
        export_rows=int(meta["export_rows"]),
        feed_changes=int(meta["feed_changes"]),
        generated_seconds=seconds,
    )


def _usable(meta: dict[str, str] | None, size: Size) -> bool:
    return meta is not None and meta.get("fingerprint") == size.fingerprint() and Path(meta["import_file"]).exists()


async def generate(size: Size, url: str, *, log: Any = print) -> dict[str, str]:
    name = database_name(size)
    admin = await asyncpg.connect(_pg(ADMIN_URL))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    rng = random.Random(SEED)
    step = _Steps(log)

    engine = make_engine(normalise_database_url(url))
    try:
        async with engine.begin() as conn:
            await conn.run_sync(upgrade_connection)
        async with engine.connect() as conn, AsyncSession(bind=conn) as session:
            await load_all(session)
            await session.commit()
            await conn.commit()
        step("migrated, units loaded")
        token = await _admin_token(engine)
    finally:
        await engine.dispose()

    conn = await asyncpg.connect(url)
    try:
        units = await _villages(conn, size, rng)
        step(f"villages: {sum(1 for u in units.values() if u.level == 'village'):,}")
        fresh_unit, fresh_province, reports = await _reports(conn, size, units, rng)
        step(f"reports: {reports:,}")
        await _awards(conn, size)
        step(f"awards: {size.awards_per_year * len(size.years):,}")
        await _ledger(conn, size)
        step(f"ledger entries: {size.ledger_rows:,}")
        await _feed(conn, size)
        step(f"change feed: {size.feed_changes:,}")
        await conn.execute("VACUUM ANALYZE")
        step("vacuum analyze")
        import_year = size.last_year - 1
        import_unit = "34"  # Thái Bình on the old map: the seed article's province, 224,729 awards a year
        import_file = _import_file(size, units, import_unit, import_year)
        step(f"award file: {size.import_rows:,} rows, {import_file.stat().st_size / 1e6:.1f} MB")
        meta = {
            "fingerprint": size.fingerprint(),
            "token": token,
            "import_file": str(import_file),
            "import_unit": import_unit,
            "import_year": str(import_year),
            "fresh_unit": fresh_unit,
            "fresh_province": fresh_province,
            "export_year": str(import_year),
            "export_rows": str(size.awards_per_year),
            "feed_changes": str(size.feed_changes),
        }
        await conn.execute("CREATE TABLE bench_meta (key text PRIMARY KEY, value text NOT NULL)")
        await conn.executemany("INSERT INTO bench_meta VALUES ($1, $2)", list(meta.items()))
        return meta
    finally:
        await conn.close()


class _Steps:
    def __init__(self, log: Any) -> None:
        self.log = log
        self.last = time.perf_counter()

    def __call__(self, what: str) -> None:
        now = time.perf_counter()
        self.log(f"  {what} ({now - self.last:.1f} s)")
        self.last = now


async def _admin_token(engine: Any) -> str:
    """A national admin with a long-lived token (the password is random and never used)."""
    async with AsyncSession(engine, expire_on_commit=False) as session, session.begin():
        user = await create_user(
            session,
            SYSTEM,
            UserCreate(
                username="bench.admin",
                password=secrets.token_urlsafe(24),
                display_name="Benchmark admin",
                role=Role.admin,
            ),
        )
        token = new_access_token()
        now = dt.datetime.now(dt.UTC)
        session.add(
            AccessToken(
                user_id=user.id, token_hash=sha256(token), created_at=now, expires_at=now + dt.timedelta(days=3650)
            )
        )
    return token


@dataclass
class _Unit:
    id: int
    code: str
    level: str
    path: str
    parent_id: int | None
    source: str
    children: list[int]


async def _villages(conn: asyncpg.Connection, size: Size, rng: random.Random) -> dict[int, _Unit]:
    rows = await conn.fetch("SELECT id, code, level, path, parent_id, source FROM units ORDER BY id")
    units = {r["id"]: _Unit(r["id"], r["code"], r["level"], r["path"], r["parent_id"], r["source"], []) for r in rows}
    now = dt.datetime.now(dt.UTC)
    villages = []
    for u in units.values():
        if u.level != "commune" or u.source != "vn-2025":
            continue
        n = rng.randint(size.villages_per_commune // 2, size.villages_per_commune * 3 // 2)
        for k in range(1, n + 1):
            code = f"{u.code}-{k:02d}"
            name = f"Thôn {k}"
            path = f"{u.path}{code}/"
            villages.append(
                (code, name, "village", 3, "thôn", u.id, path, fold(name), REFORM, None, "local", 1, now, now)
            )
    await conn.copy_records_to_table(
        "units",
        records=villages,
        columns=[
            "code",
            "name",
            "level",
            "depth",
            "division_type",
            "parent_id",
            "path",
            "search_name",
            "valid_from",
            "valid_to",
            "source",
            "version",
            "created_at",
            "updated_at",
        ],
    )
    for r in await conn.fetch("SELECT id, code, level, path, parent_id, source FROM units WHERE level = 'village'"):
        units[r["id"]] = _Unit(r["id"], r["code"], r["level"], r["path"], r["parent_id"], r["source"], [])
    for u in units.values():
        if u.parent_id is not None:
            units[u.parent_id].children.append(u.id)
    return units


def _commune_figures(rng: random.Random, population: int) -> dict[str, int]:
    """One commune's (or village's) figures, obeying the report rules (recognised ≤ registered ≤ assessed)."""
    households = population * 10 // rng.randint(34, 42)
    citizens_assessed = population * rng.randint(60, 75) // 100
    citizens_registered = citizens_assessed * rng.randint(30, 50) // 100
    families_registered = households * rng.randint(65, 85) // 100
    clans = rng.randint(8, 60)
    clans_registered = clans * rng.randint(60, 90) // 100
    communities = rng.randint(4, 20)
    communities_registered = communities * rng.randint(70, 100) // 100
    units_assessed = rng.randint(5, 30)
    units_registered = units_assessed * rng.randint(70, 100) // 100
    awards = population // rng.randint(8, 14)
    return {
        "population": population,
        "households": households,
        "members": population * rng.randint(25, 40) // 100,
        "branches": rng.randint(4, 20),
        "boards": rng.randint(8, 40),
        "learning_citizens": citizens_registered * rng.randint(70, 95) // 100,
        "citizens_assessed": citizens_assessed,
        "citizens_registered": citizens_registered,
        "learning_families": families_registered * rng.randint(75, 95) // 100,
        "families_assessed": households,
        "families_registered": families_registered,
        "learning_clans": clans_registered * rng.randint(70, 95) // 100,
        "clans": clans,
        "clans_registered": clans_registered,
        "learning_communities": communities_registered * rng.randint(70, 100) // 100,
        "communities": communities,
        "communities_registered": communities_registered,
        "learning_units": units_registered * rng.randint(70, 100) // 100,
        "units_assessed": units_assessed,
        "units_registered": units_registered,
        "communes_rated_learning_community": rng.randint(0, 1),
        "communes": 1,
        "fund_raised_vnd": population * rng.randint(40, 160) * 1000,
        "fund_balance_vnd": population * rng.randint(10, 50) * 1000,
        "awards_count": awards,
        "awards_vnd": awards * rng.randint(300, 800) * 1000,
        "emulation_flags": rng.randint(0, 1),
        "medals": rng.randint(0, 3),
        "certificates_of_merit": rng.randint(0, 2),
        "inspections": rng.randint(0, 2),
    }


def _sum(figures: Sequence[dict[str, int]]) -> dict[str, int]:
    return {name: sum(f[name] for f in figures) for name in FIGURE_NAMES}


async def _reports(
    conn: asyncpg.Connection, size: Size, units: dict[int, _Unit], rng: random.Random
) -> tuple[str, str, int]:
    """Reports of every commune, district and province of each year; returns the freshness commune."""
    now = dt.datetime.now(dt.UTC)
    records: list[tuple[Any, ...]] = []
    population = {u.id: rng.randint(4_000, 40_000) for u in units.values() if u.level == "commune"}
    fresh: tuple[str, str] | None = None
    for year in size.years:
        source = "vn-pre-2025" if year < REFORM.year else "vn-2025"
        last = year == size.last_year
        growth = 1 + (year - size.first_year) / 100

        def add(unit: _Unit, figures: dict[str, int], status: str, year: int = year) -> None:
            approved = status == "approved"
            submitted = status in ("approved", "submitted")
            by = "bench"
            records.append(
                (
                    *(unit.id, year, status, *(figures[n] for n in FIGURE_NAMES)),
                    *(now if submitted else None, by if submitted else None, now if approved else None),
                    *(by if approved else None, 1, now, now),
                )
            )

        for province in (u for u in units.values() if u.level == "province" and u.source == source):
            province_figures = []
            below = [units[c] for c in province.children]
            districts = [d for d in below if d.level == "district"]
            groups: list[tuple[_Unit | None, list[_Unit]]] = [(d, [units[c] for c in d.children]) for d in districts]
            groups = groups or [(None, below)]
            for district, communes in groups:
                district_figures = []
                for commune in communes:
                    figures = _commune_figures(rng, int(population[commune.id] * growth))
                    status = "approved"
                    if last:
                        status = rng.choices(["approved", "submitted", "draft"], [85, 10, 5])[0]
                        if fresh is None and province.code == "33":
                            status, fresh = "submitted", (commune.code, province.code)
                    add(commune, figures, status)
                    district_figures.append(figures)
                    villages = [units[v] for v in commune.children]
                    if last and villages and rng.random() < size.village_report_share and status == "approved":
                        for village in villages:
                            share = _commune_figures(rng, max(200, figures["population"] // len(villages)))
                            add(village, share | {"communes": 0, "communes_rated_learning_community": 0}, "approved")
                if district is not None and district_figures:
                    figures = _sum(district_figures)
                    add(district, figures, "approved")
                province_figures.extend(district_figures)
            if province_figures:
                add(province, _sum(province_figures), "approved")
    columns = ["unit_id", "year", "status", *FIGURE_NAMES, "submitted_at", "submitted_by", "approved_at"]
    columns += ["approved_by", "version", "created_at", "updated_at"]
    await conn.copy_records_to_table("reports", records=records, columns=columns)
    assert fresh is not None, "no commune of province 33 in the last year"
    return fresh[0], fresh[1], len(records)


def _sql_array(values: Sequence[str]) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


async def _awards(conn: asyncpg.Connection, size: Size) -> None:
    """``awards_per_year`` awards each year over that year's communes, hashed from the row number."""
    await conn.execute(
        "CREATE TEMP TABLE gen_communes AS SELECT (row_number() OVER (ORDER BY id)) - 1 AS n, id, path, source "
        "FROM units WHERE level = 'commune'"
    )
    await conn.execute("CREATE INDEX ON gen_communes (source, n)")
    categories = [r["id"] for r in await conn.fetch("SELECT id FROM award_categories ORDER BY id")]
    for year in size.years:
        source = "vn-pre-2025" if year < REFORM.year else "vn-2025"
        count = await conn.fetchval("SELECT count(*) FROM gen_communes WHERE source = $1", source)
        await conn.execute(
            f"""
            INSERT INTO awards (unit_id, unit_path, year, awarded_on, recipient_name, recipient_kind, school,
                                category_id, amount_vnd, gift_value_vnd, version, created_at, updated_at)
            SELECT c.id, c.path, {year}, make_date({year}, 1 + (h % 12)::int, 1 + (h / 12 % 28)::int),
                   ({_sql_array(FAMILY)})[1 + (h % {len(FAMILY)})] || ' ' ||
                   ({_sql_array(MIDDLE)})[1 + (h / 7 % {len(MIDDLE)})] || ' ' ||
                   ({_sql_array(GIVEN)})[1 + (h / 101 % {len(GIVEN)})],
                   ({_sql_array(KINDS)})[1 + (h / 13 % {len(KINDS)})],
                   'Trường số ' || (h / 17 % 40)::text,
                   (ARRAY{categories})[1 + (h / 19 % {len(categories)})],
                   (100 + h / 23 % 1900) * 1000, (h / 29 % 3) * 100000, 1, now(), now()
            FROM generate_series(1, {size.awards_per_year}) AS g(i)
            CROSS JOIN LATERAL (SELECT ((i::bigint * 2654435761 + {year * 97}) % 4294967296) AS h) AS x
            JOIN gen_communes c ON c.source = '{source}' AND c.n = x.h % {count}
            """
        )


async def _ledger(conn: asyncpg.Connection, size: Size) -> None:
    """One fund per today's commune; contributions and disbursements, the balance their sum."""
    await conn.execute(
        """
        INSERT INTO funds (unit_id, unit_path, name, owner_kind, balance_vnd, version, created_at, updated_at)
        SELECT id, path, 'Quỹ khuyến học ' || code, 'association', 0, 1, now(), now()
        FROM units WHERE level = 'commune' AND source = 'vn-2025' ORDER BY id
        """
    )
    await conn.execute(
        "CREATE TEMP TABLE gen_funds AS SELECT (row_number() OVER (ORDER BY id)) - 1 AS n, id, unit_path FROM funds"
    )
    count = await conn.fetchval("SELECT count(*) FROM gen_funds")
    await conn.execute(
        f"""
        INSERT INTO fund_entries (fund_id, unit_path, kind, amount_vnd, occurred_on, year, description,
                                  created_at, created_by)
        SELECT f.id, f.unit_path, CASE WHEN h % 4 = 0 THEN 'disbursement' ELSE 'contribution' END,
               CASE WHEN h % 4 = 0 THEN -(50 + h / 7 % 400) * 1000 ELSE (200 + h / 7 % 2000) * 1000 END,
               make_date(yr, 1 + (h / 11 % 12)::int, 1 + (h / 13 % 28)::int), yr,
               'Bút toán ' || i, now(), 'bench'
        FROM generate_series(1, {size.ledger_rows}) AS g(i)
        CROSS JOIN LATERAL (SELECT ((i::bigint * 2246822519 + 7) % 4294967296) AS h) AS x
        CROSS JOIN LATERAL (SELECT {size.first_year} + (h / 17 % {len(size.years)})::int AS yr) AS y
        JOIN gen_funds f ON f.n = x.h % {count}
        """
    )
    await conn.execute(
        "UPDATE funds SET balance_vnd = s.total FROM "
        "(SELECT fund_id, sum(amount_vnd) AS total FROM fund_entries GROUP BY fund_id) s "
        "WHERE s.fund_id = funds.id AND s.total > 0"
    )


async def _feed(conn: asyncpg.Connection, size: Size) -> None:
    """Award upserts on the change feed, as an import writes them, numbered like the feed numbers them."""
    async with conn.transaction():
        await conn.execute(
            f"""
            INSERT INTO changes (seq, type, record_id, external_id, partner, op, unit_path, changed_at, data)
            SELECT (pg_current_xact_id()::text::bigint << 24) + row_number() OVER (ORDER BY a.id),
                   'award', a.id, NULL, NULL, 'upsert', a.unit_path, now(),
                   json_build_object('unit_code', u.code, 'year', a.year, 'recipient_name', a.recipient_name,
                                     'recipient_kind', a.recipient_kind, 'school', a.school, 'category', c.code,
                                     'awarded_on', a.awarded_on, 'amount_vnd', a.amount_vnd,
                                     'gift_value_vnd', a.gift_value_vnd, 'external_id', a.external_id)
            FROM (SELECT * FROM awards ORDER BY id LIMIT {size.feed_changes}) a
            JOIN units u ON u.id = a.unit_id JOIN award_categories c ON c.id = a.category_id
            """
        )


def _import_file(size: Size, units: dict[int, _Unit], province_code: str, year: int) -> Path:
    """A province-year award file as an association would upload it (CSV, Vietnamese names)."""
    rng = random.Random(SEED + year)
    source = "vn-pre-2025" if year < REFORM.year else "vn-2025"
    province = next(
        u for u in units.values() if u.level == "province" and u.source == source and u.code == province_code
    )
    communes = sorted(u.code for u in units.values() if u.level == "commune" and u.path.startswith(province.path))
    categories = ["hoc_bong_vuot_kho", "hoc_sinh_gioi_tinh", "giao_vien_gioi", "tan_sinh_vien", "khac"]
    kinds = ["học sinh", "pupil", "sinh viên", "student", "giáo viên", "khác"]
    lines = [
        "unit_code,recipient_name,recipient_kind,school,category,year,awarded_on,amount_vnd,gift_value_vnd,external_id\n"
    ]
    for i in range(size.import_rows):
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        day = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        awarded = day.isoformat() if i % 2 else day.strftime("%d/%m/%Y")
        amount = rng.randint(1, 40) * 50_000
        lines.append(
            f"{rng.choice(communes)},{name},{rng.choice(kinds)},Trường THCS số {rng.randint(1, 40)},"
            f"{rng.choice(categories)},{year},{awarded},{amount},{rng.choice((0, 0, 100000))},BENCH-{year}-{i}\n"
        )
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    path = WORK_DIR / f"awards-{province_code}-{year}-{size.name}.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", choices=sorted(SIZES), default="quick")
    parser.add_argument("--fresh", action="store_true", help="Regenerate even when a matching data set exists.")
    args = parser.parse_args()
    ds = asyncio.run(ensure(SIZES[args.size], fresh=args.fresh))
    print(json.dumps({"url": ds.url, "import_file": str(ds.import_file)}, indent=2))


if __name__ == "__main__":
    main()
