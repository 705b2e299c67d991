"""Bulk award import: dry run, all-or-nothing with every bad cell named, duplicates, XLSX, and the
background job with its progress on a real database."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import SYSTEM
from api.auth.scopes import Role
from api.awards import imports
from api.core.config import Settings
from api.db.engine import Database, make_engine
from api.main import create_app
from api.models import Award
from api.users.schemas import UserCreate
from api.users.service import create_user
from tests.conftest import DatabaseFactory, migrate_and_load

HEADER = "unit_code,recipient_name,recipient_kind,school,category,year,awarded_on,amount_vnd,gift_value_vnd"


def csv_file(lines: list[str]) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode()


async def upload(
    client: httpx.AsyncClient, data: bytes, name: str = "khen-thuong.csv", **params: Any
) -> httpx.Response:
    return await client.post("/api/v1/awards/imports", params=params, files={"file": (name, data, "text/csv")})


GOOD = [
    '12442,Nguyễn Thị An,pupil,THCS Kỳ Bá,hoc_bong_vuot_kho,2024,05/09/2024,"1.000.000",0',
    "12442,Trần Văn Bình,học sinh,THCS Kỳ Bá,hoc_sinh_gioi_tinh,2024,2024-09-05,500000,200000",
    "12445,Lê Thị Chi,giáo viên,THPT Nguyễn Đức Cảnh,giao_vien_gioi,2024,,800000,",
]


async def test_dry_run_then_import_and_duplicates(client: httpx.AsyncClient, session: AsyncSession) -> None:
    dry = await upload(client, csv_file(GOOD), wait="true", dry_run="true")
    assert dry.status_code == 201, dry.text
    assert (dry.json()["status"], dry.json()["created_rows"], dry.json()["total_rows"]) == ("succeeded", 0, 3)
    assert await session.scalar(select(func.count()).select_from(Award).where(Award.year == 2024)) == 0
    done = await upload(client, csv_file(GOOD), wait="true")
    assert done.json()["created_rows"] == 3 and done.json()["duplicates"] == []
    awards = (await client.get("/api/v1/awards", params={"year": 2024, "unit": "12442"})).json()["items"]
    assert {(a["recipient_name"], a["amount_vnd"], a["recipient_kind"]) for a in awards} == {
        ("Nguyễn Thị An", 1_000_000, "pupil"),
        ("Trần Văn Bình", 500_000, "pupil"),
    }
    # The same people again, from another source: imported, but reported as possible duplicates.
    again = await upload(client, csv_file([GOOD[0], GOOD[0].replace("Nguyễn Thị An", "NGUYỄN THỊ AN")]), wait="true")
    dups = again.json()["duplicates"]
    assert {d["row"] for d in dups} == {2, 3} and any(d.get("same_as_row") == 2 for d in dups)


async def test_a_file_with_errors_changes_nothing_and_names_every_bad_cell(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    lines = [
        GOOD[0],
        "12442,,pupil,,khac,2024,,100,0",  # row 3: no name (B)
        "12442,Phan Văn Dũng,astronaut,,khac,2024,,100,0",  # row 4: kind (C)
        "12442,Vũ Thị Em,pupil,,khong_co,2024,,100,0",  # row 5: category (E)
        "99999,Hồ Văn Phúc,pupil,,khac,2024,,100,0",  # row 6: unit (A)
        "12442,Đinh Văn Giang,pupil,,khac,2024,31/02/2024,mười,0",  # row 7: date (G), amount (H)
    ]
    r = await upload(client, csv_file(lines), wait="true")
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    cells = {(e["row"], e["column"].split(" ")[0]) for e in r.json()["errors"]}
    assert cells == {(3, "B"), (4, "C"), (5, "E"), (6, "A"), (7, "G"), (7, "H")}
    assert await session.scalar(select(func.count()).select_from(Award).where(Award.year == 2024)) == 0


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"\xff\xfeu\x00n\x00", "utf16.csv"),
        (b"PK\x03\x04broken", "x.xlsx"),
        (b"", "empty.csv"),
        (b"name,amount\nA,1\n", "wrong-columns.csv"),
    ],
)
async def test_unreadable_files_get_clear_errors(client: httpx.AsyncClient, content: bytes, name: str) -> None:
    r = await upload(client, content, name, wait="true")
    assert r.status_code == 422
    assert r.json()["errors"] and all(e["msg"] for e in r.json()["errors"])


async def test_xlsx_with_vietnamese_headers(client: httpx.AsyncClient) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Mã đơn vị", "Họ và tên", "Đối tượng", "Loại khen thưởng", "Năm", "Số tiền (đồng)"])
    ws.append(["12442", "Bùi Thị Hoa", "sinh viên", "tan_sinh_vien", 2024, 2_000_000])
    buf = io.BytesIO()
    wb.save(buf)
    r = await upload(client, buf.getvalue(), "khen-thuong.xlsx", wait="true")
    assert r.status_code == 201, r.text
    assert r.json()["created_rows"] == 1


@pytest.fixture(scope="module")
async def live(databases: DatabaseFactory) -> AsyncIterator[tuple[Callable[[], httpx.AsyncClient], Database]]:
    """A real database with committed data, for the background job (it runs in its own transactions)."""
    engine = make_engine(await databases.create())
    await migrate_and_load(engine, demo=False)
    db = Database(engine)
    async with db.sessionmaker() as s, s.begin():
        await create_user(
            s,
            SYSTEM,
            UserCreate(username="nhap.lieu", password="mat-khau-dai-du", display_name="Nhập", role=Role.admin),
        )
    settings = Settings(database_url="sqlite://", log_level="WARNING", frontend_dist="/nonexistent")  # type: ignore[arg-type]
    app = create_app(settings, db=db)

    def client() -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")

    yield client, db
    await engine.dispose()


async def test_a_background_import_reports_progress_and_ends_succeeded(
    live: tuple[Callable[[], httpx.AsyncClient], Database],
) -> None:
    client_factory, db = live
    rows = [f"12442,Học sinh số {i},pupil,THCS,khac,2024,,{1000 + i},0" for i in range(12_000)]
    async with client_factory() as c:
        token = (
            await c.post("/api/v1/auth/token", data={"username": "nhap.lieu", "password": "mat-khau-dai-du"})
        ).json()
        c.headers["Authorization"] = f"Bearer {token['access_token']}"
        started = await upload(c, csv_file(rows))
        assert started.status_code == 202
        job_url = started.headers["location"]
        seen: list[tuple[str, int]] = []
        for _ in range(600):
            job = (await c.get(job_url)).json()
            seen.append((job["status"], job["done_rows"]))
            if job["status"] in ("succeeded", "failed"):
                break
            await asyncio.sleep(0.02)
    assert job["status"] == "succeeded", job
    assert job["created_rows"] == 12_000 and job["total_rows"] == 12_000
    assert seen[0][0] in ("pending", "running")  # the answer came before the work was done
    assert any(status == "running" and 0 < done < 12_000 for status, done in seen)  # progress between the ends
    async with db.sessionmaker() as s:
        assert await s.scalar(select(func.count()).select_from(Award).where(Award.import_job_id == job["id"])) == 12_000


def _jobs_counted(outcome: str) -> float:
    from prometheus_client import REGISTRY

    return REGISTRY.get_sample_value("khuyenhoc_import_jobs_total", {"kind": "awards", "outcome": outcome}) or 0.0


async def test_a_background_import_is_counted_by_how_it_ended(
    live: tuple[Callable[[], httpx.AsyncClient], Database],
) -> None:
    """khuyenhoc_import_jobs_total (docs/deploy.md) counts a background job when it ends, not only its 202."""
    client_factory, _ = live
    # A job of an earlier test shows "succeeded" once committed, and is counted just after: wait for it.
    for _ in range(500):
        if not imports.RUNNING:
            break
        await asyncio.sleep(0.01)
    before = {o: _jobs_counted(o) for o in ("succeeded", "rejected")}
    files = {
        "succeeded": csv_file(["12442,Người đếm thử,pupil,THCS,khac,2024,,1000,0"]),
        "rejected": csv_file(["99999,Không có đơn vị,pupil,THCS,khac,2024,,1000,0"]),
    }
    async with client_factory() as c:
        token = (
            await c.post("/api/v1/auth/token", data={"username": "nhap.lieu", "password": "mat-khau-dai-du"})
        ).json()
        c.headers["Authorization"] = f"Bearer {token['access_token']}"
        for outcome, data in files.items():
            started = await upload(c, data)
            assert started.status_code == 202
            for _ in range(500):
                job = (await c.get(started.headers["location"])).json()
                if job["status"] in ("succeeded", "failed"):
                    break
                await asyncio.sleep(0.02)
            assert job["status"] == ("succeeded" if outcome == "succeeded" else "failed"), job
    for outcome in files:
        assert _jobs_counted(outcome) - before[outcome] == 1, outcome
