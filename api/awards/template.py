"""The award import's Excel template: Vietnamese column names the import reads, drop-downs of the
caller's units (their names beside them on the sheet «Danh mục»), the categories, the recipient
kinds and recent years, and a hint on every column. Text cells only, no formula.

Kept apart from the import itself (``api.awards.imports``): the template only writes what the import
reads (its ``COLUMNS`` and ``KINDS``), so the two cannot drift."""

from __future__ import annotations

import io

from api.awards.imports import COLUMNS, KINDS, MONEY, YEARS
from api.core import spreadsheet

KIND_NAMES = [name for name, code in KINDS.items() if name != code]  # học sinh, sinh viên, giáo viên, khác
# Column order of the template.
ORDER = (
    *("unit_code", "recipient_name", "recipient_kind", "school", "category", "year", "awarded_on"),
    *("amount_vnd", "gift_value_vnd", "external_id"),
)


def workbook(units: list[tuple[str, str]] | None, categories: list[str], this_year: int) -> bytes:
    """``units``: (code, name) of the caller's scope, or None (too many for a list: a hint instead);
    ``categories``: the categories' Vietnamese names (the import takes names or codes)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Khen thưởng"
    headers = [COLUMNS[n] for n in ORDER]
    letter = {name: get_column_letter(i + 1) for i, name in enumerate(ORDER)}
    for col, text in enumerate(headers, start=1):
        cell = spreadsheet.put_text(ws, 1, col, text)
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(col)].width = 30 if col in (2, 4, 5) else 16
    ws.freeze_panes = "A2"
    last = spreadsheet.TEMPLATE_ROWS + 1
    ranges = spreadsheet.lists_sheet(
        wb,
        [
            ("Mã đơn vị", [c for c, _ in units or []]),
            ("Tên đơn vị", [n for _, n in units or []]),
            ("Loại khen thưởng", categories),
        ],
    )
    for row in range(2, last + 1):
        ws.cell(row=row, column=1).number_format = "@"  # codes stay text: "01" is not 1
        ws.cell(row=row, column=7).number_format = "@"  # dates as written, dd/mm/yyyy
    if "Mã đơn vị" in ranges:
        spreadsheet.choose_from(
            ws,
            "A",
            ranges["Mã đơn vị"],
            title="Mã đơn vị",
            prompt="Chọn mã đơn vị trong danh sách; tên của từng mã ở trang «Danh mục».",
        )
    else:
        spreadsheet.hint(ws, "A", title="Mã đơn vị", prompt="Gõ mã đơn vị (mã xã, huyện hoặc tỉnh).")
    spreadsheet.hint(ws, letter["recipient_name"], title="Họ và tên", prompt="Họ và tên người được khen thưởng.")
    spreadsheet.choose_from(
        ws,
        letter["recipient_kind"],
        spreadsheet.inline_list(KIND_NAMES),
        title="Đối tượng",
        prompt="Chọn: học sinh, sinh viên, giáo viên hoặc khác.",
    )
    spreadsheet.hint(ws, letter["school"], title="Trường", prompt="Tên trường (có thể để trống).")
    if "Loại khen thưởng" in ranges:
        spreadsheet.choose_from(
            ws,
            letter["category"],
            ranges["Loại khen thưởng"],
            title="Loại khen thưởng",
            prompt="Chọn loại khen thưởng trong danh sách (tên hoặc mã loại đều được nhận).",
        )
    low, high = YEARS[0], min(YEARS[1], this_year + 1)
    spreadsheet.choose_from(
        ws,
        letter["year"],
        spreadsheet.inline_list(list(range(high, max(low, high - 10) - 1, -1))),
        title="Năm",
        prompt=f"Năm khen thưởng (từ {YEARS[0]} đến {YEARS[1]}).",
        strict=False,
    )
    spreadsheet.hint(
        ws,
        letter["awarded_on"],
        title="Ngày trao",
        prompt="Ngày dd/mm/yyyy (có thể để trống: tính ngày 31/12 của năm).",
    )
    for name in ("amount_vnd", "gift_value_vnd"):
        spreadsheet.whole_number(
            ws,
            letter[name],
            MONEY[name][0],
            MONEY[name][1],
            title=COLUMNS[name],
            prompt=f"{COLUMNS[name]}: số nguyên, không dấu chấm (để trống nếu không có).",
        )
    spreadsheet.hint(
        ws, letter["external_id"], title="Mã riêng", prompt="Mã của bản ghi trong hệ thống của bạn (có thể để trống)."
    )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
