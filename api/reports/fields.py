"""The figures of an annual report (báo cáo thống kê năm): names, Vietnamese labels, rules.

One list drives the table, the API shapes, validation, CSV and Excel columns.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    name: str
    label: str  # Vietnamese, for forms, Excel and CSV headers
    money: bool = False


FIGURES: tuple[Figure, ...] = (
    Figure("population", "Dân số"),
    Figure("households", "Số hộ gia đình"),
    Figure("members", "Số hội viên"),
    Figure("branches", "Số chi hội"),
    Figure("boards", "Số ban khuyến học"),
    Figure("learning_citizens", "Công dân học tập được công nhận"),
    Figure("citizens_assessed", "Công dân thuộc diện đánh giá"),
    Figure("citizens_registered", "Công dân đăng ký"),
    Figure("learning_families", "Gia đình học tập được công nhận"),
    Figure("families_assessed", "Gia đình thuộc diện đánh giá"),
    Figure("families_registered", "Gia đình đăng ký"),
    Figure("learning_clans", "Dòng họ học tập được công nhận"),
    Figure("clans", "Số dòng họ"),
    Figure("clans_registered", "Dòng họ đăng ký"),
    Figure("learning_communities", "Cộng đồng học tập (thôn, tổ dân phố) được công nhận"),
    Figure("communities", "Số thôn, tổ dân phố"),
    Figure("communities_registered", "Cộng đồng đăng ký"),
    Figure("learning_units", "Đơn vị học tập được công nhận"),
    Figure("units_assessed", "Đơn vị thuộc diện đánh giá"),
    Figure("units_registered", "Đơn vị đăng ký"),
    Figure("communes_rated_learning_community", "Xã đạt cộng đồng học tập cấp xã"),
    Figure("communes", "Số xã được đánh giá"),
    Figure("fund_raised_vnd", "Quỹ khuyến học vận động trong năm (đồng)", money=True),
    Figure("fund_balance_vnd", "Số dư quỹ cuối năm (đồng)", money=True),
    Figure("awards_count", "Số suất khen thưởng, học bổng"),
    Figure("awards_vnd", "Tổng giá trị khen thưởng, học bổng (đồng)", money=True),
    Figure("emulation_flags", "Cờ thi đua"),
    Figure("medals", "Kỷ niệm chương"),
    Figure("certificates_of_merit", "Bằng khen"),
    Figure("inspections", "Số cuộc kiểm tra"),
)
FIGURE_NAMES: tuple[str, ...] = tuple(f.name for f in FIGURES)
LABELS = {f.name: f.label for f in FIGURES}

# numerator ≤ denominator; the denominator of families falls back to households.
RATIOS: tuple[tuple[str, str], ...] = (
    ("members", "population"),
    ("learning_citizens", "citizens_assessed"),
    ("learning_families", "families_assessed"),
    ("learning_clans", "clans"),
    ("learning_communities", "communities"),
    ("learning_units", "units_assessed"),
    ("communes_rated_learning_community", "communes"),
)
# registered ≤ denominator, and recognised ≤ registered when registered is given.
REGISTERED: tuple[tuple[str, str, str], ...] = (
    ("learning_citizens", "citizens_registered", "citizens_assessed"),
    ("learning_families", "families_registered", "families_assessed"),
    ("learning_clans", "clans_registered", "clans"),
    ("learning_communities", "communities_registered", "communities"),
    ("learning_units", "units_registered", "units_assessed"),
)
