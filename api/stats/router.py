"""Statistics: /api/v1/stats (any signed-in principal: aggregated figures are not detail records).

The answers are made, rendered and kept by api/stats/answers.py, which the open data (api/public) shares."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from api.auth.dependencies import StatsRead
from api.core.errors import problem_responses
from api.core.representation import FormatDep
from api.core.text import UNIT_CODE_PATTERN
from api.db.engine import SessionDep
from api.stats import service
from api.stats.answers import (
    AsOfParam,
    FromParam,
    IndicatorsParam,
    SeriesIndicatorParam,
    ToParam,
    YearParam,
    answer,
    highlight_table,
    indicator_table,
    series_table,
    span,
)
from api.stats.schemas import HighlightsOut, IndicatorsOut, SeriesOut

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
    indicator: IndicatorsParam = None,
) -> Response:
    """Indicators of a unit (or of each child unit) against their targets, with coverage and change."""
    drafts_of = principal if status == "all" else None

    async def make() -> IndicatorsOut:
        return await service.indicators(
            session,
            principal,
            code=place_code(unit),
            year=year,
            as_of=as_of,
            breakdown=breakdown == "children",
            include_drafts=drafts_of is not None,
            names=[i.value for i in indicator] if indicator else None,
        )

    years = (year - 1, year)
    table = indicator_table(fmt)
    return await answer(
        request, session, fmt=fmt, years=years, make=make, rows=table, drafts_of=drafts_of, principal=principal
    )


@router.get("/series", response_model=SeriesOut, responses=problem_responses(401, 403, 404, 422))
async def get_series(
    request: Request,
    session: SessionDep,
    principal: StatsRead,
    fmt: FormatDep,
    indicator: SeriesIndicatorParam,
    unit: UnitParam = None,
    first: FromParam = None,
    last: ToParam = None,
    as_of: AsOfParam = None,
) -> Response:
    """One indicator of a unit over years (at most 20)."""
    first, last = span(first, last)

    async def make() -> SeriesOut:
        return await service.series(
            session, code=place_code(unit), indicator=indicator.value, first=first, last=last, as_of=as_of
        )

    years = range(first, last + 1)
    return await answer(request, session, fmt=fmt, years=years, make=make, rows=series_table, principal=principal)


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

    async def make() -> HighlightsOut:
        return await service.highlights(session, code=place_code(unit), year=year, as_of=as_of)

    years = (year - 1, year)
    return await answer(request, session, fmt=fmt, years=years, make=make, rows=highlight_table, principal=principal)
