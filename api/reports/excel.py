"""Excel (openpyxl): the summary workbook of a unit and its children, the import template, and
reading an import file into rows, with every bad cell named by row and column.

openpyxl is imported by the functions that use it: it costs every worker ~6 MB resident, and most never
touch a workbook."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from api.core import spreadsheet
from api.core.errors import ErrorItem
from api.core.representation import XLSX_MEDIA_TYPE as XLSX_MEDIA_TYPE  # re-exported: the routers import it here
from api.core.spreadsheet import BROKEN, MAX_UNCOMPRESSED, SheetProblem  # noqa: F401 (re-exported: older imports)
from api.core.text import UNIT_CODE_PATTERN
from api.reports.fields import FIGURES, LABELS
from api.reports.schemas import MAX_FIGURE

HEADER_FILL_COLOR = "DDEBF7"
INT_FORMAT = "#,##0"
PCT_FORMAT = "0.0%"
MAX_ROWS = 20_000

CODE_HEADERS = ("unit_code", "mã đơn vị", "mã đơn vị (xã)", "mã")
_BY_LABEL = {f.label.casefold(): f.name for f in FIGURES}
_BY_NAME = {f.name: f.name for f in FIGURES}
_GROUPED_INT = re.compile(r"^\d{1,3}([.,  ]\d{3})+$")


def put(ws: Any, row: int, column: int, value: Any) -> Any:
    """Write one cell; text is always text. openpyxl stores a string starting with ``=`` as a formula, so a
    village named ``=HYPERLINK(…)`` would become a live link in the file: every cell the service writes
    goes through here."""
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


@dataclass
class SummaryRow:
    code: str
    name: str
    covered: int
    expected: int
    figures: dict[str, int]
    rates: dict[str, float | None]
    bold: bool = False


def summary_workbook(title: str, rate_labels: dict[str, str], rows: list[SummaryRow]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Tổng hợp"
    put(ws, 1, 1, title).font = Font(bold=True, size=14)
    headers = ["Mã", "Đơn vị", "Số xã có báo cáo", "Số xã", *rate_labels.values(), *(f.label for f in FIGURES)]
    for col, text in enumerate(headers, start=1):
        cell = put(ws, 3, col, text)
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor=HEADER_FILL_COLOR)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(col)].width = 12 if col > 2 else (8 if col == 1 else 30)
    ws.row_dimensions[3].height = 60
    for r, row in enumerate(rows, start=4):
        values: list[Any] = [
            row.code,
            row.name,
            row.covered,
            row.expected,
            *(row.rates[k] for k in rate_labels),
            *(row.figures[f.name] for f in FIGURES),
        ]
        for col, value in enumerate(values, start=1):
            cell = put(ws, r, col, value)
            cell.font = Font(bold=row.bold)
            if 5 <= col < 5 + len(rate_labels):
                cell.number_format = PCT_FORMAT
            elif col >= 3:
                cell.number_format = INT_FORMAT
    ws.freeze_panes = "C4"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def template_workbook(units: list[tuple[str, str]] | None = None) -> bytes:
    """The import template: two header rows (codes, Vietnamese labels), a drop-down of the caller's units
    (``units``: code and name, listed side by side on the sheet «Danh mục»; None or empty: a hint to type
    the code), and every figure checked as a whole number in Excel, with its label as the hint. Text cells
    only, no formula (tests/security/test_data_xlsx.py)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Báo cáo"
    heads = [("unit_code", "Mã đơn vị (xã)"), *((f.name, f.label) for f in FIGURES)]
    for col, (name, label) in enumerate(heads, 1):
        put(ws, 1, col, name).font = Font(bold=True)
        cell = put(ws, 2, col, label)
        cell.fill, cell.alignment = PatternFill("solid", fgColor=HEADER_FILL_COLOR), Alignment(wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = 14
    ws.row_dimensions[2].height = 60
    ws.freeze_panes = "B3"
    first, last = 3, spreadsheet.TEMPLATE_ROWS + 2
    for row in range(first, last + 1):
        ws.cell(row=row, column=1).number_format = "@"  # codes stay text: "01" is not 1
    ranges = spreadsheet.lists_sheet(
        wb, [("Mã đơn vị", [c for c, _ in units or []]), ("Tên đơn vị", [n for _, n in units or []])]
    )
    if "Mã đơn vị" in ranges:
        spreadsheet.choose_from(
            ws,
            "A",
            ranges["Mã đơn vị"],
            title="Mã đơn vị",
            prompt="Chọn mã đơn vị trong danh sách; tên của từng mã ở trang «Danh mục».",
            first_row=first,
        )
    else:
        spreadsheet.hint(
            ws,
            "A",
            title="Mã đơn vị",
            prompt="Gõ mã đơn vị (mã xã, huyện hoặc tỉnh) như trong danh mục.",
            first_row=first,
        )
    for col, f in enumerate(FIGURES, 2):
        spreadsheet.whole_number(
            ws,
            get_column_letter(col),
            0,
            MAX_FIGURE,
            title=f.label[:32],
            prompt=f"{f.label}: một số nguyên không âm (để trống nếu chưa có).",
            first_row=first,
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@dataclass
class ImportRow:
    row: int  # as the spreadsheet numbers it
    unit_code: str
    figures: dict[str, int | None]


@dataclass
class Parsed:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[ErrorItem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # figure name → column letter and header


def cell_error(row: int, column: str, msg: str, kind: str) -> ErrorItem:
    return ErrorItem(loc=["file", row, column.split(" ")[0]], msg=msg, type=kind, row=row, column=column)


def _integer(value: Any) -> int | str | None:
    """The cell as an integer, None when empty, or an error message."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return "Phải là một số nguyên"
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            return "Phải là một số nguyên (không có phần thập phân)"
        number = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            number = int(text)
        elif _GROUPED_INT.match(text):
            number = int(re.sub(r"[.,  ]", "", text))
        else:
            return f"Phải là một số nguyên, không phải “{text[:40]}”"
    else:
        return "Phải là một số nguyên"
    if number < 0:
        return "Không được âm"
    if number > MAX_FIGURE:
        return "Số quá lớn"
    return number


def _invalid(out: Parsed, msg: str = "Tệp không phải bảng tính Excel (.xlsx) hợp lệ") -> Parsed:
    out.rows.clear()
    out.errors.append(ErrorItem(loc=["file"], msg=msg, type="file_invalid"))
    return out


def read_import(data: bytes) -> Parsed:
    """Rows of the first sheet: a header row naming unit_code and figures (code names or Vietnamese labels).
    Parses the whole file: call it in a thread."""
    out = Parsed()
    try:
        values_ws = spreadsheet.open_sheet(data, data_only=True)
        formulas_ws = spreadsheet.open_sheet(data, data_only=False, check=False)
    except SheetProblem as exc:
        if exc.row:
            out.errors.append(cell_error(exc.row, exc.column, exc.msg, exc.kind))
            return out
        return _invalid(out, exc.msg)
    try:
        rows = spreadsheet.bounded(spreadsheet.sheet_rows(values_ws))
        _read_rows(out, rows, spreadsheet.sheet_rows(formulas_ws))
    except SheetProblem as exc:
        out.rows.clear()
        out.errors.append(cell_error(exc.row, exc.column, exc.msg, exc.kind))
    except BROKEN:
        return _invalid(out, "Không đọc được nội dung bảng tính (tệp hỏng hoặc không hợp lệ)")
    finally:
        values_ws.parent.close()
        formulas_ws.parent.close()
    return out


def _read_rows(out: Parsed, rows: Iterator[list[Any]], formulas: Iterator[tuple[Any, ...]]) -> None:
    from openpyxl.utils import get_column_letter

    header = next(rows, None)
    next(formulas, None)
    if header is None:
        out.errors.append(ErrorItem(loc=["file"], msg="Trang tính đầu tiên trống", type="file_empty"))
        return
    index: dict[int, str] = {}
    code_col = None
    for i, title in enumerate(header):
        key = str(title).strip() if title is not None else ""
        if key.casefold() in CODE_HEADERS:
            code_col = i
        elif key in _BY_NAME or key.casefold() in _BY_LABEL:
            name = _BY_NAME.get(key) or _BY_LABEL[key.casefold()]
            index[i] = name
            out.columns[name] = f"{get_column_letter(i + 1)} ({key})"
        elif key:
            letter = get_column_letter(i + 1)
            out.errors.append(cell_error(1, f"{letter} ({key[:60]})", f"Không rõ cột “{key[:60]}”", "unknown_column"))
    if code_col is None:
        out.errors.append(cell_error(1, "A", "Thiếu cột unit_code (mã đơn vị)", "missing_column"))
        return
    for n, (values, formula_row) in enumerate(zip(rows, formulas, strict=False), start=2):
        if n > MAX_ROWS + 1:
            out.errors.append(cell_error(n, "A", f"Tối đa {MAX_ROWS} dòng mỗi tệp", "too_many_rows"))
            break
        if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        raw_code = values[code_col] if code_col < len(values) else None
        if isinstance(raw_code, float) and not raw_code.is_integer():
            raw_code = str(raw_code)  # 1E999, NaN, 12.5: not a code
        code = str(int(raw_code)).zfill(5) if isinstance(raw_code, int | float) else str(raw_code or "").strip()
        if n == 2 and code.casefold() in CODE_HEADERS:
            continue  # the template's second header row of Vietnamese labels
        if not re.match(UNIT_CODE_PATTERN, code):
            out.errors.append(cell_error(n, get_column_letter(code_col + 1), "Mã đơn vị không hợp lệ", "unit_code"))
            continue
        figures: dict[str, int | None] = {}
        for i, name in index.items():
            value = values[i] if i < len(values) else None
            formula = formula_row[i] if i < len(formula_row) else None
            if value is None and isinstance(formula, str) and formula.startswith("="):
                out.errors.append(
                    cell_error(
                        n,
                        get_column_letter(i + 1),
                        f"{LABELS[name]}: ô có công thức nhưng chưa "
                        "có giá trị (mở và lưu bằng Excel, hoặc dán giá trị)",
                        "formula",
                    )
                )
                continue
            parsed = _integer(value)
            if isinstance(parsed, str):
                out.errors.append(cell_error(n, get_column_letter(i + 1), f"{LABELS[name]}: {parsed}", "int_parsing"))
            else:
                figures[name] = parsed
        out.rows.append(ImportRow(n, code, figures))
