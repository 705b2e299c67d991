"""GET /api/v1/awards/export: every award of a filter as one CSV, streamed (a province's year is ~225,000
rows, the country's over a million).

The file is the paginated list's CSV (``GET /api/v1/awards?format=csv``) without pages: the same
columns in the same order, the same values, UTF-8 with a BOM, rows by id. On PostgreSQL the
database writes it (``COPY (SELECT …) TO STDOUT``, values formatted as the API formats them) and the
chunks go to the client as they come, a few at a time, so the worker holds a few hundred kilobytes
whatever the size; on SQLite the rows are read in batches and written by the csv module.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import BigInteger, String, case, cast, func, literal, select

from api.auth import scope
from api.auth.dependencies import RegistriesRead
from api.auth.principal import Principal
from api.awards import service
from api.awards.schemas import AwardFilters, AwardOut
from api.core.errors import problem_responses
from api.core.representation import CSV_MEDIA_TYPE, csv_cell, csv_columns, neutralise_sql
from api.db.base import AnySelect
from api.db.engine import Database, SessionDep
from api.models import Award, AwardCategory, Unit
from api.registries.routing import unit_filter
from api.units.dating import UnitFilter

router = APIRouter(tags=["awards"])
COLUMNS = csv_columns(AwardOut)
BATCH = 5_000  # rows per batch on SQLite
QUEUED = 8  # chunks held between the database and the client on PostgreSQL


@router.get(
    "/awards/export",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/csv": {}}, "description": "Every award of the filter, as the list's CSV."},
        **problem_responses(401, 403, 422),
    },
)
async def export_awards(
    request: Request, session: SessionDep, principal: RegistriesRead, params: Annotated[AwardFilters, Query()]
) -> StreamingResponse:
    """Every award of the filter inside your unit scope as one CSV file, streamed (no pages)."""
    unit = await unit_filter(session, params)
    category = (await service.category_ids(session)).get(params.category, -1) if params.category else None
    stmt = _select(principal, unit, params.year, category, params.recipient_kind)
    db: Database = request.app.state.db
    body = _copy(db, stmt) if db.dialect == "postgresql" else _batches(db, stmt)
    name = f"khen-thuong{'-' + params.unit if params.unit else ''}{'-' + str(params.year) if params.year else ''}.csv"
    return StreamingResponse(
        body,
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"},
    )


def _filtered(
    stmt: AnySelect,
    principal: Principal,
    unit: UnitFilter | None,
    year: int | None,
    category: int | None,
    kind: str | None,
) -> AnySelect:
    stmt = stmt.where(scope.condition(principal, Award.unit_path))
    if unit is not None:
        stmt = stmt.where(unit.condition(Award.unit_path))
    if year is not None:
        stmt = stmt.where(Award.year == year)
    if category is not None:
        stmt = stmt.where(Award.category_id == category)
    if kind is not None:
        stmt = stmt.where(Award.recipient_kind == kind)
    return stmt.order_by(Award.id)


def _select(
    principal: Principal, unit: UnitFilter | None, year: int | None, category: int | None, kind: str | None
) -> AnySelect:
    base = select(Award, Unit.code, AwardCategory.code).join(Unit, Unit.id == Award.unit_id)
    base = base.join(AwardCategory, AwardCategory.id == Award.category_id)
    return _filtered(base, principal, unit, year, category, kind)


# PostgreSQL: the database formats each value as the API does (``model_dump(mode="json")`` then the csv
# module): empty text and NULL are both an empty field, timestamps are ISO 8601 in UTC with a Z, text
# that a spreadsheet would run as a formula neutralised as ``csv_cell`` does.


def _text(column: Any) -> Any:
    return neutralise_sql(func.nullif(column, ""))


def _number(column: Any) -> Any:
    return cast(column, String)


def _timestamp(column: Any) -> Any:
    utc = func.timezone("UTC", column)
    micro = case(
        (cast(func.date_part("microseconds", column), BigInteger) % 1_000_000 == 0, literal("")),
        else_=func.to_char(utc, ".US"),
    )
    return func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS') + micro + literal("Z")


def _csv_select(stmt: AnySelect) -> AnySelect:
    """The export's SELECT with every column formatted as the API formats it."""
    values = {
        "year": _number(Award.year),
        "awarded_on": func.to_char(Award.awarded_on, "YYYY-MM-DD"),
        "recipient_name": _text(Award.recipient_name),
        "recipient_kind": _text(Award.recipient_kind),
        "school": _text(Award.school),
        "category": _text(AwardCategory.code),
        "amount_vnd": _number(Award.amount_vnd),
        "gift_value_vnd": _number(Award.gift_value_vnd),
        "fund_id": _number(Award.fund_id),
        "id": _number(Award.id),
        "unit_code": _text(Unit.code),
        "external_id": _text(Award.external_id),
        "partner": _text(Award.partner),
        "version": _number(Award.version),
        "created_at": _timestamp(Award.created_at),
        "updated_at": _timestamp(Award.updated_at),
        "import_job_id": _number(Award.import_job_id),
    }
    return stmt.with_only_columns(*(values[c].label(c) for c in COLUMNS), maintain_column_froms=True)


def _header() -> bytes:
    buf = io.StringIO()
    buf.write("\ufeff")
    csv.writer(buf, lineterminator="\r\n").writerow(COLUMNS)
    return buf.getvalue().encode()


async def _copy(db: Database, stmt: AnySelect) -> AsyncIterator[bytes]:
    yield _header()
    async with db.sessionmaker() as session:
        conn = await session.connection()
        compiled = _csv_select(stmt).compile(dialect=conn.dialect)
        args = [compiled.params[name] for name in compiled.positiontup or ()]
        driver = (await conn.get_raw_connection()).driver_connection
        assert driver is not None
        chunks: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=QUEUED)

        async def to_queue(chunk: bytes) -> None:
            await chunks.put(bytes(chunk))

        async def produce() -> None:
            try:
                await driver.copy_from_query(str(compiled), *args, output=to_queue, format="csv")
            finally:
                await chunks.put(None)

        task = asyncio.create_task(produce())
        quoted = False
        try:
            while (chunk := await chunks.get()) is not None:
                out, quoted = _crlf(chunk, quoted)
                yield out
            await task  # raise what the database said, if anything
        finally:
            if not task.done():  # the client went away: stop the COPY; its connection is not reusable
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
                await conn.invalidate()


def _crlf(chunk: bytes, quoted: bool) -> tuple[bytes, bool]:
    """PostgreSQL ends rows with \n, the list's CSV with \r\n: change the line ends outside quoted
    fields (a school's name may hold a line break). ``quoted``: whether the chunk starts in a quoted field."""
    parts = chunk.split(b'"')
    first = 1 if quoted else 0
    for i in range(first, len(parts), 2):
        parts[i] = parts[i].replace(b"\n", b"\r\n")
    return b'"'.join(parts), quoted != (len(parts) % 2 == 0)


async def _batches(db: Database, stmt: AnySelect) -> AsyncIterator[bytes]:
    yield _header()
    async with db.sessionmaker() as session:
        result = await session.stream(stmt.execution_options(yield_per=BATCH))
        async for rows in result.partitions(BATCH):
            yield _format(rows)


def _format(rows: Sequence[Any]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for award, unit_code, category in rows:
        out = AwardOut(
            id=award.id,
            unit_code=unit_code,
            external_id=award.external_id,
            partner=award.partner,
            version=award.version,
            created_at=award.created_at,
            updated_at=award.updated_at,
            year=award.year,
            awarded_on=award.awarded_on,
            recipient_name=award.recipient_name,
            recipient_kind=award.recipient_kind,
            school=award.school,
            category=category,
            amount_vnd=award.amount_vnd,
            gift_value_vnd=award.gift_value_vnd,
            fund_id=award.fund_id,
            import_job_id=award.import_job_id,
        ).model_dump(mode="json")
        writer.writerow([csv_cell(out[c]) for c in COLUMNS])
    return buf.getvalue().encode()
