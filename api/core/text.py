"""Vietnamese text helpers."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BeforeValidator
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


EARLIEST_YEAR, LATEST_YEAR = 1900, 2100  # no record of the associations lies outside these years


def _iso_date(value: object) -> object:
    # pydantic would read "0" or "1700000000" as a Unix time; a date sent to us is written YYYY-MM-DD.
    if isinstance(value, dt.date):  # from Python or the database, not from a client
        return value
    if isinstance(value, int | float) or (isinstance(value, str) and not _ISO_DATE.fullmatch(value)):
        raise PydanticCustomError("date_format", "Ngày phải viết dạng YYYY-MM-DD, ví dụ 2024-12-31.")
    # 0001-01-01 became -infinity in PostgreSQL and 9999-12-31 overflows date arithmetic: refuse both.
    if isinstance(value, str) and not EARLIEST_YEAR <= int(value[:4]) <= LATEST_YEAR:
        raise PydanticCustomError(
            "date_range", f"Ngày phải nằm trong các năm {EARLIEST_YEAR}–{LATEST_YEAR}, ví dụ 2024-12-31."
        )
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
"""A date sent by a client (query or body): YYYY-MM-DD between 1900 and 2100. Numbers are refused rather
than read as Unix times."""

_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}.*")


def _iso_datetime(value: object) -> object:
    # As for dates: "0.5" would be half a second after 1970, not a time anybody meant.
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATETIME.fullmatch(value):
        raise PydanticCustomError(
            "datetime_format", "Thời điểm phải viết theo RFC 3339, ví dụ 2025-01-01T00:00:00+07:00."
        )
    if not EARLIEST_YEAR <= int(value[:4]) <= LATEST_YEAR:
        raise PydanticCustomError("date_range", f"Thời điểm phải nằm trong các năm {EARLIEST_YEAR}–{LATEST_YEAR}.")
    return value


IsoDateTime = Annotated[AwareDatetime, BeforeValidator(_iso_datetime)]
"""A moment sent by a client: RFC 3339 with its offset, between 1900 and 2100; numbers are refused."""


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
