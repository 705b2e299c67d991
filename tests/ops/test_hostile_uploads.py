"""Malformed and hostile Excel files for ``POST /api/v1/reports/imports``: a clear 4xx, nothing saved.

These cases found six bugs of api/reports/excel.py (numbers like 1E999 and NaN, broken or hostile XML,
a chartsheet, formulas without values), since fixed there.
"""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Report
from tests.ops import hostile_files

pytestmark = pytest.mark.sqlite_only  # parsing files is the same on both databases: run once, in the SQLite half


@pytest.mark.parametrize("case", list(hostile_files.HOSTILE))
async def test_hostile_workbook_gets_a_clear_4xx_and_changes_nothing(
    client: httpx.AsyncClient, session: AsyncSession, case: str
) -> None:
    data = hostile_files.HOSTILE[case]()
    before = await session.scalar(select(func.count()).select_from(Report))
    r = await client.post(
        "/api/v1/reports/imports",
        params={"year": 2024},
        files={"file": (f"{case}.xlsx", data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")},
    )
    assert r.status_code in (413, 422), f"{case}: {r.status_code} {r.text[:300]}"
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["detail"]
    # Clear: every error says where (the file, or a row and column) and what, in words.
    for error in problem.get("errors", []):
        assert error["loc"] and error["loc"][0] == "file", error
        assert len(error["msg"]) > 5 and len(error["msg"]) < 300, error
    assert problem.get("errors") or r.status_code == 413
    assert await session.scalar(select(func.count()).select_from(Report)) == before


async def test_a_valid_workbook_still_imports(client: httpx.AsyncClient) -> None:
    # The control case: the same endpoint takes a good file, so the refusals above are about the files.
    r = await client.post(
        "/api/v1/reports/imports",
        params={"year": 2024, "dry_run": "true"},
        files={"file": ("ok.xlsx", hostile_files.valid(), "application/octet-stream")},
    )
    assert r.status_code == 200, r.text
    assert r.json()["rows"] == 1
