"""The year's report of a published unit, as HTML and as PDF: the article's figures as Vietnamese writes them."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx

from api.public import report
from api.public.report import vn_int, vn_money, vn_percent

URL = "/api/v1/public/reports/34/2023/highlights"
ARTICLE = (
    "662.525",
    "34,9 %",
    "2.576",
    "163,25 tỷ",
    "224.729",
    "17 cờ thi đua",
    "146 kỷ niệm chương",
    "82 bằng khen",
)
# The rest of the article, from the demo registries (api/demo/article.py).
REGISTRIES = (
    "Ký kết phối hợp: 7 văn bản",
    "Hội Khuyến học tỉnh Hà Nam",
    "Hội Khuyến học thành phố Hà Nội",
    "Tình khuyến học",
    "giải nhì",
    "Đơn vị cấp xã được kiểm tra: 242/242 (100 %)",
    "huy động 300,5 triệu đồng",
    "bình quân 3 triệu đồng mỗi xã",
)


def _run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, check=True, text=True).stdout


def test_vietnamese_numbers() -> None:
    assert vn_int(662_525) == "662.525"
    assert vn_percent(0.349) == "34,9 %"
    assert vn_money(163_250_000_000) == "163,25 tỷ đồng"
    assert vn_money(300_000_000) == "300 triệu đồng"
    assert vn_money(118_300_000_000) == "118,3 tỷ đồng"


async def test_html_report_has_the_article(anon: httpx.AsyncClient) -> None:
    report.KEPT.clear()
    r = await anon.get(URL)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["cache-control"].startswith("public")
    text = r.text
    for figure in ARTICLE + REGISTRIES:
        assert figure in text, figure
    assert "<td>Hội Khuyến học tỉnh Thái Bình</td><td class='n'>8</td><td class='n'>8</td><td class='n'>15</td>" in text
    assert "<svg" in text and "Trạng thái: đã phê duyệt, đã công bố" in text and "Nguồn:" in text
    again = await anon.get(URL, headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304


async def test_unpublished_report_is_not_found(anon: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    assert (await anon.get(URL)).status_code == 200
    assert (await client.delete("/api/v1/reports/34/2023/publish")).status_code == 204
    r = await anon.get(URL)
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    assert (await anon.get("/api/v1/public/reports/35/2023/highlights?format=pdf")).status_code == 404


async def test_pdf_report_text_has_the_article(anon: httpx.AsyncClient, tmp_path: Path) -> None:
    report.KEPT.clear()
    started = time.perf_counter()
    r = await anon.get(URL, params={"format": "pdf"})
    took = time.perf_counter() - started
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf" and r.content.startswith(b"%PDF")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(r.content)
    text = _run("pdftotext", "-layout", str(pdf), "-")
    flat = " ".join(text.split())
    for figure in ARTICLE:
        assert figure in flat, f"{figure} not in the PDF text"
    pages = text.count("\f") or 1
    assert flat.count("Trạng thái: đã phê duyệt") >= pages  # the status on every page
    fonts = _run("pdffonts", str(pdf))
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and all("DejaVu" in row[0] and row[-5] == "yes" for row in rows), fonts  # DejaVu, embedded
    # Kept until the data changes: the second answer is the same bytes, without rendering again.
    started = time.perf_counter()
    again = await anon.get(URL, params={"format": "pdf"})
    assert again.content == r.content and time.perf_counter() - started < took
