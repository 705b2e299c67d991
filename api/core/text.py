"""Vietnamese text helpers."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field
from pydantic.config import JsonDict
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


def _refuse_null(value: object) -> object:
    if value is None:
        raise PydanticCustomError("null", "Không được để trống (bỏ trường này nếu không đổi)")
    return value


def _offer_no_null(schema: JsonDict) -> None:
    options = schema.pop("anyOf", None)
    if isinstance(options, list):
        kept = [o for o in options if not (isinstance(o, dict) and o.get("type") == "null")]
        if len(kept) == 1 and isinstance(kept[0], dict):
            schema.update(kept[0])
        else:
            schema["anyOf"] = kept
    if schema.get("default", "") is None:
        del schema["default"]


# A PATCH field the record cannot lack: left out, it is unchanged; null is refused (422 naming it), and the
# document does not offer null for it (typed clients and schemathesis read the same rule the server keeps).
NotNull = (BeforeValidator(_refuse_null), Field(json_schema_extra=_offer_no_null))


# Unit codes as the official lists make them: a province has 2 digits, a district 3, a commune 5, never all zeros
# (4 digits name nothing); a village made locally is its commune's code, "-" and up to 12 letters or digits. The
# schema says exactly this, so a code it offers is one the server reads (a code that names no unit on the date
# asked is still a 422 naming the field: no pattern can know the map).
_ADMIN_CODE = (
    r"(0[1-9]|[1-9][0-9]"  # province
    r"|00[1-9]|0[1-9][0-9]|[1-9][0-9]{2}"  # district
    r"|0000[1-9]|000[1-9][0-9]|00[1-9][0-9]{2}|0[1-9][0-9]{3}|[1-9][0-9]{4})"  # commune
)
ADMIN_CODE_PATTERN = f"^{_ADMIN_CODE}$"
UNIT_CODE_PATTERN = f"^{_ADMIN_CODE}(-[0-9A-Za-z]{{1,12}})?$"
