"""Malformed and hostile .xlsx uploads, each built in memory (no fixtures on disk)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from openpyxl import Workbook

CODE = "12433"  # Phường Lê Hồng Phong (TP Thái Bình) before 2025-07-01: in the national admin's scope


def _xlsx(build: Callable[[Workbook], None]) -> bytes:
    wb = Workbook()
    build(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def valid() -> bytes:
    def build(wb: Workbook) -> None:
        ws = wb.active
        assert ws is not None
        ws.append(["unit_code", "members"])
        ws.append([CODE, 10])

    return _xlsx(build)


def _rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The same workbook with some of its parts replaced (raw XML, as an attacker would write it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, replace.get(item.filename, src.read(item.filename)))
    return out.getvalue()


def _sheet_xml(rows: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{rows}</sheetData></worksheet>"
    ).encode()


HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>unit_code</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>members</t></is></c></row>'
)


def csv_utf8() -> bytes:
    return f"unit_code,members\n{CODE},10\n".encode()


def csv_utf16() -> bytes:
    return f"unit_code;thành viên\n{CODE};10\n".encode("utf-16")


def legacy_xls() -> bytes:
    # The OLE2 signature of an old .xls (or of an encrypted .xlsx), then padding.
    return bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 4096


def empty() -> bytes:
    return b""


def truncated() -> bytes:
    data = valid()
    return data[: len(data) // 2]


def zip_not_xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("readme.txt", "không phải bảng tính")
    return out.getvalue()


def zip_bomb(inflated: int = 300 * 1024 * 1024) -> bytes:
    """A workbook whose sheet inflates to 300 MB of XML (a few hundred KB compressed)."""
    data = valid()
    out = io.BytesIO()
    chunk = b" " * (1024 * 1024)
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with dst.open(item.filename, "w", force_zip64=True) as f:
                    f.write(
                        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    )
                    for _ in range(inflated // len(chunk)):
                        f.write(chunk)
                    f.write(b"<sheetData/></worksheet>")
            else:
                dst.writestr(item.filename, src.read(item.filename))
    return out.getvalue()


def zip_bomb_lying_header() -> bytes:
    """A sheet whose central directory claims a small size but whose data inflates far past it."""
    bomb = zip_bomb(40 * 1024 * 1024)
    # Patch the uncompressed size recorded for the sheet to 1 KB in the central directory, so a
    # check of the declared sizes alone lets it through.
    with zipfile.ZipFile(io.BytesIO(bomb)) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    raw = bytearray(bomb)
    name = info.filename.encode()
    at = raw.rfind(b"PK\x01\x02", 0, raw.rfind(name))
    # Central directory header: uncompressed size at offset 24 (0xFFFFFFFF when in the zip64 extra field).
    raw[at + 24 : at + 28] = (1024).to_bytes(4, "little")
    extra_at = at + 46 + len(name)
    extra_len = int.from_bytes(raw[at + 30 : at + 32], "little")
    extra = raw[extra_at : extra_at + extra_len]
    if extra[:2] == b"\x01\x00":  # zip64: drop the 64-bit sizes so the 32-bit (patched) one is read
        raw[extra_at : extra_at + 2] = b"\xfe\xca"
    return bytes(raw)


def huge_cells() -> bytes:
    def build(wb: Workbook) -> None:
        ws = wb.active
        assert ws is not None
        ws.append(["unit_code", "members", "x" * 32_767])
        ws.append(["9" * 32_767, "1" * 32_767, "y" * 32_767])

    return _xlsx(build)


def too_many_rows(rows: int = 20_050) -> bytes:
    lines = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{CODE}</t></is></c></row>' for n in range(2, rows + 2)
    )
    return _rezip(valid(), {"xl/worksheets/sheet1.xml": _sheet_xml(HEADER_ROW + lines)})


def formulas() -> bytes:
    def build(wb: Workbook) -> None:
        ws = wb.active
        assert ws is not None
        ws.append(["unit_code", "members", "branches"])
        ws.append([CODE, "=1+1", "=cmd|' /C calc'!A0"])

    return _xlsx(build)


def infinite_number_code() -> bytes:
    # A numeric cell of 1E999 (infinity once read) where the unit code should be.
    row = '<row r="2"><c r="A2"><v>1E999</v></c><c r="B2"><v>10</v></c></row>'
    return _rezip(valid(), {"xl/worksheets/sheet1.xml": _sheet_xml(HEADER_ROW + row)})


def not_a_number_cell() -> bytes:
    # A cell typed numeric whose text is not a number.
    row = f'<row r="2"><c r="A2" t="inlineStr"><is><t>{CODE}</t></is></c><c r="B2"><v>NaN</v></c></row>'
    return _rezip(valid(), {"xl/worksheets/sheet1.xml": _sheet_xml(HEADER_ROW + row)})


def broken_sheet_xml() -> bytes:
    return _rezip(valid(), {"xl/worksheets/sheet1.xml": _sheet_xml(HEADER_ROW)[:-40]})


def xml_entity_bomb() -> bytes:
    laughs = '<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    xml = (
        '<?xml version="1.0"?>' + laughs + "]>"
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    )
    return _rezip(valid(), {"xl/worksheets/sheet1.xml": xml.encode()})


def data_on_second_sheet() -> bytes:
    def build(wb: Workbook) -> None:
        first = wb.active
        assert first is not None
        first.title = "Hướng dẫn"
        ws = wb.create_sheet("Báo cáo")
        ws.append(["unit_code", "members"])
        ws.append([CODE, 10])

    return _xlsx(build)


def wrong_sheet() -> bytes:
    def build(wb: Workbook) -> None:
        ws = wb.active
        assert ws is not None
        ws.title = "Danh sách hội viên"
        ws.append(["Họ tên", "Năm sinh"])
        ws.append(["Nguyễn Văn A", 1960])

    return _xlsx(build)


def chartsheet_only() -> bytes:
    def build(wb: Workbook) -> None:
        first = wb.active
        assert first is not None
        wb.create_chartsheet("Biểu đồ")
        wb.remove(first)

    return _xlsx(build)


HOSTILE: dict[str, Callable[[], bytes]] = {
    "csv_utf8": csv_utf8,
    "csv_utf16": csv_utf16,
    "legacy_xls": legacy_xls,
    "empty": empty,
    "truncated": truncated,
    "zip_not_xlsx": zip_not_xlsx,
    "zip_bomb": zip_bomb,
    "zip_bomb_lying_header": zip_bomb_lying_header,
    "huge_cells": huge_cells,
    "too_many_rows": too_many_rows,
    "formulas": formulas,
    "infinite_number_code": infinite_number_code,
    "not_a_number_cell": not_a_number_cell,
    "broken_sheet_xml": broken_sheet_xml,
    "xml_entity_bomb": xml_entity_bomb,
    "data_on_second_sheet": data_on_second_sheet,
    "wrong_sheet": wrong_sheet,
    "chartsheet_only": chartsheet_only,
}
