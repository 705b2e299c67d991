"""Excel: the summary workbook, and importing many communes' reports from a real .xlsx file."""

from __future__ import annotations

import io
from typing import Any

import httpx
from openpyxl import Workbook, load_workbook

from tests.reports.conftest import COMPLETE

# Three wards of TP Thái Bình, before the reform.
WARDS = ["12433", "12436", "12439"]


def xlsx(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


async def upload(client: httpx.AsyncClient, data: bytes, **params: Any) -> httpx.Response:
    files = {"file": ("bao-cao-2024.xlsx", data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
    return await client.post("/api/v1/reports/imports", params={"year": 2024, **params}, files=files)


def good_rows() -> list[list[Any]]:
    header = ["unit_code", *COMPLETE]
    fixed = ("communes", "communes_rated_learning_community")
    return [
        header,
        *([code, *(v if k in fixed else v + i for k, v in COMPLETE.items())] for i, code in enumerate(WARDS)),
    ]


async def test_summary_workbook_has_the_unit_and_its_children(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/reports/34/2023/summary.xlsx")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws is not None
    assert "Tỉnh Thái Bình" in str(ws["A1"].value)
    header = [c.value for c in ws[3]]
    members_col = header.index("Số hội viên") + 1
    assert header[:4] == ["Mã", "Đơn vị", "Số xã có báo cáo", "Số xã"]
    assert ws.cell(row=4, column=1).value == "34" and ws.cell(row=4, column=members_col).value == 662_525
    assert ws.cell(row=4, column=members_col).number_format == "#,##0"
    districts = [ws.cell(row=r, column=1).value for r in range(5, ws.max_row + 1)]
    assert districts == ["336", "338", "339", "340", "341", "342", "343", "344"]
    assert sum(ws.cell(row=r, column=members_col).value for r in range(5, ws.max_row + 1)) == 662_525
    rate_col = header.index("Tỷ lệ gia đình học tập") + 1
    assert round(ws.cell(row=4, column=rate_col).value * 100, 1) == 65.6
    assert ws.cell(row=4, column=rate_col).number_format == "0.0%"


async def test_import_dry_run_then_for_real(client: httpx.AsyncClient) -> None:
    data = xlsx(good_rows())
    dry = await upload(client, data, dry_run="true")
    assert dry.status_code == 200, dry.text
    assert dry.json() == {"year": 2024, "dry_run": True, "rows": 3, "created": 3, "updated": 0}
    assert (await client.get(f"/api/v1/reports/{WARDS[0]}/2024")).status_code == 404
    done = await upload(client, data)
    assert done.json() | {"dry_run": None} == {"year": 2024, "dry_run": None, "rows": 3, "created": 3, "updated": 0}
    second = (await client.get(f"/api/v1/reports/{WARDS[1]}/2024")).json()
    assert second["status"] == "draft" and second["members"] == COMPLETE["members"] + 1
    again = await upload(client, data)
    assert again.json()["updated"] == 3 and again.json()["created"] == 0
    history = (await client.get(f"/api/v1/reports/{WARDS[0]}/2024/history")).json()["items"]
    assert [h["action"] for h in history] == ["import", "import"]


async def test_the_template_is_importable_with_vietnamese_labels(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/reports/template.xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws is not None
    codes, labels = [c.value for c in ws[1]], [c.value for c in ws[2]]
    assert codes[:3] == ["unit_code", "population", "households"] and labels[1] == "Dân số"
    # A file whose header is the Vietnamese labels imports too.
    rows = [["Mã đơn vị (xã)", *labels[1:]], [WARDS[0], *(COMPLETE[name] for name in codes[1:])]]
    imported = await upload(client, xlsx(rows))
    assert imported.status_code == 200, imported.text
    assert imported.json()["created"] == 1


async def test_an_import_with_errors_changes_nothing_and_names_every_bad_cell(client: httpx.AsyncClient) -> None:
    rows = good_rows()
    header = rows[0]
    col = {name: chr(ord("A") + i) for i, name in enumerate(header)}
    rows[1][header.index("members")] = 999_999  # row 2: more members than population
    rows[2][header.index("clans")] = "ba mươi"  # row 3: not a number
    rows.append(["12427", *COMPLETE.values()])  # row 5: fine, in another district (the admin may)
    rows.append([WARDS[0], *COMPLETE.values()])  # row 6: the same ward twice
    rows.append(["99999", *COMPLETE.values()])  # row 7: no such commune
    rows.append(["abc", 1.5, *list(COMPLETE.values())[1:]])  # row 8: not a code (the row is not read further)
    rows.append([WARDS[2].replace("39", "42"), *COMPLETE.values()])  # row 9: 12442
    rows[3][header.index("population")] = 3.5  # row 4: not whole
    rows.append(["12427", *COMPLETE.values()])  # row 10: duplicate of row 5
    r = await upload(client, xlsx(rows))
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    found = {(e["row"], e["column"].split(" ")[0]) for e in r.json()["errors"]}
    assert found == {
        (2, col["members"]),
        (3, col["clans"]),
        (4, col["population"]),
        (6, "A"),
        (7, "A"),
        (8, "A"),
        (10, "A"),
    }
    members_error = next(e for e in r.json()["errors"] if e["row"] == 2)
    assert members_error["column"] == f"{col['members']} (members)" and members_error["loc"] == [
        "file",
        2,
        col["members"],
    ]
    for code in [*WARDS, "12427", "12442"]:
        assert (await client.get(f"/api/v1/reports/{code}/2024")).status_code == 404


async def test_an_approved_report_is_not_overwritten_by_an_import(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/v1/reports/imports",
        params={"year": 2023},
        files={"file": ("x.xlsx", xlsx([["unit_code", "members"], ["12433", 1]]), "application/octet-stream")},
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["row"] == 2 and "phê duyệt" in r.json()["errors"][0]["msg"]


async def test_files_that_are_not_workbooks_get_clear_errors(client: httpx.AsyncClient) -> None:
    for content in [b"unit_code,members\n12433,5\n", b"PK\x03\x04 broken zip", b""]:
        r = await upload(client, content)
        assert r.status_code == 422, content
        assert r.json()["errors"][0]["loc"] == ["file"]
    no_code = await upload(client, xlsx([["population", "members"], [10, 5]]))
    assert no_code.status_code == 422 and no_code.json()["errors"][0]["row"] == 1
    unknown = await upload(client, xlsx([["unit_code", "colour"], ["12433", "xanh"]]))
    assert unknown.json()["errors"][0]["column"] == "B (colour)"
