"""Rules of a report's figures; every violation is reported at once, each naming its field."""

from __future__ import annotations

from collections.abc import Mapping

from api.core.errors import ErrorItem
from api.models import UnitLevel
from api.reports.fields import FIGURE_NAMES, LABELS, RATIOS, REGISTERED


def _vi(n: int) -> str:
    """9000 → "9.000", as Vietnamese write numbers."""
    return f"{n:,}".replace(",", ".")


def effective(figures: Mapping[str, int | None]) -> dict[str, int | None]:
    """The figures with defaults applied: families assessed defaults to households."""
    out = {name: figures.get(name) for name in FIGURE_NAMES}
    if out["families_assessed"] is None:
        out["families_assessed"] = out["households"]
    return out


def check(figures: Mapping[str, int | None], *, level: str, complete: bool, loc: str = "body") -> list[ErrorItem]:
    f = effective(figures)
    errors: list[ErrorItem] = []

    def err(field: str, msg: str, kind: str) -> None:
        errors.append(ErrorItem(loc=[loc, field], msg=msg, type=kind))

    if complete:
        for name in FIGURE_NAMES:
            if f[name] is None:
                err(name, f"Cần nhập {LABELS[name].lower()} trước khi nộp", "missing")
    for num, den in RATIOS:
        n, d = f[num], f[den]
        if n is not None and d is not None and n > d:
            err(num, f"Không được lớn hơn {LABELS[den].lower()} ({_vi(d)})", "exceeds_denominator")
    for recognised, registered, den in REGISTERED:
        r, g, d = f[recognised], f[registered], f[den]
        if g is not None and d is not None and g > d:
            err(registered, f"Không được lớn hơn {LABELS[den].lower()} ({_vi(d)})", "exceeds_denominator")
        if r is not None and g is not None and r > g:
            err(recognised, f"Không được lớn hơn số đăng ký ({_vi(g)})", "exceeds_registered")
    if level in (UnitLevel.commune, UnitLevel.village):
        if f["communes"] is not None and f["communes"] != 1 and level == UnitLevel.commune:
            err("communes", "Báo cáo cấp xã có đúng 1 xã được đánh giá", "commune_count")
        if f["communes_rated_learning_community"] is not None and f["communes_rated_learning_community"] > 1:
            err("communes_rated_learning_community", "Cấp xã chỉ nhận 0 hoặc 1", "commune_count")
    return errors
