"""Open data: /api/v1/public, without an account (approved figures of published unit-years only).

Answers are the statistics' own (api/stats), kept the same way (api/stats/cache.py) and cacheable by any
proxy: ``Cache-Control: public``, an ETag, ``Vary: Accept`` (they never depend on who asks). Each client
address is rate-limited (api/ops/public_limit.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from api.core.errors import problem_responses
from api.core.representation import FormatDep, OutputFormat, make_etag, not_modified, represent
from api.db.engine import SessionDep
from api.public import exports, publications, report, service
from api.public.schemas import PublicationList, PublicationOut
from api.stats import cache
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

router = APIRouter(prefix="/public", tags=["public"])

PUBLIC_CACHE = "public, max-age=60"
PUBLIC_VARY = "Accept"

UnitParam = Annotated[
    str,
    Query(
        pattern=r"^\d{2,5}$",
        description="Unit code (province, district or commune). Read on as_of (default today; if the code names no "
        "unit today, on 31 December of the year): 33 today is the new Hưng Yên, 34 is Thái Bình before 2025.",
    ),
]


def public(response: Response) -> Response:
    """The headers of every public answer."""
    response.headers["Cache-Control"] = PUBLIC_CACHE
    response.headers["Vary"] = PUBLIC_VARY
    return response


@router.get("/publications", response_model=PublicationList, responses=problem_responses(422))
async def list_publications(request: Request, session: SessionDep, fmt: FormatDep) -> Response:
    """Every published unit-year, newest year first."""
    items = [
        PublicationOut(unit_code=u.code, unit_name=u.name, unit_level=u.level, year=p.year, published_at=p.published_at)
        for p, u in await publications.published_list(session)
    ]
    result = PublicationList(items=items)
    return public(represent(request, result, fmt=fmt, csv_rows=(PublicationOut, items)))


@router.get("/indicators", response_model=IndicatorsOut, responses=problem_responses(404, 422))
async def get_indicators(
    request: Request,
    session: SessionDep,
    fmt: FormatDep,
    unit: UnitParam,
    year: YearParam,
    as_of: AsOfParam = None,
    breakdown: Annotated[Literal["children"] | None, Query(description="children: one row per child unit.")] = None,
    indicator: IndicatorsParam = None,
) -> Response:
    """A published unit's indicators (or each child's, down to communes) against their targets, with coverage."""

    async def make() -> IndicatorsOut:
        return await service.indicators(
            session,
            code=unit,
            year=year,
            as_of=as_of,
            breakdown=breakdown == "children",
            names=[i.value for i in indicator] if indicator else None,
        )

    years = (year - 1, year)
    return await answer(request, session, fmt=fmt, years=years, make=make, rows=indicator_table(fmt), finish=public)


@router.get("/series", response_model=SeriesOut, responses=problem_responses(404, 422))
async def get_series(
    request: Request,
    session: SessionDep,
    fmt: FormatDep,
    unit: UnitParam,
    indicator: SeriesIndicatorParam,
    first: FromParam = None,
    last: ToParam = None,
    as_of: AsOfParam = None,
) -> Response:
    """One indicator of a published unit over years (at most 20): only the published years."""
    first, last = span(first, last)

    async def make() -> SeriesOut:
        return await service.series(session, code=unit, indicator=indicator.value, first=first, last=last, as_of=as_of)

    years = range(first, last + 1)
    return await answer(request, session, fmt=fmt, years=years, make=make, rows=series_table, finish=public)


@router.get("/highlights", response_model=HighlightsOut, responses=problem_responses(404, 422))
async def get_highlights(
    request: Request, session: SessionDep, fmt: FormatDep, unit: UnitParam, year: YearParam, as_of: AsOfParam = None
) -> Response:
    """The year's headline figures of a published unit, each with last year's (when published) and the change."""

    async def make() -> HighlightsOut:
        return await service.highlights(session, code=unit, year=year, as_of=as_of)

    years = (year - 1, year)
    return await answer(request, session, fmt=fmt, years=years, make=make, rows=highlight_table, finish=public)


@router.get(
    "/reports/{unit_code}/{year}/highlights",
    response_class=Response,
    responses={
        200: {
            "content": {"text/html": {}, "application/pdf": {}},
            "description": "The year's report, as HTML (default) or PDF",
        },
        **problem_responses(404, 422),
    },
)
async def get_report(
    request: Request,
    session: SessionDep,
    unit_code: Annotated[str, Path(pattern=r"^\d{2,5}$", description="Unit code (province, district or commune).")],
    year: Annotated[int, Path(ge=1990, le=2100, description="Year of the report.")],
    format: Annotated[Literal["html", "pdf"], Query(description="html (default) or pdf.")] = "html",
    as_of: AsOfParam = None,
) -> Response:
    """The year's highlights of a published unit (the sections of the provincial association's annual summary),
    generated from its approved figures, with charts; the date, sources and approval status on every page."""
    made = await report.report(session, code=unit_code, year=year, as_of=as_of, fmt=format)
    headers = {"ETag": made.etag, "Cache-Control": PUBLIC_CACHE}
    if not_modified(request, made.etag):
        return Response(status_code=304, headers=headers)
    if format == "pdf":
        headers["Content-Disposition"] = f'inline; filename="dau-an-{unit_code}-{year}.pdf"'
        return Response(made.body, media_type="application/pdf", headers=headers)
    return Response(made.body, media_type="text/html; charset=utf-8", headers=headers)


# ---- exports for statistics tools (api/public/exports.py) ----------------------------------------------------

BreakdownParam = Annotated[
    Literal["children"] | None, Query(description="children: the unit's children too (down to communes).")
]


def _document(request: Request, body: bytes, media_type: str, filename: str | None = None) -> Response:
    tag = make_etag(hashlib.blake2b(body).hexdigest(), weak=True)
    headers = {"ETag": tag, "Cache-Control": PUBLIC_CACHE}
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    if not_modified(request, tag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


async def _export(
    request: Request,
    session: SessionDep,
    *,
    unit: str,
    year: int,
    as_of: dt.date | None,
    breakdown: str | None,
    fmt: OutputFormat,
    make: Callable[[IndicatorsOut], tuple[bytes, str, str | None]],
) -> Response:
    async def compute(request: Request) -> Response:
        result = await service.indicators(
            session, code=unit, year=year, as_of=as_of, breakdown=breakdown == "children", names=None
        )
        if breakdown == "children":  # the unit itself first, then its children
            own = await service.indicators(session, code=unit, year=year, as_of=as_of, breakdown=False, names=None)
            result.items = own.items + result.items
        return _document(request, *make(result))

    return await cache.answer(request, session, fmt=fmt, years=(year - 1, year), drafts_of=None, compute=compute)


@router.get(
    "/exports/sdmx",
    response_class=Response,
    responses={
        200: {"content": {"application/vnd.sdmx.data+csv": {}}, "description": "SDMX-CSV 2.0"},
        **problem_responses(404, 422),
    },
)
async def export_sdmx(
    request: Request,
    session: SessionDep,
    unit: UnitParam,
    year: YearParam,
    as_of: AsOfParam = None,
    breakdown: BreakdownParam = None,
) -> Response:
    """The indicators of a published unit-year as SDMX-CSV 2.0 (structure: /public/exports/sdmx/structure);
    rates as three observations: VALUE, NUMERATOR and DENOMINATOR."""

    def make(result: IndicatorsOut) -> tuple[bytes, str, str | None]:
        return exports.sdmx_csv(result).encode(), exports.SDMX_MEDIA_TYPE, f"khuyen-hoc-{unit}-{year}.sdmx.csv"

    return await _export(
        request, session, unit=unit, year=year, as_of=as_of, breakdown=breakdown, fmt=OutputFormat.csv, make=make
    )


@router.get(
    "/exports/sdmx/structure",
    response_class=Response,
    responses={
        200: {
            "description": "SDMX-JSON structure message",
            "content": {"application/vnd.sdmx.structure+json": {"schema": {"type": "object"}}},
        }
    },
)
async def export_sdmx_structure(request: Request) -> Response:
    """The data structure definition KHVN:DSD_KHUYEN_HOC(1.0.0) and its code lists (SDMX-JSON 2.0)."""
    body = json.dumps(exports.structure(), ensure_ascii=False, indent=1).encode()
    return _document(request, body, "application/vnd.sdmx.structure+json; version=2.0.0; charset=utf-8")


@router.get(
    "/exports/dhis2",
    response_class=Response,
    responses={
        200: {"content": {"application/json": {}}, "description": "DHIS2 dataValueSets"},
        **problem_responses(404, 422),
    },
)
async def export_dhis2(
    request: Request,
    session: SessionDep,
    unit: UnitParam,
    year: YearParam,
    as_of: AsOfParam = None,
    breakdown: BreakdownParam = None,
) -> Response:
    """The figures of a published unit-year as a DHIS2 dataValueSets document (codes as identifiers: import
    with dataElementIdScheme=CODE&orgUnitIdScheme=CODE); numerators and denominators are separate values."""

    def make(result: IndicatorsOut) -> tuple[bytes, str, str | None]:
        return json.dumps(exports.dhis2(result), ensure_ascii=False).encode(), "application/json", None

    return await _export(
        request, session, unit=unit, year=year, as_of=as_of, breakdown=breakdown, fmt=OutputFormat.json, make=make
    )


@router.get(
    "/exports/excel-vi",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}}, "description": "CSV for Vietnamese Excel"},
        **problem_responses(404, 422),
    },
)
async def export_excel_vi(
    request: Request,
    session: SessionDep,
    unit: UnitParam,
    year: YearParam,
    as_of: AsOfParam = None,
    breakdown: BreakdownParam = None,
) -> Response:
    """The indicators as CSV for Excel in Vietnamese: `;` separator, decimal comma, Vietnamese headers, a BOM."""

    def make(result: IndicatorsOut) -> tuple[bytes, str, str | None]:
        return exports.excel_vi_csv(result), "text/csv; charset=utf-8", f"khuyen-hoc-{unit}-{year}.csv"

    return await _export(
        request, session, unit=unit, year=year, as_of=as_of, breakdown=breakdown, fmt=OutputFormat.csv, make=make
    )
