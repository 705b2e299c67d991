"""Sizes of the synthetic data set and of the load runs, and where the benchmark database lives."""

from __future__ import annotations

import hashlib
import os
from dataclasses import asdict, dataclass

ADMIN_URL = os.environ.get("KH_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SEED = 20251231


@dataclass(frozen=True)
class Size:
    name: str
    first_year: int  # reports from this year …
    last_year: int  # … to this one; 2025 is on today's map (34 provinces, 3,321 communes)
    villages_per_commune: int  # average, below today's communes (~100,000 at 30)
    village_report_share: float  # today's communes that report through their villages in the last year
    awards_per_year: int  # spread over the communes of each year
    ledger_rows: int  # fund entries
    feed_changes: int  # award changes in the change feed (what a partner catches up on)
    import_rows: int  # rows of the province-year award file
    wrk_seconds: int  # length of each load run
    latency_requests: int  # sequential requests for the uncached latency figures
    repeats: int  # repetitions of the one-shot measurements (median reported)

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    def fingerprint(self) -> str:
        """Identifies a generated data set: the sizes, the seed and the generator's version."""
        fields = {k: v for k, v in asdict(self).items() if k not in ("wrk_seconds", "latency_requests", "repeats")}
        return hashlib.sha256(f"{GENERATOR_VERSION}|{SEED}|{sorted(fields.items())}".encode()).hexdigest()[:16]


GENERATOR_VERSION = 1

SIZES = {
    # The national data set of issue 8: 34 provinces, 3,321 communes, ~100,000 villages, ten years of reports,
    # 10 M awards and 10 M ledger entries, a 1 M-change feed, a 224,729-row province-year award file.
    "national": Size(
        name="national",
        first_year=2016,
        last_year=2025,
        villages_per_commune=30,
        village_report_share=0.05,
        awards_per_year=1_000_000,
        ledger_rows=10_000_000,
        feed_changes=1_000_000,
        import_rows=224_729,
        wrk_seconds=10,
        latency_requests=200,
        repeats=3,
    ),
    # A smoke test for CI: every scenario end to end on a small data set, no timing assertions.
    "quick": Size(
        name="quick",
        first_year=2024,
        last_year=2025,
        villages_per_commune=3,
        village_report_share=0.05,
        awards_per_year=50_000,
        ledger_rows=20_000,
        feed_changes=20_000,
        import_rows=10_000,
        wrk_seconds=2,
        latency_requests=40,
        repeats=1,
    ),
}


def database_name(size: Size) -> str:
    return f"kh_bench_{size.name}"
