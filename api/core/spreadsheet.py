"""The spreadsheet kit every import uses: a CSV or XLSX upload read into rows of cells, with limits that
fail fast, and number bounds taken from the API's own schemas.

Callers run ``read_table`` (or their own openpyxl reading through ``open_sheet`` and ``bounded``) in a
thread (``asyncio.to_thread``): parsing a large file is seconds of CPU, and on the event loop it would
stall every other request of the worker, ``/health`` included.

The limits, each checked before openpyxl makes a Python object of the file (issue 14, Medium 9):

- a workbook inflates to at most ``MAX_UNCOMPRESSED`` bytes, and no part of it more than ``MAX_RATIO``
  times its compressed size (a zip bomb's ratio is in the thousands, real sheets 5 to 30); the shared
  strings to at most ``MAX_STRINGS_BYTES`` and every other part (styles, workbook, relations: openpyxl
  reads them as whole trees) to ``MAX_PART_BYTES``: else 413, decided from the zip's directory before
  anything is inflated (the sizes there bound what is inflated: Python's zipfile stops at the size
  declared and refuses the rest, a lying header is a broken file);
- then one pass of expat (C, constant memory) over the sheets and the shared strings: at most
  ``MAX_COLUMNS`` cells in a row (422 naming the row), rows numbered up to ``MAX_ROWS`` (a row numbered
  1,048,576 makes openpyxl yield a million empty rows: 422 naming it), ``MAX_CELLS`` cells in the
  table openpyxl would make (rows × the widest row, gaps included: 413), ``MAX_SHARED_STRINGS`` shared
  strings (413) and elements nested at most ``MAX_DEPTH`` deep (422);
- ``MAX_CELL_CHARS`` characters in a cell (Excel's own limit): a 422 naming the row and column.

Together they bound what one parse holds (``MEMORY_BOUND``, measured with a file at every limit): at most
``MAX_CELLS`` cells and ``MAX_SHARED_STRINGS`` strings of at most ``MAX_STRINGS_BYTES``; a hostile file is
refused within a few MB (tests/security/test_data_files.py measures each in a fresh process).
"""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pyexpat import ExpatError
from typing import Any, Literal
from xml.etree.ElementTree import ParseError

from annotated_types import Ge, Le, MaxLen
from pydantic import BaseModel

from api.core.errors import PayloadTooLarge

MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100
_RATIO_FROM = 1024 * 1024  # small parts (styles, a few rows) compress better than that and are harmless
MAX_STRINGS_BYTES = 64 * 1024 * 1024  # xl/sharedStrings.xml, read whole into a list by openpyxl
MAX_PART_BYTES = 8 * 1024 * 1024  # any other part but the sheets (openpyxl builds each as a tree)
MAX_COLUMNS = 256
MAX_ROWS = 500_000  # the national award file of a province-year is 224,729 rows (docs/benchmarks.md)
MAX_CELLS = 3_000_000  # rows × widest row: that file is 2.25 million
MAX_SHARED_STRINGS = 1_000_000
MAX_DEPTH = 32  # a sheet nests 6 deep (worksheet, sheetData, row, c, is, r, t)
MAX_CELL_CHARS = 32_767
# What a parse within these limits adds to a worker: a file at every limit at once (2,999,990 cells of 18
# characters, a 197 MiB sheet in a 15.4 MiB upload) raised the peak RSS by 304 MiB (docs/security.md).
MEMORY_BOUND = 384 * 1024 * 1024
_MiB = 1024 * 1024

# The csv module refuses a field over 131,072 characters with csv.Error (a 500 before): let it read the
# field, and ``bounded`` name the cell. Uploads are capped in size, so this bounds nothing else.
csv.field_size_limit(64 * 1024 * 1024)

# What a broken or hostile workbook raises while openpyxl reads it (bad zip, bad XML, bad numbers, …).
BROKEN = (
    zipfile.BadZipFile,
    OSError,
    KeyError,
    ValueError,
    TypeError,
    OverflowError,
    AttributeError,
    IndexError,
    ParseError,
    ExpatError,
)


class SheetProblem(Exception):
    """The file cannot be taken; ``row`` 0 means the whole file."""

    def __init__(self, msg: str, kind: str, row: int = 0, column: str = "") -> None:
        super().__init__(msg)
        self.msg, self.kind, self.row, self.column = msg, kind, row, column


def column_letter(i: int) -> str:
    """Spreadsheet letters of a 0-based column index: 0 → A, 26 → AA."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def is_workbook(data: bytes) -> bool:
    return data[:2] == b"PK"


def guard(data: bytes) -> None:
    """413 for a workbook that would inflate too far, read from the zip's directory (nothing inflated)."""
    if not is_workbook(data):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            parts = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip after all: the reader says the file is invalid
    total = sum(i.file_size for i in parts)
    bomb = any(i.file_size > _RATIO_FROM and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in parts)
    if total > MAX_UNCOMPRESSED or bomb:
        raise PayloadTooLarge(
            f"Tệp Excel giải nén quá lớn (tối đa {MAX_UNCOMPRESSED // _MiB} MB, "
            f"và không phần nào nén quá {MAX_RATIO} lần)."
        )
    for i in parts:
        if _is_sheet(i.filename):
            continue
        strings = i.filename.casefold().endswith("sharedstrings.xml")
        limit = MAX_STRINGS_BYTES if strings else MAX_PART_BYTES
        if i.file_size > limit:
            what = "Bảng chuỗi dùng chung" if strings else f"Phần “{i.filename[:80]}”"
            raise PayloadTooLarge(f"{what} của tệp Excel giải nén quá lớn (tối đa {limit // _MiB} MB).")


def _is_sheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def bounded(rows: Iterable[Iterable[Any]], first: int = 1) -> Iterator[list[Any]]:
    """The rows as lists, numbered from ``first``; SheetProblem at the first row too wide or cell too long."""
    for n, cells in enumerate(rows, start=first):
        row = list(cells)
        if len(row) > MAX_COLUMNS:
            extra = next((i for i in range(len(row) - 1, MAX_COLUMNS - 1, -1) if _filled(row[i])), None)
            if extra is not None:
                raise SheetProblem(
                    f"Tối đa {MAX_COLUMNS} cột; dòng {n} có dữ liệu ở cột {column_letter(extra)}",
                    "too_many_columns",
                    n,
                    column_letter(extra),
                )
            del row[MAX_COLUMNS:]
        for i, cell in enumerate(row):
            if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
                raise SheetProblem(
                    f"Ô dài quá {MAX_CELL_CHARS:,} ký tự".replace(",", "."), "cell_too_long", n, column_letter(i)
                )
        yield row


def _filled(value: Any) -> bool:
    return value is not None and value != ""


def read_csv(data: bytes) -> list[list[str]]:
    """Every row of a UTF-8 CSV (BOM or not; ``,`` or ``;``; line ends \\r\\n, \\n or Excel for Mac's \\r)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SheetProblem("Tệp CSV phải mã hoá UTF-8 (Excel: Lưu thành CSV UTF-8)", "file_invalid") from exc
    first = text[: min(i for i in (text.find("\n"), text.find("\r"), len(text)) if i >= 0)]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    _check_widths(text, delimiter)
    # newline="": the reader sees \r, \n and \r\n as line ends, and keeps line breaks inside quoted cells.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(bounded(reader))
    except csv.Error as exc:
        raise SheetProblem(
            f"Dòng {reader.line_num}: tệp CSV sai dạng ({exc})", "file_invalid", reader.line_num
        ) from exc


def _check_counts(data: bytes, delimiter: str) -> None:
    """``_check_widths``'s line and cell counts on the undecoded bytes (UTF-8 never puts \r, \n, ``,`` or
    ``;`` inside a character): the streamed reader refuses what the whole-file reader refuses, before reading."""
    lines = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n") + 1
    if lines > MAX_ROWS + 1:
        msg = f"Tối đa {MAX_ROWS:,} dòng; tệp có {lines:,} dòng".replace(",", ".")
        raise SheetProblem(msg, "too_many_rows", MAX_ROWS + 1)
    if lines + data.count(delimiter.encode()) > MAX_CELLS:
        raise PayloadTooLarge(f"Tệp CSV quá lớn (tối đa {MAX_CELLS:,} ô).".replace(",", "."))


def _check_widths(text: str, delimiter: str) -> None:
    """Refuse a line of too many cells before the csv module splits it (19 MB of commas made 19 million
    cells, seconds of CPU), too many lines (20 MB of line ends made 20 million rows) or cells: counting is
    C-speed. A quoted cell's delimiters and line ends count too, and no cell of ours holds hundreds."""
    lines = text.count("\n") + text.count("\r") - text.count("\r\n") + 1
    if lines > MAX_ROWS + 1:
        msg = f"Tối đa {MAX_ROWS:,} dòng; tệp có {lines:,} dòng".replace(",", ".")
        raise SheetProblem(msg, "too_many_rows", MAX_ROWS + 1)
    if lines + text.count(delimiter) > MAX_CELLS:
        raise PayloadTooLarge(f"Tệp CSV quá lớn (tối đa {MAX_CELLS:,} ô).".replace(",", "."))
    for n, line in enumerate(text.splitlines(), start=1):
        if line.count(delimiter) >= MAX_COLUMNS:
            raise SheetProblem(f"Tối đa {MAX_COLUMNS} cột", "too_many_columns", n, column_letter(MAX_COLUMNS))


def _check_sheet_widths(data: bytes) -> int:
    """The limits of the module's docstring read from the XML before openpyxl reads it: openpyxl turns every
    cell of a row into Python objects even when asked for the first few (100,000 cells took seconds), yields
    an empty row for every row number skipped, and keeps every shared string. One pass of expat (C) over
    each sheet and the shared strings, counting rows, cells, strings and depth. Returns the widest row's
    last column, so that openpyxl makes rows no wider (a row as wide as the limit is 2 KB of pointers)."""
    import xml.parsers.expat

    widest = 0
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            strings = name.casefold().endswith("sharedstrings.xml")
            if not (_is_sheet(name) or strings):
                continue
            state = {"row": 0, "cells": 0, "widest": 0, "depth": 0, "strings": 0, "shared": int(strings)}

            def start(tag: str, attrs: dict[str, str], state: dict[str, int] = state) -> None:
                state["depth"] += 1
                if state["depth"] > MAX_DEPTH:
                    raise SheetProblem(
                        f"Tệp XML lồng quá sâu (tối đa {MAX_DEPTH} mức): tệp hỏng hoặc không hợp lệ",
                        "xml_too_deep",
                        state["row"],
                    )
                local = tag.rsplit(":", 1)[-1]
                if local == "row":
                    r = attrs.get("r", "")
                    state["row"], state["cells"] = (int(r) if r.isdigit() else state["row"] + 1), 0
                    if state["row"] > MAX_ROWS:
                        raise SheetProblem(
                            f"Tối đa {MAX_ROWS:,} dòng; tệp có dòng {state['row']:,}".replace(",", "."),
                            "too_many_rows",
                            min(state["row"], MAX_ROWS + 1),
                        )
                elif local == "c":  # its column: from its reference (``AB12``), else the one after the last
                    letters = attrs.get("r", "").rstrip("0123456789")
                    column = state["cells"] + 1
                    if letters and len(letters) <= 3 and letters.isascii() and letters.isalpha():
                        column = 0
                        for ch in letters.upper():
                            column = column * 26 + ord(ch) - 64
                    state["cells"] = column
                    if column > MAX_COLUMNS:
                        raise SheetProblem(
                            f"Tối đa {MAX_COLUMNS} cột; dòng {state['row']} có dữ liệu ở cột "
                            f"{column_letter(column - 1)}",
                            "too_many_columns",
                            state["row"],
                            column_letter(column - 1),
                        )
                    if column > state["widest"]:
                        state["widest"] = column
                    if state["row"] * state["widest"] > MAX_CELLS:
                        raise PayloadTooLarge(
                            f"Bảng tính quá lớn: {state['row']:,} dòng × {state['widest']} cột "
                            f"(tối đa {MAX_CELLS:,} ô).".replace(",", ".")
                        )
                elif local == "si" and state["shared"]:
                    state["strings"] += 1
                    if state["strings"] > MAX_SHARED_STRINGS:
                        raise PayloadTooLarge(
                            f"Tệp Excel có quá nhiều chuỗi (tối đa {MAX_SHARED_STRINGS:,}).".replace(",", ".")
                        )

            def end(tag: str, state: dict[str, int] = state) -> None:
                state["depth"] -= 1

            parser = xml.parsers.expat.ParserCreate()
            parser.StartElementHandler = start
            parser.EndElementHandler = end
            with zf.open(name) as part:
                while chunk := part.read(1 << 16):
                    parser.Parse(chunk, False)
            parser.Parse(b"", True)
            widest = max(widest, state["widest"])
    return widest


def open_sheet(data: bytes, *, data_only: bool = True, check: bool = True) -> Any:
    """The first worksheet of a workbook, read-only, after ``guard`` and (``check``) the row widths;
    SheetProblem when it is not one."""
    from openpyxl import load_workbook  # here, not at the top: most workers never read a workbook

    guard(data)
    widest = MAX_COLUMNS + 1
    try:
        if check:
            widest = max(_check_sheet_widths(data), 1)
        ws = load_workbook(io.BytesIO(data), read_only=True, data_only=data_only).worksheets[0]
    except BROKEN as exc:
        raise SheetProblem("Tệp không phải bảng tính Excel (.xlsx) hợp lệ", "file_invalid") from exc
    if not hasattr(ws, "iter_rows"):
        raise SheetProblem("Trang tính đầu tiên không phải bảng số liệu", "file_invalid")
    ws.reset_dimensions()  # the size the sheet declares (``<dimension ref="A1:IV1048576">``) is not believed
    ws.kh_columns = widest  # type: ignore[attr-defined]
    return ws


def sheet_rows(ws: Any) -> Iterator[tuple[Any, ...]]:
    """A worksheet's rows as wide as its widest row (checked), else one column past the limit (so
    ``bounded`` sees a row too wide, without a 100,000-cell tuple being made)."""
    columns = getattr(ws, "kh_columns", MAX_COLUMNS + 1)
    return ws.iter_rows(values_only=True, max_col=columns)  # type: ignore[no-any-return]


def read_table(data: bytes) -> list[list[Any]]:
    """Every row of a CSV or of an XLSX's first sheet, header first. Run it in a thread."""
    if not is_workbook(data):
        return read_csv(data)
    ws = open_sheet(data)
    try:
        return list(bounded(sheet_rows(ws)))
    except BROKEN as exc:
        raise SheetProblem("Không đọc được nội dung tệp (tệp hỏng hoặc không hợp lệ)", "file_invalid") from exc
    finally:
        ws.parent.close()


def int_bounds(model: type[BaseModel], name: str) -> tuple[int | None, int | None]:
    """The ``ge``/``le`` of a schema's integer field, so that imports check what the API checks."""
    low = high = None
    for item in model.model_fields[name].metadata:
        if isinstance(item, Ge):
            low = int(item.ge)  # type: ignore[call-overload]
        elif isinstance(item, Le):
            high = int(item.le)  # type: ignore[call-overload]
    return low, high


def max_length(model: type[BaseModel], name: str) -> int:
    """The ``max_length`` of a schema's text field."""
    return next(int(item.max_length) for item in model.model_fields[name].metadata if isinstance(item, MaxLen))


def iter_table(data: bytes) -> Iterator[list[Any]]:
    """``read_table``'s rows one at a time, the file decoded and split as they are taken: memory for a row,
    not for the file's text and cells (a 25 MB CSV made ~400 MB of them). The same rows and the same
    SheetProblems, raised when the reader reaches them. Take the rows in a thread, a chunk at a time."""
    if not is_workbook(data):
        yield from _iter_csv(data)
        return
    ws = open_sheet(data)
    try:
        yield from bounded(sheet_rows(ws))
    except BROKEN as exc:
        raise SheetProblem("Không đọc được nội dung tệp (tệp hỏng hoặc không hợp lệ)", "file_invalid") from exc
    finally:
        ws.parent.close()


def _iter_csv(data: bytes) -> Iterator[list[str]]:
    # newline="": lines end at \r, \n or \r\n, and the reader keeps line breaks inside quoted cells.
    lines = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    try:
        first = lines.readline()
        delimiter = ";" if first.count(";") > first.count(",") else ","
        _check_counts(data, delimiter)  # as read_csv does, counted on the bytes (C speed, before any split)

        def widths(text: Iterable[str]) -> Iterator[str]:
            """``_check_widths``, line by line, before the csv module splits a line."""
            for n, line in enumerate(text, start=1):
                if line.count(delimiter) >= MAX_COLUMNS:
                    raise SheetProblem(f"Tối đa {MAX_COLUMNS} cột", "too_many_columns", n, column_letter(MAX_COLUMNS))
                yield line

        reader = csv.reader(widths(itertools.chain((first,), lines) if first else ()), delimiter=delimiter)
        try:
            yield from bounded(reader)
        except csv.Error as exc:
            raise SheetProblem(
                f"Dòng {reader.line_num}: tệp CSV sai dạng ({exc})", "file_invalid", reader.line_num
            ) from exc
    except UnicodeDecodeError as exc:
        raise SheetProblem("Tệp CSV phải mã hoá UTF-8 (Excel: Lưu thành CSV UTF-8)", "file_invalid") from exc
    finally:
        lines.close()


# The import templates: drop-down lists and input hints (openpyxl data validation). Called by the
# template writers of each import, with openpyxl already imported by them.

LISTS_SHEET = "Danh mục"
TEMPLATE_ROWS = 2_000  # rows of a template that carry the drop-downs and hints


def put_text(ws: Any, row: int, column: int, value: Any) -> Any:
    """Write one cell; text is always text (a name starting with ``=`` stays a name, not a formula), and
    control characters a workbook cannot hold are left out (a name typed with one was a 500)."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def lists_sheet(wb: Any, columns: list[tuple[str, list[Any]]]) -> dict[str, str]:
    """A sheet of the lists the drop-downs read, one column each under its header; returns each
    header's range (``'Danh mục'!$A$2:$A$40``), for ``choose_from``. An empty list gets no range."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(LISTS_SHEET)
    ranges: dict[str, str] = {}
    for c, (header, values) in enumerate(columns, start=1):
        letter = get_column_letter(c)
        put_text(ws, 1, c, header).font = Font(bold=True)
        ws.column_dimensions[letter].width = max(14, min(60, max((len(str(v)) for v in values), default=0) + 2))
        for r, value in enumerate(values, start=2):
            put_text(ws, r, c, value)
        if values:
            ranges[header] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _validation(kind: Literal["whole", "list"] | None, formula1: str | None, prompt: str, title: str, **kw: Any) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type=kind, formula1=formula1, allow_blank=True, **kw)
    dv.promptTitle, dv.prompt = title[:32], prompt[:255]  # Excel's limits for an input message
    dv.showInputMessage = True
    return dv


def choose_from(
    ws: Any, column: str, source: str, *, title: str, prompt: str, strict: bool = True, first_row: int = 2
) -> None:
    """A drop-down in ``column`` (TEMPLATE_ROWS rows from ``first_row``) from a range or from an
    ``inline_list``; ``strict`` refuses other values in Excel, else it warns and lets them in."""
    dv = _validation("list", source, prompt, title, showDropDown=False)
    dv.showErrorMessage = True
    dv.errorStyle = "stop" if strict else "warning"
    dv.errorTitle, dv.error = title[:32], f"Chọn một giá trị trong danh sách. {prompt}"[:255]
    dv.add(f"{column}{first_row}:{column}{TEMPLATE_ROWS + first_row - 1}")
    ws.add_data_validation(dv)


def whole_number(ws: Any, column: str, low: int, high: int, *, title: str, prompt: str, first_row: int = 2) -> None:
    """A whole number from ``low`` to ``high`` in ``column``, with a hint; Excel refuses anything else."""
    dv = _validation("whole", str(low), prompt, title, operator="between", formula2=str(high))
    dv.showErrorMessage = True
    dv.errorTitle, dv.error = title[:32], prompt[:255]
    dv.add(f"{column}{first_row}:{column}{TEMPLATE_ROWS + first_row - 1}")
    ws.add_data_validation(dv)


def hint(ws: Any, column: str, *, title: str, prompt: str, first_row: int = 2) -> None:
    """An input message on ``column``'s cells, no check (free text, dates written as text)."""
    dv = _validation(None, None, prompt, title)  # no type: any value, the message alone
    dv.add(f"{column}{first_row}:{column}{TEMPLATE_ROWS + first_row - 1}")
    ws.add_data_validation(dv)


def inline_list(values: Sequence[Any]) -> str:
    """A drop-down's own list (``"a,b,c"``, at most 255 characters as Excel allows)."""
    text = ",".join(str(v) for v in values)
    if len(text) > 255 or any("," in str(v) or '"' in str(v) for v in values):
        raise ValueError("an inline list must be short and hold no comma: use lists_sheet")
    return f'"{text}"'
