"""Digits that are not ASCII digits ("²", "⁰", "①") in the places where the service reads a number from text.

Found by hand: ``str.isdigit()`` is true for "²", and ``int("²")`` raises: a score cell "²" in a recognition sheet
answered 500. It now answers as any other text that is not a number does: a 422 naming the cell, nothing written.
The other places that read numbers from text are held to the same (a clear 4xx, never a 500).
"""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Award, Registration
from tests.conftest import MakeAccount
from tests.ops import hostile_files
from tests.recognition.conftest import API, CITIZEN, INDICES, OLD, WARD, _client
from tests.security.test_data_imports import HEADER, upload


async def test_a_superscript_date_in_an_award_file_is_a_cell_error(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    before = await session.scalar(select(func.count()).select_from(Award))
    row = "12442,Nguyễn Thị An,pupil,THCS Kỳ Bá,hoc_bong_vuot_kho,2024,²⁰²⁴-05-31,500000,0,"
    r = await upload(client, f"{HEADER}\n{row}\n".encode())
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert [(e["row"], e["column"], e["type"]) for e in r.json()["errors"]] == [(2, "G (Ngày trao)", "date_parsing")]
    assert await session.scalar(select(func.count()).select_from(Award)) == before


async def test_a_superscript_score_in_a_recognition_sheet_is_a_cell_error(
    app: FastAPI, make_account: MakeAccount, session: AsyncSession
) -> None:
    scorer = _client(app, await make_account("editor", WARD, as_of=OLD))
    before = await session.scalar(select(func.count()).select_from(Registration))
    head = ",".join(["unit_code", "name", "village", *INDICES])
    row = ",".join([WARD, "Hộ A", "Thôn 1", "²", *["8"] * (len(INDICES) - 1)])
    r = await scorer.post(
        f"{API}/imports",
        params={"title": CITIZEN["title"], "target_group": CITIZEN["target_group"], "year": CITIZEN["year"]},
        files={"file": ("cham.csv", f"{head}\n{row}\n".encode(), "text/csv")},
    )
    assert r.status_code == 422, r.text
    assert [(e["row"], e["type"]) for e in r.json()["errors"]] == [(2, "out_of_range")]
    assert r.json()["errors"][0]["column"] == f"D {INDICES[0]}"  # the column's letter and the index code
    assert await session.scalar(select(func.count()).select_from(Registration)) == before


async def test_a_workbook_numbering_its_rows_with_superscripts_is_refused_as_invalid(client: httpx.AsyncClient) -> None:
    rows = hostile_files.HEADER_ROW.replace('r="1"', 'r="¹"') + (
        f'<row r="²"><c t="inlineStr"><is><t>{hostile_files.CODE}</t></is></c><c><v>10</v></c></row>'
    )
    data = hostile_files._rezip(hostile_files.valid(), {"xl/worksheets/sheet1.xml": hostile_files._sheet_xml(rows)})
    r = await client.post(
        "/api/v1/reports/imports",
        params={"year": 2024, "dry_run": "true"},
        files={"file": ("r.xlsx", data, "application/octet-stream")},
    )
    assert r.status_code == 422, r.text
    assert [e["type"] for e in r.json()["errors"]] == ["file_invalid"]


@pytest.mark.parametrize("path", ["/api/v1/awards/²", "/api/v1/recognition/registrations/①"])
async def test_a_superscript_id_in_a_path_is_not_found(client: httpx.AsyncClient, path: str) -> None:
    r = await client.get(path)
    assert r.status_code == 404, r.text
    assert r.headers["content-type"] == "application/problem+json"
