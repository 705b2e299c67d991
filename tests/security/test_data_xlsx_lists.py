"""XLSX for every list (issue 17): every route that answers ?format=csv answers ?format=xlsx with the same
table, numbers as numbers and every text cell text (the formula rule of issue 14, Medium 4), found from the
route table as the CSV test finds its routes; the whole country's statistics too."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import httpx
from fastapi import FastAPI
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.representation import XLSX_MEDIA_TYPE, OutputFormat, negotiate
from tests.security.test_data_csv import HOSTILE, make_hostile, path_values


def format_routes(app: FastAPI) -> list[tuple[str, list[str], dict[str, Any]]]:
    """GET routes whose ?format= is the lists' and statistics' (json, csv, xlsx): (path, required parameters,
    the 200 answer's content). Not the recognition templates (a sheet to fill, XLSX already) nor the streamed
    award export (a file of every award, CSV only)."""
    out = []
    for path, ops in app.openapi()["paths"].items():
        op = ops.get("get")
        if not op:
            continue
        params = op.get("parameters", [])
        if any(p.get("name") == "format" and "OutputFormat" in json.dumps(p.get("schema", {})) for p in params):
            content = op.get("responses", {}).get("200", {}).get("content", {})
            if "text/csv" in content:
                out.append((path, [p["name"] for p in params if p.get("required")], content))
    return out


def sheet(data: bytes) -> list[list[Any]]:
    """The cells of the only sheet; fails on a formula cell or a text that is not a text cell."""
    wb = load_workbook(io.BytesIO(data))
    assert len(wb.worksheets) == 1
    rows = []
    for row in wb.worksheets[0].iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} is a formula: {cell.value!r}"
            if isinstance(cell.value, str):
                assert cell.data_type == "s", f"{cell.coordinate}: text not stored as text"
        rows.append([cell.value for cell in row])
    return rows


def csv_table(body: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def same(xlsx_value: Any, csv_value: str) -> bool:
    """A cell of the workbook is the CSV's cell: text literally (the CSV's quote before a formula start is
    the CSV's own escape), numbers as numbers, true/false as booleans, empty as empty."""
    if xlsx_value is None:
        return csv_value == ""
    if isinstance(xlsx_value, bool):
        return csv_value == ("true" if xlsx_value else "false")
    if isinstance(xlsx_value, int | float):
        return float(csv_value) == float(xlsx_value)
    csv_value = csv_value.replace("\r", "\n")  # XML reads a carriage return back as a line feed
    return csv_value in (xlsx_value, "'" + xlsx_value)


def test_negotiation() -> None:
    assert negotiate(XLSX_MEDIA_TYPE) is OutputFormat.xlsx
    assert negotiate(f"{XLSX_MEDIA_TYPE}, application/json") is OutputFormat.json
    assert negotiate("text/csv") is OutputFormat.csv
    assert [f.tabular for f in OutputFormat] == [False, True, True]


async def test_every_csv_list_answers_xlsx(client: httpx.AsyncClient, app: FastAPI, session: AsyncSession) -> None:
    await make_hostile(session)
    values = await path_values(session)
    routes = format_routes(app)
    assert len(routes) >= 15 and "/api/v1/units" in {p for p, _, _ in routes}
    hostile_seen = False
    for path, required, content in routes:
        assert XLSX_MEDIA_TYPE in content, f"{path}: XLSX not declared"
        url = re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)
        params = {name: values.get(name, 2023) for name in required if "{" + name + "}" not in path}
        if "/stats/" in path:
            params |= {"unit": "33"}
        if path.startswith("/api/v1/public/"):
            params |= {"unit": "34", "year": 2023}
        as_csv = await client.get(url, params={**params, "format": "csv"})
        r = await client.get(url, params={**params, "format": "xlsx"})
        assert r.status_code == 200, f"{path}: {r.status_code} {r.text[:300]}"
        assert r.headers["content-type"] == XLSX_MEDIA_TYPE, path
        assert r.headers["content-disposition"].endswith('.xlsx"'), path
        assert r.headers.get("x-next-cursor") == as_csv.headers.get("x-next-cursor"), path
        got, want = sheet(r.content), csv_table(as_csv.text)
        assert got[0] == want[0], f"{path}: not the CSV's header"
        assert len(got) == len(want), f"{path}: {len(got)} rows, the CSV has {len(want)}"
        for xrow, crow in zip(got[1:], want[1:], strict=True):
            for x, c in zip(xrow, crow, strict=True):
                assert same(x, c), f"{path}: {x!r} is not the CSV's {c!r}"
                hostile_seen |= isinstance(x, str) and x.startswith(tuple(h[0] for h in HOSTILE))
        # A kept answer is still the same file type; a second request with the tag is a 304.
        again = await client.get(url, params={**params, "format": "xlsx"}, headers={"If-None-Match": r.headers["etag"]})
        assert again.status_code == 304, path
    assert hostile_seen, "the hostile names reached no workbook"


async def test_the_whole_country_as_xlsx(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/stats/indicators", params={"year": 2023, "breakdown": "children", "format": "xlsx"})
    assert r.status_code == 200, r.text
    rows = sheet(r.content)
    header = rows[0]
    codes = {row[header.index("unit_code")] for row in rows[1:]}
    assert len(codes) >= 34  # every province of today's map
    members = next(
        row
        for row in rows[1:]
        if row[header.index("indicator")] == "members" and row[header.index("unit_code")] == "33"
    )
    assert members[header.index("value")] >= 662_525  # Thái Bình's 2023, in today's Hưng Yên
    country = await client.get("/api/v1/stats/indicators", params={"year": 2023, "unit": "00", "breakdown": "children"})
    assert country.status_code == 200, country.text
    assert country.json()["unit_code"] == "VN" and len({i["unit_code"] for i in country.json()["items"]}) == len(codes)
    r = await client.get(
        "/api/v1/stats/highlights", params={"year": 2023, "unit": "00"}, headers={"Accept": XLSX_MEDIA_TYPE}
    )
    assert r.status_code == 200 and r.headers["content-type"] == XLSX_MEDIA_TYPE
    assert sheet(r.content)[0][0] == "key"
