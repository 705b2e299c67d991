"""Issue 14, the import items: Medium 8 (the API's own bounds at import), Medium 9 (parsing off the event
loop, with limits that fail fast), and the Low items on CSV line ends, long fields and external ids."""

from __future__ import annotations

import io
import threading
from typing import Any

import httpx
import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.awards import imports
from api.awards.schemas import AwardFields
from api.core import spreadsheet
from api.models import Award, Report
from api.reports import excel
from tests.ops import hostile_files

HEADER = "unit_code,recipient_name,recipient_kind,school,category,year,awarded_on,amount_vnd,gift_value_vnd,external_id"
ROW = "12442,Nguyễn Thị An,pupil,THCS Kỳ Bá,hoc_bong_vuot_kho,2024,05/09/2024,{amount},0,{external}"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_file(*rows: str, end: str = "\n") -> bytes:
    return (end.join([HEADER, *rows]) + end).encode()


def xlsx_file(amount: int) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADER.split(","))
    ws.append(["12442", "Nguyễn Thị An", "pupil", "", "hoc_bong_vuot_kho", 2024, None, amount, 0, None])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


async def upload(client: httpx.AsyncClient, data: bytes, name: str = "k.csv", **params: Any) -> httpx.Response:
    return await client.post(
        "/api/v1/awards/imports", params={"wait": "true", **params}, files={"file": (name, data, "text/csv")}
    )


async def count_2024(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Award).where(Award.year == 2024)) or 0)


def errors(r: httpx.Response) -> list[tuple[Any, ...]]:
    return [(e.get("row"), (e.get("column") or "").split(" ")[0], e["type"]) for e in r.json().get("errors", [])]


@pytest.mark.parametrize("amount", [10**13, 2**63])
@pytest.mark.parametrize("how", ["csv-dry-run", "csv", "xlsx"])
async def test_import_refuses_amounts_the_api_refuses(
    client: httpx.AsyncClient, session: AsyncSession, amount: int, how: str
) -> None:
    """Medium 8: 10¹³ (imported, then /awards answered 500) and 2⁶³ (passed the dry run, then 500) are a
    422 naming row 2, column H (amount_vnd), on every path (the real import is COPY on PostgreSQL)."""
    before = await count_2024(session)
    if how == "xlsx":
        r = await upload(client, xlsx_file(amount), "k.xlsx")
    else:
        r = await upload(client, csv_file(ROW.format(amount=amount, external="")), dry_run=str(how == "csv-dry-run"))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert errors(r) == [(2, "H", "range")]
    assert await count_2024(session) == before
    assert (await client.get("/api/v1/awards", params={"year": 2024})).status_code == 200


def test_import_bounds_are_the_schema_bounds() -> None:
    """Medium 8: the bounds come from the pydantic fields (a change there changes the import)."""
    assert imports.MONEY["amount_vnd"] == spreadsheet.int_bounds(AwardFields, "amount_vnd") == (0, 10**12)
    assert spreadsheet.int_bounds(AwardFields, "year") == imports.YEARS


async def test_the_largest_amount_the_api_takes_is_imported(client: httpx.AsyncClient, session: AsyncSession) -> None:
    r = await upload(client, csv_file(ROW.format(amount=10**12, external="")))
    assert r.status_code == 201, r.text
    award = (await client.get("/api/v1/awards", params={"year": 2024, "unit": "12442"})).json()["items"][0]
    assert award["amount_vnd"] == 10**12


@pytest.fixture
def no_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a zip bomb reached openpyxl")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


@pytest.mark.parametrize(
    "route",
    [
        "/api/v1/awards/imports?wait=true",
        "/api/v1/reports/imports?year=2024",
        "/api/v1/recognition/imports?title=gia_dinh&year=2024",
    ],
)
async def test_a_zip_bomb_is_refused_from_its_directory(
    client: httpx.AsyncClient, no_openpyxl: None, route: str
) -> None:
    """Medium 9: a small workbook that inflates a thousandfold is a 413 before anything is inflated."""
    bomb = hostile_files.zip_bomb(24 * 1024 * 1024)
    assert len(bomb) < 200_000
    r = await client.post(route, files={"file": ("bom.xlsx", bomb, XLSX)})
    assert r.status_code == 413, r.text
    assert r.headers["content-type"] == "application/problem+json" and "giải nén" in r.json()["detail"]


def wide_workbook(columns: int) -> bytes:
    cells = "".join(
        f'<c r="{spreadsheet.column_letter(i)}1" t="inlineStr"><is><t>c{i}</t></is></c>' for i in range(1, columns)
    )
    row = f'<row r="1"><c r="A1" t="inlineStr"><is><t>unit_code</t></is></c>{cells}</row>'
    return hostile_files._rezip(hostile_files.valid(), {"xl/worksheets/sheet1.xml": hostile_files._sheet_xml(row)})


async def test_too_many_columns_is_a_clear_422(client: httpx.AsyncClient, session: AsyncSession) -> None:
    """Medium 9: a header far wider than any sheet of ours (a workbook, a CSV of commas) is a 422 naming
    the row and the first column past the limit, for both imports; nothing is saved."""
    reports = await session.scalar(select(func.count()).select_from(Report))
    wide = wide_workbook(100_000)  # the attack's header: refused from one pass of expat over the XML
    r = await client.post("/api/v1/reports/imports", params={"year": 2024}, files={"file": ("w.xlsx", wide, XLSX)})
    assert r.status_code == 422, r.text
    assert [(e["row"], e["type"]) for e in r.json()["errors"]] == [(1, "too_many_columns")]
    assert await session.scalar(select(func.count()).select_from(Report)) == reports
    r = await upload(client, wide, "w.xlsx")
    assert r.status_code == 422 and errors(r) == [
        (1, spreadsheet.column_letter(spreadsheet.MAX_COLUMNS), "too_many_columns")
    ]
    for commas in (b"," * 2_000_000 + b"\n", (HEADER + "\n").encode() + b"," * 2_000_000 + b"\n"):
        r = await upload(client, commas)
        assert r.status_code == 422 and [e[2] for e in errors(r)] == ["too_many_columns"]


async def test_parsing_runs_off_the_event_loop(client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Medium 9: both imports parse the file in another thread than the event loop's."""
    threads: list[tuple[str, int]] = []
    # The award import reads the whole file (SQLite) or takes it a chunk at a time (PostgreSQL).
    parsers = ((spreadsheet, "read_table", "awards"), (imports, "_take", "awards"), (excel, "read_import", "reports"))
    for module, name, which in parsers:
        original = getattr(module, name)

        def spy(*args: Any, _original: Any = original, _which: str = which) -> Any:
            threads.append((_which, threading.get_ident()))
            return _original(*args)

        monkeypatch.setattr(module, name, spy)
    assert (await upload(client, csv_file(ROW.format(amount=1, external="")), dry_run="true")).status_code == 201
    r = await client.post(
        "/api/v1/reports/imports",
        params={"year": 2024, "dry_run": "true"},
        files={"file": ("v.xlsx", hostile_files.valid(), XLSX)},
    )
    assert r.status_code == 200, r.text
    assert {which for which, _ in threads} == {"awards", "reports"}
    assert threading.get_ident() not in {thread for _, thread in threads}


async def test_mac_line_ends_are_read(client: httpx.AsyncClient) -> None:
    """Low: Excel for Mac's "CSV (Macintosh)" ends lines with \\r only (a 500 before)."""
    rows = [ROW.format(amount=1000, external=""), ROW.format(amount=2000, external="").replace("An", "Bình")]
    r = await upload(client, csv_file(*rows, end="\r"), dry_run="true")
    assert r.status_code == 201, r.text
    assert r.json()["total_rows"] == 2


async def test_a_field_over_131072_characters_is_a_422_naming_row_and_column(client: httpx.AsyncClient) -> None:
    """Low: a field past the csv module's limit was a 500; now a 422 naming the row and the column."""
    long_school = ROW.format(amount=1, external="").replace("THCS Kỳ Bá", "x" * 131_073)
    r = await upload(client, csv_file(ROW.format(amount=1, external=""), long_school))
    assert r.status_code == 422, r.text
    assert errors(r) == [(3, "D", "cell_too_long")]


async def test_external_ids_are_one_form_in_imports(client: httpx.AsyncClient, session: AsyncSession) -> None:
    """Low: an external id with a zero-width space is refused (row and column named); one typed in
    decomposed Unicode is stored in NFC, the form every API path stores."""
    r = await upload(client, csv_file(ROW.format(amount=1, external="HN\u200b-1")))
    assert r.status_code == 422 and errors(r) == [(2, "J", "external_id_invisible")]
    r = await upload(client, csv_file(ROW.format(amount=1, external="Ho\u0300a-1")))
    assert r.status_code == 201, r.text
    stored = await session.scalar(select(Award.external_id).where(Award.external_id.like("H%a-1")))
    assert stored == "Hòa-1"


async def test_external_ids_are_one_form_in_the_api(client: httpx.AsyncClient, anon: httpx.AsyncClient) -> None:
    """Low: ids that differ only by Unicode normalisation are one record; an invisible character is a 422."""
    from tests.sync.test_sync_api import MEDAL, key

    partner = await key(client, "35", partner="ha-nam")
    children = await anon.get("/api/v1/units/35/children", params={"as_of": "2023-12-31"}, headers=partner)
    body = MEDAL | {"unit_code": children.json()["items"][0]["code"], "unit_as_of": "2023-12-31", "recipient_name": "A"}
    first = await anon.put("/api/v1/sync/commendations/Ho\u0300a-7", json=body, headers=partner)
    assert first.status_code == 201, first.text
    assert first.json()["external_id"] == "Hòa-7"
    again = await anon.put("/api/v1/sync/commendations/Hòa-7", json=body, headers=partner)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    hidden = await anon.put("/api/v1/sync/commendations/Hòa\u200b-7", json=body, headers=partner)
    assert hidden.status_code == 422 and hidden.json()["errors"][0]["type"] == "external_id_invisible"
    created = await client.post("/api/v1/commendations", json=body | {"external_id": "X\u2060Y"})
    assert created.status_code == 422 and created.json()["errors"][0]["loc"][-1] == "external_id"
