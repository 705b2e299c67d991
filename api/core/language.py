"""The language of import messages: Vietnamese first, English when the caller asks for it.

The dashboard sends ``Accept-Language`` (its language switch); scripts send nothing and read
Vietnamese. Only the human text changes: an error's ``type``, ``row`` and ``column`` stay as they
are, so programs keep matching on ``type``. The imports write their messages in Vietnamese (one
place, one wording); ``english`` turns a known message into English here, on the way out, and
leaves an unknown one as it is (Vietnamese is the fallback, never an empty text).

A message ``"<label>: <message>"`` (a report figure's label, then what is wrong with it) keeps its
label (it is the file's own header) and has the part after it translated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

VIETNAMESE, ENGLISH = "vi", "en"

_RANGE = re.compile(r"^\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


def choose(accept_language: str | None) -> str:
    """``en`` when the header ranks English above Vietnamese, else ``vi`` (also for no header, ``*``
    or anything unreadable)."""
    best = {VIETNAMESE: 0.0, ENGLISH: 0.0}
    for part in (accept_language or "")[:500].split(",")[:20]:
        match = _RANGE.match(part)
        if match is None:
            continue
        lang = match.group(1).lower()
        try:
            q = float(match.group(2)) if match.group(2) is not None else 1.0
        except ValueError:
            continue
        if lang in best and q > best[lang]:
            best[lang] = q
    return ENGLISH if best[ENGLISH] > best[VIETNAMESE] else VIETNAMESE


def _n(text: str) -> str:
    """A number as Vietnamese group it ("3.000") as English does ("3,000")."""
    return text.replace(".", ",") if re.fullmatch(r"\d{1,3}(\.\d{3})+", text) else text


_STATUS = {"đã nộp": "submitted", "đã phê duyệt": "approved"}

# (Vietnamese message as a full-match pattern, its English). Most specific first.
_MESSAGES: list[tuple[str, str | Callable[[re.Match[str]], str]]] = [
    # api/core/spreadsheet.py
    (
        r"Tệp Excel giải nén quá lớn \(tối đa (\d+) MB, và không phần nào nén quá (\d+) lần\)\.",
        "The Excel file inflates too far (at most {0} MB, and no part compressed more than {1} times).",
    ),
    (r"Tối đa (\d+) cột; dòng (\d+) có dữ liệu ở cột (\w+)", "At most {0} columns; row {1} has data in column {2}"),
    (r"Tối đa (\d+) cột; dòng (\d+) có nhiều hơn", "At most {0} columns; row {1} has more"),
    (r"Tối đa (\d+) cột", "At most {0} columns"),
    (r"Ô dài quá ([\d.]+) ký tự", "The cell is longer than {0} characters"),
    (
        r"Tệp CSV phải mã hoá UTF-8 \(Excel: Lưu thành CSV UTF-8\)",
        "A CSV file must be UTF-8 (Excel: Save as CSV UTF-8)",
    ),
    (r"Dòng (\d+): tệp CSV sai dạng \((.*)\)", "Row {0}: the CSV file is malformed ({1})"),
    (r"Tệp không phải bảng tính Excel \(\.xlsx\) hợp lệ", "The file is not a valid Excel workbook (.xlsx)"),
    (r"Trang tính đầu tiên không phải bảng số liệu", "The first sheet is not a sheet of data"),
    (r"Trang tính đầu tiên trống", "The first sheet is empty"),
    (
        r"Không đọc được nội dung (?:tệp|bảng tính) \(tệp hỏng hoặc không hợp lệ\)",
        "The file's content cannot be read (a damaged or invalid file)",
    ),
    (r"Không đọc được tệp \(tệp hỏng hoặc không hợp lệ\)", "The file cannot be read (a damaged or invalid file)"),
    (r"Tệp trống", "The file is empty"),
    (r"Tệp lớn hơn (\d+) MB\.", "The file is larger than {0} MB."),
    # api/reports/excel.py, api/reports/imports.py, api/reports/validation.py
    (r"Phải là một số nguyên \(không có phần thập phân\)", "Must be a whole number (no decimals)"),
    (r"Phải là một số nguyên, không phải “(.*)”", "Must be a whole number, not “{0}”"),
    (r"Phải là một số nguyên không âm", "Must be a whole number, not negative"),
    (r"Phải là một số nguyên", "Must be a whole number"),
    (r"Không được âm", "Must not be negative"),
    (r"Số quá lớn", "The number is too large"),
    (r"Không rõ cột “(.*)”", "Unknown column “{0}”"),
    (r"Thiếu cột unit_code \(mã đơn vị\)", "The unit_code (unit code) column is missing"),
    (r"Tối đa (\d+) dòng mỗi tệp", "At most {0} rows a file"),
    (r"Mã đơn vị không hợp lệ", "Not a valid unit code"),
    (
        r"ô có công thức nhưng chưa có giá trị \(mở và lưu bằng Excel, hoặc dán giá trị\)",
        "the cell has a formula but no value yet (open and save it in Excel, or paste the values)",
    ),
    (r"Mã (\S+) đã có ở dòng (\d+)", "Code {0} is already on row {1}"),
    (
        r"Không có đơn vị mã (\S+) trong phạm vi của bạn vào năm (\d+)",
        "No unit with code {0} inside your scope in {1}",
    ),
    (
        r"Không có đơn vị mã (\S+) trong phạm vi của bạn vào ngày (\S+)",
        "No unit with code {0} inside your scope on {1}",
    ),
    (
        r"Báo cáo năm (\d+) của (\S+) (đã nộp|đã phê duyệt); cần mở lại trước",
        lambda m: f"The {m[1]} report of {m[2]} is {_STATUS[m[3]]}; it must be reopened first",
    ),
    (
        r"Tệp có ([\d.]+) lỗi; chưa nhập (?:gì|dòng nào)\. Sửa các ô được chỉ ra rồi gửi lại\.",
        lambda m: (
            f"The file has {_n(m[1])} error{'' if m[1] == '1' else 's'}; nothing was imported. "
            "Fix the cells named and send it again."
        ),
    ),
    (r"Cần nhập (.+) trước khi nộp", "Enter “{0}” before submitting"),
    (r"Không được lớn hơn số đăng ký \(([\d.]+)\)", "Must not exceed the number registered ({0})"),
    (r"Không được lớn hơn (.+) \(([\d.]+)\)", "Must not exceed “{0}” ({1})"),
    (r"Báo cáo cấp xã có đúng 1 xã được đánh giá", "A commune's report rates exactly 1 commune"),
    (r"Cấp xã chỉ nhận 0 hoặc 1", "A commune takes only 0 or 1"),
    # api/awards/imports.py
    (r"Thiếu cột «(.+)» \(hoặc (\w+)\)", "The column «{0}» (or {1}) is missing"),
    (r"Phải từ (\d+) đến ([\d.]+) đồng", "Must be from {0} to {1} đồng"),
    (r"Ngày không hợp lệ \(YYYY-MM-DD hoặc dd/mm/yyyy\)", "Not a valid date (YYYY-MM-DD or dd/mm/yyyy)"),
    (r"Không được để trống", "Must not be empty"),
    (
        r"Đối tượng phải là: học sinh, sinh viên, giáo viên hoặc khác",
        "The recipient must be one of: học sinh (pupil), sinh viên (student), giáo viên (teacher) or khác (other)",
    ),
    (
        r"Không có loại khen thưởng “(.*)” \(ghi tên hoặc mã loại như trong danh sách của tệp mẫu\)",
        "No award category “{0}” (write a category's name or code as the template's list gives them)",
    ),
    (
        r"Mã riêng chứa ký tự ẩn U\+(\w+); hãy gõ lại mã chỉ bằng ký tự nhìn thấy được\.",
        "The external id holds an invisible character U+{0}; type it again with visible characters only.",
    ),
    (r"Năm phải từ (\d+) đến (\d+)", "The year must be from {0} to {1}"),
    (
        r"Kiểm tra xong ([\d.]+) dòng, không có lỗi \(chưa ghi gì\)\.",
        lambda m: f"Checked {_n(m[1])} row{'' if m[1] == '1' else 's'}, no errors (nothing saved).",
    ),
    (
        r"Kiểm tra xong ([\d.]+) dòng, không có lỗi \(chưa ghi gì\); ([\d.]+) dòng trùng sẽ được bỏ qua\.",
        "Checked {0} rows, no errors (nothing saved); {1} duplicate rows will be skipped.",
    ),
    (
        r"Kiểm tra xong ([\d.]+) dòng, không có lỗi \(chưa ghi gì\); ([\d.]+) dòng trùng sẽ vẫn được nhập\.",
        "Checked {0} rows, no errors (nothing saved); {1} duplicate rows will be imported as well.",
    ),
    (r"Đã nhập ([\d.]+) khen thưởng; bỏ qua ([\d.]+) dòng trùng\.", "Imported {0} awards; skipped {1} duplicate rows."),
    (r"Đã nhập ([\d.]+) khen thưởng\.", "Imported {0} awards."),
    (r"Đang chờ xử lý", "Waiting to start"),
    (r"Đang xử lý", "In progress"),
    (
        r"Việc nhập bị gián đoạn \(máy chủ dừng giữa chừng\); không có dòng nào được ghi\.",
        "The import was interrupted (the server stopped midway); no row was saved.",
    ),
    (r"Lỗi hệ thống khi nhập; không có dòng nào được ghi\.", "A system error during the import; no row was saved."),
]
_COMPILED = [(re.compile(pattern), english) for pattern, english in _MESSAGES]


def _known(msg: str) -> str | None:
    for pattern, english in _COMPILED:
        match = pattern.fullmatch(msg)
        if match is not None:
            if callable(english):
                return english(match)
            return english.format(*(_n(g) if g is not None else "" for g in match.groups()))
    return None


def english(msg: str) -> str:
    """The English of a known import message; the message itself when it is not known."""
    found = _known(msg)
    if found is not None:
        return found
    label, sep, rest = msg.partition(": ")
    if sep:
        tail = _known(rest)
        if tail is not None:
            return f"{label}: {tail}"
    return msg


def localize(msg: str, lang: str) -> str:
    return english(msg) if lang == ENGLISH else msg


def localize_errors(errors: Iterable[Mapping[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Import errors (dicts with ``msg``) with their ``msg`` in ``lang``; every other key unchanged."""
    if lang != ENGLISH:
        return [dict(e) for e in errors]
    return [{**e, "msg": english(str(e["msg"]))} if "msg" in e else dict(e) for e in errors]
