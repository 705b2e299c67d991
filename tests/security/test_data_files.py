"""Issue 14, Medium 9: hostile spreadsheets are refused before openpyxl makes Python objects of them, with a
clear 413 or 422 naming the limit, on both imports (reports: an answer; awards: the job's errors). Each file
is made here, in memory: a zip bomb in the shared strings and in the styles, a million shared strings, a
row numbered 1,048,576, a table of more cells than the limit, a sheet declaring a million rows, XML
nested 100,000 deep, a CSV of line ends. The limits are those of api/core/spreadsheet.py, whose docstring
gives the bound they put on a worker's memory (measured: docs/security.md)."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.core import spreadsheet
from api.core.config import PROJECT_ROOT
from api.models import Award, Report
from tests.ops import hostile_files
from tests.security.test_data_imports import HEADER, ROW, XLSX, upload

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _rezip(base: bytes, replace: dict[str, bytes], add: dict[str, bytes] | None = None) -> bytes:
    """``base`` with parts replaced or added; a large part written in chunks (never one huge string)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, replace.get(item.filename, src.read(item.filename)))
        for name, data in (add or {}).items():
            dst.writestr(name, data)
    return out.getvalue()


def _award_workbook(sheet_rows: str, *, dimension: str = "", shared: bytes | None = None) -> bytes:
    """The award template's header and the given rows, as raw XML (an attacker writes it by hand)."""
    head = "".join(
        f'<c r="{spreadsheet.column_letter(i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for i, h in enumerate(HEADER.split(","))
    )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{dimension}'
        f'<sheetData><row r="1">{head}</row>{sheet_rows}</sheetData></worksheet>'
    ).encode()
    add = {"xl/sharedStrings.xml": shared} if shared is not None else None
    return _rezip(hostile_files.valid(), {"xl/worksheets/sheet1.xml": xml}, add)


def _award_row(n: int) -> str:
    cells = ROW.format(amount=1000, external=f"HN-{n}").split(",")
    return (
        f'<row r="{n}">'
        + "".join(
            f'<c r="{spreadsheet.column_letter(i)}{n}" t="inlineStr"><is><t>{v}</t></is></c>'
            for i, v in enumerate(cells)
        )
        + "</row>"
    )


def shared_strings_bomb() -> bytes:
    """The shared strings inflating 300 MB from a few hundred KB (the sheets' ratio check passes)."""
    big = io.BytesIO()
    big.write(f'<?xml version="1.0"?><sst xmlns="{MAIN}"><si><t>'.encode())
    chunk = b"a" * (1024 * 1024)
    for _ in range(300):
        big.write(chunk)
    big.write(b"</t></si></sst>")
    return _award_workbook(_award_row(2), shared=big.getvalue())


def many_shared_strings() -> bytes:
    """1.1 million distinct shared strings (none used): each becomes a Python string in openpyxl."""
    count = spreadsheet.MAX_SHARED_STRINGS + 100_000
    body = "".join(f"<si><t>{n:x}</t></si>" for n in range(count))
    xml = f'<?xml version="1.0"?><sst xmlns="{MAIN}" count="{count}" uniqueCount="{count}">{body}</sst>'
    return _award_workbook(_award_row(2), shared=xml.encode())


def large_styles() -> bytes:
    """A styles part of 9 MB of comments (openpyxl builds it as one tree)."""
    styles = b'<?xml version="1.0"?><styleSheet xmlns="' + MAIN.encode() + b'"><!--'
    styles += bytes(range(32, 127)) * (9 * 1024 * 1024 // 95) + b"--></styleSheet>"
    return _rezip(hostile_files.valid(), {"xl/styles.xml": styles})


def last_row_of_excel() -> bytes:
    """One real row, numbered 1,048,576: openpyxl would yield a million empty rows before it."""
    return _award_workbook(_award_row(1_048_576))


def more_cells_than_the_limit() -> bytes:
    """Rows up to 310,000 of ten columns (3.1 million cells in the table openpyxl makes), in a tiny file."""
    rows = spreadsheet.MAX_CELLS // 10 + 10_000
    return _award_workbook(_award_row(2) + _award_row(rows))


def deep_xml() -> bytes:
    """A cell's rich text nested 100,000 elements deep (each a Python object in openpyxl's tree)."""
    depth = 100_000
    cell = '<c r="A2" t="inlineStr"><is>' + "<r>" * depth + "<t>x</t>" + "</r>" * depth + "</is></c>"
    return _award_workbook(f'<row r="2">{cell}</row>')


def line_ends_csv() -> bytes:
    """20 MB of line ends: 20 million rows for the csv module."""
    return (HEADER + "\n").encode() + b"\n" * (spreadsheet.MAX_ROWS + 10)


# name → (the file, the status, the error type the awards job names)
HOSTILE: dict[str, tuple[Callable[[], bytes], int, str]] = {
    "shared_strings_bomb": (shared_strings_bomb, 413, "file_too_large"),
    "many_shared_strings": (many_shared_strings, 413, "file_too_large"),
    "large_styles": (large_styles, 413, "file_too_large"),
    "last_row_of_excel": (last_row_of_excel, 422, "too_many_rows"),
    "more_cells_than_the_limit": (more_cells_than_the_limit, 413, "file_too_large"),
    "deep_xml": (deep_xml, 422, "xml_too_deep"),
}


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return {name: make() for name, (make, _, _) in HOSTILE.items()}


@pytest.mark.parametrize("case", list(HOSTILE))
async def test_a_hostile_workbook_is_refused_naming_the_limit(
    client: httpx.AsyncClient, session: AsyncSession, files: dict[str, bytes], case: str
) -> None:
    data, (_, status, kind) = files[case], HOSTILE[case]
    assert len(data) < 20 * 1024 * 1024  # inside the upload limit: the parser's limits must refuse it
    awards = await session.scalar(select(func.count()).select_from(Award))
    reports = await session.scalar(select(func.count()).select_from(Report))
    r = await upload(client, data, f"{case}.xlsx")
    assert r.status_code in (413, 422), r.text[:300]
    assert r.headers["content-type"] == "application/problem+json"
    if r.status_code == 413:  # refused from the zip's directory, before a job is made
        assert status == 413 and "tối đa" in r.json()["detail"]
    else:  # the job's errors name the file's problem and its limit
        errors = r.json()["errors"]
        assert [e["type"] for e in errors] == [kind] and "ối đa" in errors[0]["msg"], r.text[:500]
    files_ = {"file": (f"{case}.xlsx", data, XLSX)}
    r = await client.post("/api/v1/reports/imports", params={"year": 2024}, files=files_)
    assert r.status_code == status, r.text[:300]
    assert r.headers["content-type"] == "application/problem+json" and r.json()["detail"]
    if status == 422:
        assert [e["type"] for e in r.json()["errors"]] == [kind]
    else:
        assert "tối đa" in r.json()["detail"]
    assert await session.scalar(select(func.count()).select_from(Award)) == awards
    assert await session.scalar(select(func.count()).select_from(Report)) == reports


async def test_a_csv_of_line_ends_is_refused_before_it_is_split(client: httpx.AsyncClient) -> None:
    r = await upload(client, line_ends_csv())
    assert r.status_code == 422, r.text[:300]
    assert [e["type"] for e in r.json()["errors"]] == ["too_many_rows"]
    assert "500.000" in r.json()["errors"][0]["msg"]


async def test_a_sheet_declaring_a_million_rows_is_read_as_the_rows_it_has(client: httpx.AsyncClient) -> None:
    """``<dimension ref="A1:J1048576"/>`` is not believed: the two rows there are are read, nothing more."""
    data = _award_workbook(_award_row(2) + _award_row(3), dimension='<dimension ref="A1:J1048576"/>')
    r = await upload(client, data, "dimension.xlsx", dry_run="true")
    assert r.status_code == 201, r.text[:300]
    assert r.json()["total_rows"] == 2


PEAK = """
import resource, sys
from api.core import spreadsheet
data = sys.stdin.buffer.read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    spreadsheet.read_table(data)
except Exception as exc:
    print(type(exc).__name__)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""


@pytest.mark.parametrize("case", list(HOSTILE))
def test_refusing_a_hostile_workbook_holds_little_memory(files: dict[str, bytes], case: str) -> None:
    """The refusal comes before the file is made into objects: the parsing process's peak memory grows by a
    few MB (a fresh process, whose peak is this parse's), not the hundreds of MB to GBs the files hold."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK], input=files[case], capture_output=True, cwd=PROJECT_ROOT, check=True, timeout=120
    )
    kind, grown_kib = done.stdout.decode().split()
    assert kind in ("SheetProblem", "PayloadTooLarge")
    assert int(grown_kib) < 64 * 1024, (case, int(grown_kib) // 1024)


def test_the_limits_hold_the_largest_real_file() -> None:
    """The national award file of a province-year (224,729 rows of ten columns) fits every limit."""
    assert spreadsheet.MAX_ROWS >= 224_729 + 1 and spreadsheet.MAX_CELLS >= 10 * (224_729 + 1)
