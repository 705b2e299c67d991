"""Statistics: /api/v1/stats (any signed-in principal: aggregated figures are not detail records)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from api.auth.dependencies import StatsRead
from api.core.errors import ErrorItem, ValidationFailed, problem_responses
from api.core.representation import FormatDep, represent
from api.core.text import UNIT_CODE_PATTERN, IsoDate, today_vn
from api.db.engine import SessionDep
from api.stats import cache, service
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

router = APIRouter(prefix="/stats", tags=["stats"])

COUNTRY = "00"  # the whole country, as GSO writes it: the same answer as no unit
UnitParam = Annotated[
    str | None,
    Query(
        pattern=f"^({COUNTRY}|{UNIT_CODE_PATTERN[1:-1]})$",
        description="Unit code; omit (or 00) for the whole country. Read on as_of (default today; if the code names "
        "no unit today, on 31 December of the year).",
    ),
]


def place_code(unit: str | None) -> str | None:
    """The unit code the statistics read: None for the whole country (no unit, or 00)."""
    return None if unit == COUNTRY else unit


YearParam = Annotated[int, Query(ge=1990, le=2100, description="Year of the figures.")]
AsOfParam = Annotated[IsoDate | None, Query(description="Date on which the unit code (and the map) is read.")]


async def rendered(render: Callable[[], Response]) -> Response:
    """An answer's body made (JSON or CSV of thousands of rows, its hash for the ETag) in a worker thread:
    the event loop meanwhile answers other requests, ``/health`` included (issue 14, Medium 10)."""
    return await asyncio.to_thread(render)


def _parts(value: Rate | int | None) -> tuple[float | int | None, int | None, int | None]:
    if isinstance(value, Rate):
        return value.value, value.numerator, value.denominator
    return value, None, None


@router.get("/indicators", response_model=IndicatorsOut, responses=problem_responses(401, 403, 404, 422))
async def get_indicators(
    request: Request,
    session: SessionDep,
    principal: StatsRead,
    fmt: FormatDep,
    year: YearParam,
    unit: UnitParam = None,
    as_of: AsOfParam = None,
    breakdown: Annotated[Literal["children"] | None, Query(description="children: one row per child unit.")] = None,
    status: Annotated[
        Literal["approved", "all"], Query(description="approved (default), or all: your drafts and submissions too.")
    ] = "approved",
    indicator: Annotated[list[IndicatorName] | None, Query(description="Only these indicators (repeatable).")] = None,
) -> Response:
    """Indicators of a unit (or of each child unit) against their targets, with coverage and change."""
    drafts_of = principal if status == "all" else None

    async def compute(request: Request) -> Response:
        result = await service.indicators(
            session,
            principal,
            code=place_code(unit),
            year=year,
            as_of=as_of,
            breakdown=breakdown == "children",
            include_drafts=drafts_of is not None,
            names=[i.value for i in indicator] if indicator else None,
        )

        def render() -> Response:
            if not fmt.tabular:
                return represent(request, result, fmt=fmt)
            return represent(request, result, fmt=fmt, csv_rows=(IndicatorCsvRow, indicator_rows(result)))

        return await rendered(render)

    return await cache.answer(
        request, session, fmt=fmt, years=(year - 1, year), drafts_of=drafts_of, compute=compute, principal=principal
    )


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


MAX_SERIES_YEARS = 20  # each year is a roll-up of the whole subtree: 1990–2100 took 4–5 s (issue 14, Medium 10)


def check_span(first: int, last: int) -> None:
    """422 before any work for a span too long (from after to is the service's 422)."""
    if last - first + 1 > MAX_SERIES_YEARS:
        msg = f"Tối đa {MAX_SERIES_YEARS} năm mỗi lần hỏi; hãy chia khoảng from–to."
        raise ValidationFailed(
            msg,
            errors=[ErrorItem(loc=["query", name], msg=msg, type="series_span") for name in ("from", "to")],
        )


@router.get("/series", response_model=SeriesOut, responses=problem_responses(401, 403, 404, 422))
async def get_series(
    request: Request,
    session: SessionDep,
    principal: StatsRead,
    fmt: FormatDep,
    indicator: Annotated[IndicatorName, Query(description="The indicator.")],
    unit: UnitParam = None,
    first: Annotated[
        int | None, Query(alias="from", ge=1990, le=2100, description="First year (default to − 9).")
    ] = None,
    last: Annotated[
        int | None, Query(alias="to", ge=1990, le=2100, description="Last year (default this year).")
    ] = None,
    as_of: AsOfParam = None,
) -> Response:
    """One indicator of a unit over years (at most 20)."""
    last = last or today_vn().year
    first = first or last - 9
    check_span(first, last)

    async def compute(request: Request) -> Response:
        result = await service.series(
            session, code=place_code(unit), indicator=indicator.value, first=first, last=last, as_of=as_of
        )
        return await rendered(lambda: represent(request, result, fmt=fmt, csv_rows=(SeriesCsvRow, series_rows(result))))

    years = range(first, last + 1)
    return await cache.answer(
        request, session, fmt=fmt, years=years, drafts_of=None, compute=compute, principal=principal
    )


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


@router.get("/highlights", response_model=HighlightsOut, responses=problem_responses(401, 403, 404, 422))
async def get_highlights(
    request: Request,
    session: SessionDep,
    principal: StatsRead,
    fmt: FormatDep,
    year: YearParam,
    unit: UnitParam = None,
    as_of: AsOfParam = None,
) -> Response:
    """The year's headline figures of a unit, each with last year's and the change."""

    async def compute(request: Request) -> Response:
        result = await service.highlights(session, code=place_code(unit), year=year, as_of=as_of)
        return await rendered(
            lambda: represent(request, result, fmt=fmt, csv_rows=(HighlightCsvRow, highlight_rows(result)))
        )

    return await cache.answer(
        request, session, fmt=fmt, years=(year - 1, year), drafts_of=None, compute=compute, principal=principal
    )


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
