"""The statistics' answers, shared by /api/v1/stats (signed in) and /api/v1/public (open data): the query
parameters both take, the CSV/XLSX rows of each answer, and the answer itself — made by the caller's
``make`` (the signed-in service, or the open data's published-only one), rendered off the event loop and
kept until the data changes (api/stats/cache.py). ``finish`` adds a router's own headers (the open data's
``Cache-Control: public``) to the fresh and to the kept answer alike."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Annotated, TypeVar

from fastapi import Query, Request, Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import Principal
from api.core.errors import ErrorItem, ValidationFailed
from api.core.representation import OutputFormat, represent
from api.core.text import IsoDate, today_vn
from api.stats import cache
from api.stats.schemas import (
    HighlightCsvRow,
    HighlightsOut,
    IndicatorCsvRow,
    IndicatorName,
    IndicatorsOut,
    Rate,
    SeriesCsvRow,
    SeriesOut,
)

T = TypeVar("T", bound=BaseModel)
Rows = tuple[type[BaseModel], Sequence[BaseModel]]  # the table of a CSV or XLSX answer: its row model and rows

YearParam = Annotated[int, Query(ge=1990, le=2100, description="Year of the figures.")]
AsOfParam = Annotated[IsoDate | None, Query(description="Date on which the unit code (and the map) is read.")]
FromParam = Annotated[int | None, Query(alias="from", ge=1990, le=2100, description="First year (default to − 9).")]
ToParam = Annotated[int | None, Query(alias="to", ge=1990, le=2100, description="Last year (default this year).")]
SeriesIndicatorParam = Annotated[IndicatorName, Query(description="The indicator.")]
IndicatorsParam = Annotated[list[IndicatorName] | None, Query(description="Only these indicators (repeatable).")]

MAX_SERIES_YEARS = 20  # each year is a roll-up of the whole subtree: 1990–2100 took 4–5 s (issue 14, Medium 10)


def check_span(first: int, last: int) -> None:
    """422 before any work for a span too long (from after to is the service's 422)."""
    if last - first + 1 > MAX_SERIES_YEARS:
        msg = f"Tối đa {MAX_SERIES_YEARS} năm mỗi lần hỏi; hãy chia khoảng from–to."
        raise ValidationFailed(
            msg,
            errors=[ErrorItem(loc=["query", name], msg=msg, type="series_span") for name in ("from", "to")],
        )


def span(first: int | None, last: int | None) -> tuple[int, int]:
    """A series' years: to defaults to this year, from to ten years up to it; at most MAX_SERIES_YEARS."""
    last = last or today_vn().year
    first = first or last - 9
    check_span(first, last)
    return first, last


async def rendered(render: Callable[[], Response]) -> Response:
    """An answer's body made (JSON or CSV of thousands of rows, its hash for the ETag) in a worker thread:
    the event loop meanwhile answers other requests, ``/health`` included (issue 14, Medium 10)."""
    return await asyncio.to_thread(render)


def _same(response: Response) -> Response:
    return response


async def answer(
    request: Request,
    session: AsyncSession,
    *,
    fmt: OutputFormat,
    years: Iterable[int],
    make: Callable[[], Awaitable[T]],
    rows: Callable[[T], Rows | None],
    drafts_of: Principal | None = None,
    principal: Principal | None = None,
    finish: Callable[[Response], Response] = _same,
) -> Response:
    """A statistics answer (JSON, or the table ``rows`` makes as CSV or XLSX), kept until the data of ``years``
    changes: ``make`` computes it, its body is rendered off the event loop, ``finish`` adds the router's headers."""

    async def compute(request: Request) -> Response:
        result = await make()
        return finish(await rendered(lambda: represent(request, result, fmt=fmt, csv_rows=rows(result))))

    kept = await cache.answer(
        request, session, fmt=fmt, years=years, drafts_of=drafts_of, compute=compute, principal=principal
    )
    return finish(kept)


def indicator_table(fmt: OutputFormat) -> Callable[[IndicatorsOut], Rows | None]:
    """The indicators' table (a row per place and indicator), made only for CSV or XLSX."""
    return lambda result: (IndicatorCsvRow, indicator_rows(result)) if fmt.tabular else None


def series_table(result: SeriesOut) -> Rows:
    return SeriesCsvRow, series_rows(result)


def highlight_table(result: HighlightsOut) -> Rows:
    return HighlightCsvRow, highlight_rows(result)


def _parts(value: Rate | int | None) -> tuple[float | int | None, int | None, int | None]:
    if isinstance(value, Rate):
        return value.value, value.numerator, value.denominator
    return value, None, None


def indicator_rows(result: IndicatorsOut) -> list[IndicatorCsvRow]:
    rows = []
    for r in result.items:
        value, num, den = _parts(r.value)
        rows.append(
            IndicatorCsvRow(
                unit_code=r.unit_code,
                unit_name=r.unit_name,
                year=r.year,
                indicator=r.indicator,
                label=r.label,
                kind=r.kind,
                value=value,
                numerator=num,
                denominator=den,
                target=r.target,
                meets_target=r.meets_target,
                gap=r.gap,
                change_vs_previous_year=r.change_vs_previous_year,
                coverage_counted=r.coverage.counted,
                coverage_expected=r.coverage.expected,
                coverage_reports=r.coverage.reports,
            )
        )
    return rows


def series_rows(result: SeriesOut) -> list[SeriesCsvRow]:
    rows = []
    for p in result.items:
        value, num, den = _parts(p.value)
        rows.append(
            SeriesCsvRow(
                unit_code=result.unit_code,
                indicator=result.indicator,
                year=p.year,
                value=value,
                numerator=num,
                denominator=den,
                coverage_counted=p.coverage.counted,
                coverage_expected=p.coverage.expected,
            )
        )
    return rows


def highlight_rows(result: HighlightsOut) -> list[HighlightCsvRow]:
    rows = []
    for h in result.items:
        value, num, den = _parts(h.value)
        rows.append(
            HighlightCsvRow(
                key=h.key,
                label=h.label,
                kind=h.kind,
                value=value,
                numerator=num,
                denominator=den,
                previous=_parts(h.previous)[0],
                change_vs_previous_year=h.change_vs_previous_year,
                target=h.target,
                meets_target=h.meets_target,
            )
        )
    return rows
