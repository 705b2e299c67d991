"""Time to generate the year's report (HTML and PDF) of Thái Bình 2023 from a database with the demo data.

    KH_DATABASE_URL=sqlite:////tmp/kh.db python -m api.cli migrate && ... python -m api.cli demo load
    KH_DATABASE_URL=sqlite:////tmp/kh.db python -m bench.highlights_pdf [rounds]

Each round gathers the figures, renders the HTML and the PDF without the kept reports (the cost of the
first request after a change); then one kept answer. Prints the median and the slowest round (goal < 3 s).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time

from sqlalchemy.ext.asyncio import AsyncSession

from api.core.config import get_settings
from api.db.engine import make_engine
from api.public import report


async def main(rounds: int) -> None:
    engine = make_engine(get_settings().database_url)
    times: list[tuple[float, float, float]] = []
    async with AsyncSession(engine) as session:
        report.render_pdf("<p>warm-up: Pango and the fonts</p>")  # once per worker, at its first PDF
        for _ in range(rounds):
            t0 = time.perf_counter()
            data = await report.gather(session, "34", 2023, None)
            t1 = time.perf_counter()
            document = report.render_html(data)
            t2 = time.perf_counter()
            pdf = report.render_pdf(document)
            t3 = time.perf_counter()
            times.append((t1 - t0, t2 - t1, t3 - t2))
        report.KEPT.clear()
        await report.report(session, code="34", year=2023, as_of=None, fmt="pdf")
        kept_times = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            await report.report(session, code="34", year=2023, as_of=None, fmt="pdf")
            kept_times.append(time.perf_counter() - t0)
        kept = statistics.median(kept_times)
    await engine.dispose()
    total = [sum(t) for t in times]
    print(f"rounds={rounds} pdf_bytes={len(pdf)}")
    print(f"gather  median {statistics.median(t[0] for t in times):.3f} s")
    print(f"html    median {statistics.median(t[1] for t in times):.3f} s")
    print(f"pdf     median {statistics.median(t[2] for t in times):.3f} s")
    print(f"total   median {statistics.median(total):.3f} s, slowest {max(total):.3f} s (goal < 3 s)")
    print(f"kept    median {kept * 1000:.1f} ms (checked against the data version, not rendered)")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
