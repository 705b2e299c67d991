"""The title and description of an open-data page (/cong-khai/{unit}/{year}) for its Open Graph tags."""

from __future__ import annotations

from fastapi import Request

from api.core.errors import AppError
from api.public import report, service
from api.stats.schemas import Rate


async def page_meta(request: Request, code: str, year: int) -> tuple[str, str] | None:
    """(title, description) of a published unit-year, from the public highlights; None when not public."""
    async with request.app.state.db.sessionmaker() as session:
        try:
            h = await service.highlights(session, code=code, year=year, as_of=None)
        except AppError:
            return None
    items = {i.key: i for i in h.items}
    members = items["members"].value
    rate = items["membership_rate"].value
    parts = []
    if isinstance(members, int):
        parts.append(f"{report.vn_int(members)} hội viên")
    if isinstance(rate, Rate) and rate.value is not None:
        parts.append(f"đạt {report.vn_percent(rate.value)} dân số")
    fund = items["fund_raised_vnd"].value
    if isinstance(fund, int):
        parts.append(f"quỹ khuyến học {report.vn_money(fund)}")
    awards = items["awards_count"].value
    if isinstance(awards, int):
        parts.append(f"{report.vn_int(awards)} suất khen thưởng, học bổng")
    title = f"Khuyến học {h.unit_name} năm {year}: số liệu công khai"
    description = f"Năm {year}, {h.unit_name}: " + "; ".join(parts) + ". Số liệu từ báo cáo năm đã phê duyệt."
    return title, description
