"""Award imports people get right (issue 19, item 7): categories by name, columns named by their
header in Vietnamese, the true duplicate count, and duplicates skipped unless asked for."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Award
from tests.registries.test_award_import import GOOD, csv_file, upload


async def _count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Award).where(Award.year == 2024)) or 0)


async def test_a_category_may_be_given_by_its_vietnamese_name(client: httpx.AsyncClient, session: AsyncSession) -> None:
    """Finding 7: the category had to be typed as a code (hoc_sinh_gioi_tinh); the Vietnamese name was refused."""
    lines = [
        "12442,Trần Văn Bình,học sinh,THCS Kỳ Bá,Thưởng học sinh giỏi cấp tỉnh,2024,,500000,0",
        "12442,Lê Văn Cường,học sinh,THCS Kỳ Bá,thuong hoc sinh gioi cap tinh,2024,,500000,0",
    ]
    r = await upload(client, csv_file(lines), wait="true")
    assert r.status_code == 201, r.text
    assert r.json()["created_rows"] == 2
    awards = (await client.get("/api/v1/awards", params={"year": 2024, "unit": "12442"})).json()["items"]
    assert {a["category"] for a in awards} == {"hoc_sinh_gioi_tinh"}


async def test_errors_name_columns_by_their_header_and_never_leak_codes(client: httpx.AsyncClient) -> None:
    """Finding 7: errors named columns "A (unit_code)" and listed pupil/student/teacher/other."""
    lines = ["99999,Phan Văn Dũng,astronaut,,khac,2024,,100,0"]
    r = await upload(client, csv_file(lines), wait="true")
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert {e["column"] for e in errors} == {"A (Mã đơn vị)", "C (Đối tượng)"}
    text = " ".join(e["msg"] for e in errors)
    for code in ("pupil", "student", "teacher", "other", "unit_code", "recipient_kind"):
        assert code not in text


async def test_the_true_duplicate_count_beyond_the_first_thousand(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    """Finding 7: a dry run of rows that all repeat earlier imports capped the duplicate count at 1,000
    and said every row would be written."""
    lines = [f"12442,Người Số {i},học sinh,,khac,2024,,100,0" for i in range(1_200)]
    assert (await upload(client, csv_file(lines), wait="true")).json()["created_rows"] == 1_200
    dry = (await upload(client, csv_file(lines), wait="true", dry_run="true")).json()
    assert len(dry["duplicates"]) == 1_000
    assert dry["duplicate_rows"] == 1_200
    assert "1.200 dòng trùng sẽ được bỏ qua" in dry["message"]


async def test_importing_the_same_file_twice_skips_its_duplicates_by_default(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    """Finding 7: importing the same file twice doubled the awards; now duplicates are skipped unless
    `duplicates=import` is chosen, and a row repeated inside the file is kept once."""
    first = (await upload(client, csv_file([*GOOD, GOOD[0]]), wait="true")).json()
    assert (first["created_rows"], first["duplicate_rows"]) == (3, 1)
    assert await _count(session) == 3
    again = (await upload(client, csv_file(GOOD), wait="true")).json()
    assert (again["created_rows"], again["duplicate_rows"]) == (0, 3)
    assert "bỏ qua 3 dòng trùng" in again["message"]
    assert await _count(session) == 3
    forced = (await upload(client, csv_file(GOOD), wait="true", duplicates="import")).json()
    assert forced["created_rows"] == 3 and await _count(session) == 6
    assert (await upload(client, csv_file(GOOD), wait="true", duplicates="maybe")).status_code == 422
