"""The year's report ("những dấu ấn nổi bật"): the article's sections generated from a published unit-year.

One HTML document (charts drawn here as SVG, a print stylesheet) that the browser shows and WeasyPrint
turns into the PDF, with DejaVu Sans (Debian's ``fonts-dejavu-core``, full Vietnamese coverage) embedded.
Every page carries the date, the sources and the approval status (a fixed footer: Chromium and WeasyPrint
repeat it on each printed page). Only aggregates: counts of inspections by kind (never the names of the
families or citizens inspected), the agreements' parties (organisations), the activities' titles.

Answers are kept per worker until the data they are made from changes (the statistics' data version,
api/stats/cache.py, and the version of the registries of the place's year).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import html
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.text import today_vn
from api.models import Activity, Fund, FundEntry, Inspection, Partnership, Publication, Unit
from api.public import service
from api.stats import cache, rollup
from api.stats.schemas import Highlight, HighlightsOut, Rate

FONT_FAMILY = "DejaVu Sans"
SOURCE = "Nền tảng dữ liệu Hội Khuyến học — báo cáo thống kê năm đã phê duyệt"


# ---- Vietnamese numbers ---------------------------------------------------------------------------------


def vn_int(value: int | float | None) -> str:
    """662525 → "662.525" (Vietnamese groups thousands with dots)."""
    if value is None:
        return "—"
    return f"{round(value):,}".replace(",", ".")


def vn_decimal(value: float, digits: int = 1) -> str:
    text = f"{value:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def vn_percent(rate: float | None, digits: int = 1) -> str:
    """0.349 → "34,9 %"."""
    return "—" if rate is None else f"{vn_decimal(rate * 100, digits)} %"


def vn_money(vnd: int | None) -> str:
    """163_250_000_000 → "163,25 tỷ đồng"; 300_000_000 → "300 triệu đồng"."""
    if vnd is None:
        return "—"
    for size, word in ((10**9, "tỷ"), (10**6, "triệu")):
        if abs(vnd) >= size:
            amount = vnd / size
            text = vn_decimal(amount, 2).rstrip("0").rstrip(",")
            return f"{text} {word} đồng"
    return f"{vn_int(vnd)} đồng"


def vn_date(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


# ---- the data ---------------------------------------------------------------------------------------------


@dataclass
class Registries:
    inspections: list[tuple[str, dict[str, int]]] = field(default_factory=list)  # by inspecting body
    communes_inspected: int = 0
    partnerships: list[tuple[str, list[str], dt.date | None]] = field(default_factory=list)
    activities: list[tuple[str, str, int | None]] = field(default_factory=list)  # kind, title, articles
    # The place's own funds (kept at its own unit, not its communes'): name, owner kind, in and out in the year.
    own_funds: list[tuple[str, str, int, int]] = field(default_factory=list)


@dataclass
class ReportData:
    highlights: HighlightsOut
    registries: Registries
    published_on: dt.date | None
    made_on: dt.date

    def item(self, key: str) -> Highlight:
        return next(h for h in self.highlights.items if h.key == key)

    def total(self, key: str) -> int | None:
        value = self.item(key).value
        return value if isinstance(value, int) else None

    def rate(self, key: str) -> float | None:
        value = self.item(key).value
        return value.value if isinstance(value, Rate) else None


def _under(column: Any, paths: Sequence[str]) -> Any:
    return or_(*(column.like(f"{p}%") for p in paths))


async def registries_of(session: AsyncSession, paths: Sequence[str], year: int) -> Registries:
    out = Registries()
    if not paths:
        return out
    kinds = (
        select(
            Inspection.inspecting_body,
            Unit.level,
            Inspection.subject_kind,
            func.count(),
            func.count(func.distinct(Inspection.unit_id)),
        )
        .join(Unit, Unit.id == Inspection.unit_id)
        .where(Inspection.year == year, _under(Inspection.unit_path, paths))
        .group_by(Inspection.inspecting_body, Unit.level, Inspection.subject_kind)
        .order_by(Inspection.inspecting_body)
    )
    by_body: dict[str, dict[str, int]] = {}
    for body, level, kind, rows, units in (await session.execute(kinds)).all():
        model = kind in ("family", "clan", "citizen")
        if model:
            column, n = "models", rows  # models are counted
        elif kind == "unit" and level == "district":
            column, n = "commune", rows  # a district's association inspecting its communes (one row each)
        else:
            column, n = level, units  # units once each
        counts = by_body.setdefault(body or "—", {})
        counts[column] = counts.get(column, 0) + n
    out.inspections = sorted(by_body.items(), key=lambda kv: -sum(kv[1].values()))
    direct = int(
        await session.scalar(
            select(func.count(func.distinct(Inspection.unit_id)))
            .join(Unit, Unit.id == Inspection.unit_id)
            .where(Inspection.year == year, Unit.level == "commune", _under(Inspection.unit_path, paths))
        )
        or 0
    )
    # A district's association inspecting one of its communes is recorded at the district, subject "unit".
    by_districts = int(
        await session.scalar(
            select(func.count())
            .select_from(Inspection)
            .join(Unit, Unit.id == Inspection.unit_id)
            .where(
                Inspection.year == year,
                Unit.level == "district",
                Inspection.subject_kind == "unit",
                _under(Inspection.unit_path, paths),
            )
        )
        or 0
    )
    out.communes_inspected = direct + by_districts
    agreements = select(Partnership.title, Partnership.parties, Partnership.signed_on).where(
        Partnership.year == year, _under(Partnership.unit_path, paths)
    )
    out.partnerships = [
        (t, list(p or []), s) for t, p, s in (await session.execute(agreements.order_by(Partnership.id))).all()
    ]
    acts = select(Activity.kind, Activity.title, Activity.articles).where(
        Activity.year == year, _under(Activity.unit_path, paths)
    )
    out.activities = [(k, t, a) for k, t, a in (await session.execute(acts.order_by(Activity.id))).all()]
    flows = (
        select(
            Fund.name,
            Fund.owner_kind,
            func.coalesce(func.sum(case((FundEntry.amount_vnd > 0, FundEntry.amount_vnd), else_=0)), 0),
            func.coalesce(func.sum(case((FundEntry.kind == "disbursement", -FundEntry.amount_vnd), else_=0)), 0),
        )
        .join(FundEntry, FundEntry.fund_id == Fund.id)
        .where(Fund.unit_path.in_(paths), FundEntry.year == year, FundEntry.kind.in_(("contribution", "disbursement")))
        .group_by(Fund.id, Fund.name, Fund.owner_kind)
        .order_by(Fund.id)
    )
    out.own_funds = [(n, k, int(i), int(o)) for n, k, i, o in (await session.execute(flows)).all()]
    return out


async def registry_version(session: AsyncSession, year: int) -> tuple[Any, ...]:
    """What the registries' part of the year's reports is made from (any place: one cheap statement)."""
    parts: list[Any] = []
    for model in (Inspection, Partnership, Activity):  # updated in place: their versions and update times too
        parts += [
            select(func.count(model.id)).where(model.year == year).scalar_subquery(),
            select(func.coalesce(func.sum(model.version), 0)).where(model.year == year).scalar_subquery(),
            select(func.max(model.updated_at)).where(model.year == year).scalar_subquery(),
        ]
    # Ledger entries are never changed (only added, and reversed by new entries).
    parts += [
        select(func.count(FundEntry.id)).where(FundEntry.year == year).scalar_subquery(),
        select(func.coalesce(func.sum(FundEntry.id), 0)).where(FundEntry.year == year).scalar_subquery(),
    ]
    return tuple((await session.execute(select(*parts))).one())


async def gather(session: AsyncSession, code: str, year: int, as_of: dt.date | None) -> ReportData:
    highlights = await service.highlights(session, code=code, year=year, as_of=as_of)  # 404 unless published
    place = await service.place_for(session, code, year, as_of)
    assert place.unit is not None
    paths = [s.path for s in await rollup.sources(session, place.unit, rollup.year_end(year))]
    stmt = select(Publication.unit_path, Publication.published_at).where(Publication.year == year)
    dates = [at for path, at in (await session.execute(stmt)).all() if any(p.startswith(path) for p in paths)]
    return ReportData(
        highlights=highlights,
        registries=await registries_of(session, paths, year),
        published_on=max(dates).date() if dates else None,
        made_on=today_vn(),
    )


# ---- charts (SVG) -----------------------------------------------------------------------------------------

RATES = (
    ("learning_citizen_rate", "Công dân học tập"),
    ("learning_family_rate", "Gia đình học tập"),
    ("learning_clan_rate", "Dòng họ học tập"),
    ("learning_community_rate", "Cộng đồng học tập"),
    ("learning_unit_rate", "Đơn vị học tập"),
    ("commune_learning_community_rate", "Cộng đồng học tập cấp xã"),
)


def rates_chart(data: ReportData) -> str:
    """Horizontal bars: each model's rate, with the 387/677 target as a mark."""
    row, left, width = 34, 200, 380
    height = row * len(RATES) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {left + width + 90} {height}" '
        f'role="img" aria-label="Tỷ lệ các mô hình học tập so với chỉ tiêu" class="chart">'
    ]
    for i, (key, label) in enumerate(RATES):
        y = 10 + i * row
        rate = data.rate(key) or 0.0
        target = data.item(key).target
        parts.append(f'<text x="{left - 8}" y="{y + 17}" text-anchor="end" class="lbl">{html.escape(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y + 4}" width="{width}" height="18" class="track"/>')
        parts.append(
            f'<rect x="{left}" y="{y + 4}" width="{round(width * min(rate, 1.0), 1)}" height="18" class="bar"/>'
        )
        if target is not None:
            tx = round(left + width * min(target, 1.0), 1)
            parts.append(f'<line x1="{tx}" x2="{tx}" y1="{y}" y2="{y + 26}" class="target"/>')
        parts.append(f'<text x="{left + width + 8}" y="{y + 17}" class="val">{vn_percent(data.rate(key))}</text>')
    parts.append(
        f'<text x="{left}" y="{height - 4}" class="note">'
        "Vạch đen: chỉ tiêu theo Quyết định 387/QĐ-TTg, 677/QĐ-TTg</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


def members_chart(data: ReportData) -> str:
    """Two columns: members last year and this year."""
    item = data.item("members")
    now = item.value if isinstance(item.value, int) else 0
    before = item.previous if isinstance(item.previous, int) else None
    values = [(str(data.highlights.year - 1), before), (str(data.highlights.year), now)]
    top = max(v or 0 for _, v in values) or 1
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 200" role="img" '
        'aria-label="Số hội viên hai năm" class="chart small">'
    ]
    for i, (label, value) in enumerate(values):
        x = 50 + i * 130
        h = round(140 * (value or 0) / top, 1)
        parts.append(f'<rect x="{x}" y="{160 - h}" width="90" height="{h}" class="bar{" prev" if i == 0 else ""}"/>')
        parts.append(f'<text x="{x + 45}" y="{150 - h}" text-anchor="middle" class="val">{vn_int(value)}</text>')
        parts.append(f'<text x="{x + 45}" y="180" text-anchor="middle" class="lbl">{label}</text>')
    parts.append("</svg>")
    return "".join(parts)


# ---- the document -----------------------------------------------------------------------------------------

STYLE = f"""
@page {{ size: A4; margin: 18mm 16mm 26mm 16mm; }}
html {{ font-family: "{FONT_FAMILY}", "Noto Sans", sans-serif; font-size: 10.5pt; color: #1b1b1b; }}
body {{ margin: 0 auto; max-width: 190mm; }}
h1 {{ font-size: 18pt; margin: 0 0 2mm; color: #8a1c1c; }}
h2 {{ font-size: 12.5pt; margin: 6mm 0 2mm; border-bottom: 1px solid #ccc; color: #8a1c1c; break-after: avoid; }}
.lead {{ color: #444; margin: 0 0 4mm; }}
section {{ break-inside: avoid; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border: 1px solid #ccc; padding: 1.5mm 2mm; text-align: left; }}
td.n {{ text-align: right; white-space: nowrap; }}
.big {{ font-size: 13pt; font-weight: bold; }}
.met {{ color: #1d6b2f; }} .unmet {{ color: #a33; }}
svg.chart {{ width: 100%; max-width: 170mm; height: auto; }}
svg.chart.small {{ max-width: 80mm; }}
svg .bar {{ fill: #c0392b; }} svg .bar.prev {{ fill: #e6a19a; }} svg .track {{ fill: #f1e6e4; }}
svg .target {{ stroke: #1b1b1b; stroke-width: 2; }}
svg text {{ font-family: "{FONT_FAMILY}", sans-serif; font-size: 11px; fill: #1b1b1b; }}
svg .note {{ font-size: 9px; fill: #555; }}
footer.page {{ position: fixed; bottom: -18mm; left: 0; right: 0; font-size: 8pt; color: #555;
  border-top: 1px solid #ccc; padding-top: 1mm; }}
@media screen {{ body {{ padding: 8mm; }} footer.page {{ position: static; margin-top: 10mm; }} }}
@media print {{ a {{ color: inherit; text-decoration: none; }} }}
"""


def _section(title: str, body: str) -> str:
    return f"<section><h2>{html.escape(title)}</h2>{body}</section>"


def _met(item: Highlight) -> str:
    if item.meets_target is None:
        return ""
    target = vn_percent(item.target, 0) if item.kind == "rate" else vn_int(item.target)
    word = "đạt" if item.meets_target else "chưa đạt"
    return f' <span class="{"met" if item.meets_target else "unmet"}">({word} chỉ tiêu {target})</span>'


def _own_funds(data: ReportData) -> str:
    """The place's own funds: the association's (raised and given) and the budget's (and per commune)."""
    lines = []
    communes = data.highlights.coverage.expected
    for name, owner, raised, given in data.registries.own_funds:
        if owner == "association":
            lines.append(f"{html.escape(name)}: huy động {vn_money(raised)}, trao thưởng {vn_money(given)}.")
        elif communes:
            each = vn_money(raised // communes)
            lines.append(f"{html.escape(name)}: {vn_money(raised)}, bình quân {each} mỗi xã, phường, thị trấn.")
    return "".join(f"<p>{line}</p>" for line in lines)


def render_html(data: ReportData) -> str:
    h = data.highlights
    esc = html.escape
    year = h.year
    members = data.item("members")
    rate = data.item("membership_rate")
    change = rate.change_vs_previous_year
    change_text = (
        ""
        if change is None
        else f" ({'tăng' if change >= 0 else 'giảm'} {vn_decimal(abs(change))} % so với năm {year - 1})"
    )
    status = (
        f"Số liệu từ {vn_int(h.coverage.reports)} báo cáo đã phê duyệt, "
        f"{vn_int(h.coverage.counted)}/{vn_int(h.coverage.expected)} xã"
        + (f"; công bố ngày {vn_date(data.published_on)}" if data.published_on else "")
    )
    footer = (
        f'<footer class="page">{esc(h.unit_name)} — năm {year} · '
        f"Trạng thái: đã phê duyệt, đã công bố ({esc(status)}) · "
        f"Nguồn: {esc(SOURCE)} · Lập ngày {vn_date(data.made_on)}</footer>"
    )
    sections = []
    sections.append(
        _section(
            "Tổ chức hội và hội viên",
            f'<p>Năm {year}, {esc(h.unit_name)} có <span class="big">{vn_int(data.total("branches"))}</span> chi hội, '
            f'<span class="big">{vn_int(data.total("boards"))}</span> ban khuyến học; số hội viên là '
            f'<span class="big">{vn_int(members.value if isinstance(members.value, int) else None)}</span>, đạt '
            f'<span class="big">{vn_percent(data.rate("membership_rate"))}</span> dân số{change_text}.</p>'
            + members_chart(data),
        )
    )
    rows = "".join(
        f"<tr><td>{esc(label)}</td><td class='n'>{vn_percent(data.rate(key))}</td>"
        f"<td class='n'>{vn_percent(data.item(key).target, 0) if data.item(key).target is not None else '—'}</td>"
        f"<td>{_met(data.item(key)).strip() or '—'}</td></tr>"
        for key, label in RATES
    )
    sections.append(
        _section(
            "Xây dựng các mô hình học tập (Quyết định 387/QĐ-TTg, 677/QĐ-TTg)",
            rates_chart(data)
            + f"<table><tr><th>Mô hình</th><th>Tỷ lệ</th><th>Chỉ tiêu</th><th>Kết quả</th></tr>{rows}</table>",
        )
    )
    sections.append(
        _section(
            "Quỹ khuyến học và khen thưởng",
            "<p>Tổng số quỹ khuyến học vận động trong năm đạt "
            f'<span class="big">{vn_money(data.total("fund_raised_vnd"))}</span>. '
            f'Đã trao <span class="big">{vn_int(data.total("awards_count"))}</span> suất khen thưởng, học bổng '
            f"với tổng giá trị {vn_money(data.total('awards_vnd'))}.</p>" + _own_funds(data),
        )
    )
    sections.append(
        _section(
            "Thi đua, khen thưởng",
            f"<ul><li>{vn_int(data.total('emulation_flags'))} cờ thi đua</li>"
            f"<li>{vn_int(data.total('medals'))} kỷ niệm chương “Vì sự nghiệp khuyến học”</li>"
            f"<li>{vn_int(data.total('certificates_of_merit'))} bằng khen</li></ul>",
        )
    )
    reg = data.registries
    inspection_rows = "".join(
        f"<tr><td>{esc(body)}</td><td class='n'>{vn_int(c.get('district', 0))}</td>"
        f"<td class='n'>{vn_int(c.get('commune', 0))}</td><td class='n'>{vn_int(c.get('models', 0))}</td></tr>"
        for body, c in reg.inspections
    )
    expected = h.coverage.expected
    inspected = min(reg.communes_inspected, expected)
    share = inspected / expected if expected else None
    inspections = (
        f"<p>Số cuộc kiểm tra theo báo cáo: {vn_int(data.total('inspections'))}. "
        f"Đơn vị cấp xã được kiểm tra: {vn_int(inspected)}/{vn_int(expected)} "
        f"({vn_percent(share, 0)}).</p>"
    )
    if inspection_rows:
        inspections += (
            "<table><tr><th>Đơn vị kiểm tra</th><th>Cấp huyện</th><th>Cấp xã</th>"
            f"<th>Mô hình tiêu biểu</th></tr>{inspection_rows}</table>"
        )
    sections.append(_section("Kiểm tra, đôn đốc", inspections))
    agreements = "".join(
        f"<li>{esc(title)}" + (f" — {esc(', '.join(parties))}" if parties else "") + "</li>"
        for title, parties, _ in reg.partnerships
    )
    activities = "".join(
        f"<li>{esc(title)}" + (f" ({vn_int(articles)} bài viết)" if articles else "") + "</li>"
        for _, title, articles in reg.activities
    )
    sections.append(
        _section(
            "Phối hợp và các hoạt động khác",
            f"<p>Ký kết phối hợp: {vn_int(len(reg.partnerships))} văn bản.</p>"
            + (f"<ul>{agreements}</ul>" if agreements else "")
            + (f"<p>Hoạt động:</p><ul>{activities}</ul>" if activities else ""),
        )
    )
    title = f"Những dấu ấn nổi bật năm {year} — {h.unit_name}"
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{esc(title)}</title>'
        f"<style>{STYLE}</style></head><body>{footer}"
        f"<h1>{esc(title)}</h1>"
        f'<p class="lead">Công tác khuyến học, khuyến tài, xây dựng xã hội học tập năm {year}: '
        f"số liệu tổng hợp từ báo cáo thống kê năm đã phê duyệt và công bố của {esc(h.unit_name)}.</p>"
        + "".join(sections)
        + "</body></html>"
    )


def render_pdf(document: str) -> bytes:
    from weasyprint import HTML  # imported on first use: Pango is loaded only by the PDF

    return bytes(HTML(string=document).write_pdf())


# ---- kept answers -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Made:
    version: tuple[Any, ...]
    body: bytes
    etag: str
    created: float


class Reports:
    """The generated reports of this worker, kept until their data changes (and at most ``MAX_AGE``)."""

    MAX = 64
    MAX_AGE = cache.MAX_AGE

    def __init__(self) -> None:
        self._kept: OrderedDict[tuple[Any, ...], Made] = OrderedDict()

    def get(self, key: tuple[Any, ...], version: tuple[Any, ...]) -> Made | None:
        made = self._kept.get(key)
        if made is None or made.version != version or time.monotonic() - made.created > self.MAX_AGE:
            return None
        self._kept.move_to_end(key)
        return made

    def put(self, key: tuple[Any, ...], version: tuple[Any, ...], body: bytes) -> Made:
        made = Made(version, body, f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"', time.monotonic())
        self._kept[key] = made
        while len(self._kept) > self.MAX:
            self._kept.popitem(last=False)
        return made

    def clear(self) -> None:
        self._kept.clear()


KEPT = Reports()


async def report(session: AsyncSession, *, code: str, year: int, as_of: dt.date | None, fmt: str) -> Made:
    """The report as HTML or PDF bytes, from the kept ones when nothing it is made from has changed."""
    _, stats_version = await cache.data_version(session, (year - 1, year))
    version = (stats_version, await registry_version(session, year), today_vn())
    key = (code, year, as_of, fmt)
    made = KEPT.get(key, version)
    if made is not None:
        return made
    document = render_html(await gather(session, code, year, as_of))
    # Half a second of CPU: off the event loop, as the Excel imports are.
    body = await asyncio.to_thread(render_pdf, document) if fmt == "pdf" else document.encode()
    return KEPT.put(key, version, body)
