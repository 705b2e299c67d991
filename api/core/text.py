"""Vietnamese text helpers."""

from __future__ import annotations

import datetime as dt
import unicodedata


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
