"""The indicators (chỉ tiêu): rates summed as numerator over denominator, and totals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Indicator:
    name: str
    label: str
    kind: Literal["rate", "total", "per_capita"]
    numerator: str
    denominator: str | None = None


INDICATORS: tuple[Indicator, ...] = (
    Indicator("membership_rate", "Tỷ lệ hội viên trên dân số", "rate", "members", "population"),
    Indicator("learning_citizen_rate", "Tỷ lệ công dân học tập", "rate", "learning_citizens", "citizens_assessed"),
    Indicator("learning_family_rate", "Tỷ lệ gia đình học tập", "rate", "learning_families", "families_assessed"),
    Indicator("learning_clan_rate", "Tỷ lệ dòng họ học tập", "rate", "learning_clans", "clans"),
    Indicator(
        "learning_community_rate",
        "Tỷ lệ cộng đồng học tập (thôn, tổ dân phố)",
        "rate",
        "learning_communities",
        "communities",
    ),
    Indicator("learning_unit_rate", "Tỷ lệ đơn vị học tập", "rate", "learning_units", "units_assessed"),
    Indicator(
        "commune_learning_community_rate",
        "Tỷ lệ xã đạt cộng đồng học tập cấp xã",
        "rate",
        "communes_rated_learning_community",
        "communes",
    ),
    Indicator(
        "fund_raised_per_capita_vnd",
        "Quỹ vận động bình quân đầu người (đồng)",
        "per_capita",
        "fund_raised_vnd",
        "population",
    ),
    Indicator("members", "Số hội viên", "total", "members"),
    Indicator("branches", "Số chi hội", "total", "branches"),
    Indicator("boards", "Số ban khuyến học", "total", "boards"),
    Indicator("fund_raised_vnd", "Quỹ khuyến học vận động trong năm (đồng)", "total", "fund_raised_vnd"),
    Indicator("fund_balance_vnd", "Số dư quỹ khuyến học (đồng)", "total", "fund_balance_vnd"),
    Indicator("awards_count", "Số suất khen thưởng, học bổng", "total", "awards_count"),
    Indicator("awards_vnd", "Tổng giá trị khen thưởng, học bổng (đồng)", "total", "awards_vnd"),
    Indicator("emulation_flags", "Cờ thi đua", "total", "emulation_flags"),
    Indicator("medals", "Kỷ niệm chương", "total", "medals"),
    Indicator("certificates_of_merit", "Bằng khen", "total", "certificates_of_merit"),
    Indicator("inspections", "Số cuộc kiểm tra", "total", "inspections"),
)
BY_NAME = {i.name: i for i in INDICATORS}
RATE_NAMES = tuple(i.name for i in INDICATORS if i.kind == "rate")


def per_capita(total: int, population: int) -> int | None:
    """Integer đồng per head, rounded half up."""
    if population <= 0:
        return None
    return (2 * total + population) // (2 * population)
