"""Vietnamese text helpers."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError


def fold(text: str) -> str:
    """Lower case without diacritics, for search: "Tỉnh Thái Bình" → "tinh thai binh"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def like_escape(text: str) -> str:
    """Escape LIKE wildcards (use with ``escape='\\\\'``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


VIETNAM_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")  # no daylight saving in Vietnam


def today_vn() -> dt.date:
    """Today's date in Vietnam, the default for ?as_of=."""
    return dt.datetime.now(VIETNAM_TZ).date()


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: object) -> object:
    # pydantic would read "0" or "1700000000" as a Unix time; a date in a query is written YYYY-MM-DD.
    if isinstance(value, int | float) or (isinstance(value, str) and not _ISO_DATE.fullmatch(value)):
        raise PydanticCustomError("date_format", "Ngày phải viết dạng YYYY-MM-DD, ví dụ 2024-12-31.")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
"""A date given as YYYY-MM-DD (query parameters): numbers are refused rather than read as Unix times."""


def clean_external_id(value: str) -> str:
    """A partner's id in one form: NFC (so "Hòa" typed on two keyboards is one id), with no invisible
    character (zero-width spaces, direction marks, control characters, NUL): two ids that look the
    same are the same record, or one of them is refused. ValueError names the character."""
    if value.isascii() and value.isprintable():
        return value
    value = unicodedata.normalize("NFC", value)
    for ch in value:
        kind = unicodedata.category(ch)
        if kind[0] == "C" or kind in ("Zl", "Zp") or (kind == "Zs" and ch != " "):
            raise ValueError(f"Mã riêng chứa ký tự ẩn U+{ord(ch):04X}; hãy gõ lại mã chỉ bằng ký tự nhìn thấy được.")
    return value


def _external_id(value: str) -> str:
    try:
        return clean_external_id(value)
    except ValueError as exc:
        raise PydanticCustomError("external_id_invisible", str(exc)) from None


ExternalIdText = Annotated[str, AfterValidator(_external_id)]
"""Every external_id a caller sends (bodies, paths, imports): NFC, no invisible characters."""
