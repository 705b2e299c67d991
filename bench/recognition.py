"""Recognition at a commune's scale, in process on a fresh database (PostgreSQL by default):
import a scored sheet of N citizens, verify them in bulk from the province, recognise them in one decision.

    .venv/bin/python -m bench.recognition [--rows 5000] [--url postgresql://postgres@127.0.0.1:5432/test]

Prints the seconds of each request. Not part of `make bench` (yet)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import time
import uuid

import httpx
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from api.auth.principal import SYSTEM
from api.auth.scopes import Role
from api.core.config import Settings, normalise_database_url
from api.db.engine import Database, make_engine
from api.db.migrate import upgrade_connection
from api.main import create_app
from api.units.loader import load_all
from api.users.schemas import UserCreate
from api.users.service import create_user

WARD, PROVINCE, YEAR = "12442", "34", 2024
INDICES = ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3"]


async def _user(engine: object, role: str, code: str) -> tuple[str, str]:
    name, password = f"bench-{uuid.uuid4().hex[:8]}", "bench-recognition-password-1"
    async with AsyncSession(engine, expire_on_commit=False) as s:  # type: ignore[arg-type]
        await create_user(
            s,
            SYSTEM,
            UserCreate(
                username=name,
                password=password,
                display_name=name,
                role=Role(role),
                unit_code=code,
                unit_as_of=dt.date(2024, 12, 31),
            ),
        )
        await s.commit()
    return name, password


async def main(rows: int, base_url: str) -> None:
    name = f"kh_bench_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(normalise_database_url(base_url), isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(normalise_database_url(base_url)).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(upgrade_connection)
        async with AsyncSession(engine) as s:
            await load_all(s)
            await s.commit()
        scorer, province = await _user(engine, "editor", WARD), await _user(engine, "editor", PROVINCE)
        app = create_app(Settings(database_url=url, environment="test", log_level="WARNING"), db=Database(engine))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b", timeout=600) as c:

            async def login(user: tuple[str, str]) -> dict[str, str]:
                r = await c.post("/api/v1/auth/token", data={"username": user[0], "password": user[1]})
                return {"Authorization": f"Bearer {r.json()['access_token']}"}

            ward_h, province_h = await login(scorer), await login(province)
            lines = ["unit_code,village,name,external_id," + ",".join(INDICES)]
            lines += [f"{WARD},Tổ {i % 9},Công dân {i},,{','.join(['8'] * 10)}" for i in range(rows)]
            data = ("\n".join(lines) + "\n").encode()
            params: dict[str, str | int] = {"title": "cong_dan", "target_group": "nong_dan", "year": YEAR}
            t = time.perf_counter()
            r = await c.post(
                "/api/v1/recognition/imports", params=params, files={"file": ("a.csv", data)}, headers=ward_h
            )
            print(f"import {rows} rows: {time.perf_counter() - t:.2f} s ({r.status_code})")
            t = time.perf_counter()
            body = {"unit_code": WARD, "title": "cong_dan", "year": YEAR, "accept": True}
            r = await c.post("/api/v1/recognition/verifications", json=body, headers=province_h)
            print(f"bulk verification of {r.json()}: {time.perf_counter() - t:.2f} s ({r.status_code})")
            decision = {
                "unit_code": WARD,
                "title": "cong_dan",
                "year": YEAR,
                "authority": "UBND phường",
                "number": "1/QĐ-UBND",
                "decided_on": "2024-12-20",
            }
            t = time.perf_counter()
            r = await c.post("/api/v1/recognition/decisions", json=decision, headers=ward_h)
            print(
                f"decision recognising {r.json().get('recognised')}: {time.perf_counter() - t:.2f} s ({r.status_code})"
            )
            t = time.perf_counter()
            r = await c.get(
                "/api/v1/recognition/stats/rates", params={"unit": PROVINCE, "year": YEAR}, headers=province_h
            )
            row = next(x for x in r.json()["rates"] if x["target_group"] == "nong_dan")
            print(
                f"province rates on the next request: recognised {row['recognised']} ({time.perf_counter() - t:.2f} s)"
            )
    finally:
        await engine.dispose()
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=5000)
    p.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/test")
    a = p.parse_args()
    asyncio.run(main(a.rows, a.url))
