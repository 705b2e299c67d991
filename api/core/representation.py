"""Responses with ETags, conditional requests and CSV negotiation, shared by every endpoint.

- ``GET`` answers carry an ``ETag``; ``If-None-Match`` with a matching tag answers ``304``.
- Writes check ``If-Match`` against the current tag and answer ``412`` when it is stale.
- ``Accept: text/csv`` or ``?format=csv`` turns a list (or a statistics table) into CSV:
  UTF-8 with a BOM so Excel reads Vietnamese correctly, a header row, the JSON fields as
  columns (nested objects flattened as ``a.b``, lists joined with ``|``). A text cell that a
  spreadsheet would read as a formula is written with a leading ``'`` (``neutralise``).
- ``?format=xlsx`` (or ``Accept:`` the XLSX media type) makes the same table an Excel workbook: the
  same header and rows, numbers as numbers, every text cell a text cell (``put_text``: never a formula,
  so no quote is needed), the file named after the route. Every route that answers CSV answers XLSX,
  here and nowhere else.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from pydantic_core import to_json
from sqlalchemy import String, case, func, literal
from sqlalchemy.sql.elements import ColumnElement

from api.core.errors import PreconditionFailed
from api.core.spreadsheet import put_text

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class OutputFormat(StrEnum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"

    @property
    def tabular(self) -> bool:
        """CSV or XLSX: the answer is a table of rows (a route's ``csv_rows``), not the JSON document."""
        return self is not OutputFormat.json


def output_format(
    request: Request,
    format: Annotated[
        OutputFormat | None,
        Query(description="json (default), csv or xlsx; Accept: text/csv (or the XLSX media type) works too."),
    ] = None,
) -> OutputFormat:
    return format if format is not None else negotiate(request.headers.get("accept", ""))


def negotiate(accept: str) -> OutputFormat:
    """The format an ``Accept`` header asks for when ?format= does not say."""
    if "application/json" in accept:
        return OutputFormat.json
    if "text/csv" in accept:
        return OutputFormat.csv
    return OutputFormat.xlsx if XLSX_MEDIA_TYPE in accept else OutputFormat.json


FormatDep = Annotated[OutputFormat, Depends(output_format)]


def make_etag(*parts: object, weak: bool = False) -> str:
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=12).hexdigest()
    return f'W/"{digest}"' if weak else f'"{digest}"'


def _tags(header: str) -> set[str]:
    return {t.strip().removeprefix("W/") for t in header.split(",") if t.strip()}


def not_modified(request: Request, etag: str) -> bool:
    header = request.headers.get("if-none-match")
    return header is not None and etag_matches(header, etag)


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Whether an ``If-None-Match`` value names this ETag (weak comparison), or is ``*``."""
    return if_none_match.strip() == "*" or etag.removeprefix("W/") in _tags(if_none_match)


def check_if_match(request: Request, current_etag: str) -> None:
    """Raise 412 when the caller's ``If-Match`` names another version than the current one."""
    header = request.headers.get("if-match")
    if header is None or header.strip() == "*":
        return
    if current_etag.removeprefix("W/") not in _tags(header):
        raise PreconditionFailed(
            "Bản ghi đã được thay đổi từ lúc bạn tải về; hãy tải lại và sửa trên bản mới nhất.",
            current_etag=current_etag,
        )


def flatten(obj: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, f"{name}."))
        elif isinstance(value, list | tuple):
            out[name] = "|".join("" if v is None else str(v) for v in value)
        else:
            out[name] = value
    return out


def _flat_rows(rows: Iterable[Mapping[str, Any]], columns: Sequence[str] | None) -> list[dict[str, Any]]:
    """The rows flattened; a column the model declares as one free-form object (an audit entry's ``changes``, a
    history's) is its JSON text, not an empty cell beside columns nobody asked for (found: the audit CSV)."""
    whole = {c for c in columns or () if "." not in c}
    return [
        flatten({k: to_json(v).decode() if k in whole and isinstance(v, Mapping) else v for k, v in r.items()})
        for r in rows
    ]


def csv_bytes(rows: Iterable[Mapping[str, Any]], columns: Sequence[str] | None = None) -> bytes:
    flat = _flat_rows(rows, columns)
    if columns is None:
        columns = list(flat[0]) if flat else []
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    for row in flat:
        writer.writerow([csv_cell(row.get(c)) for c in columns])
    return buf.getvalue().encode("utf-8")


def xlsx_bytes(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], *, title: str = "Dữ liệu") -> bytes:
    """The rows as a workbook of one sheet: the CSV's header and cells, numbers as numbers, text as text."""
    from openpyxl import Workbook  # only for an XLSX answer: a serving worker does without it otherwise

    wb = Workbook()
    ws = wb.create_sheet(title, 0)
    wb.remove(wb.worksheets[1])  # the default empty sheet
    for c, name in enumerate(columns, start=1):
        put_text(ws, 1, c, name)
    for r, row in enumerate(_flat_rows(rows, columns), start=2):
        for c, name in enumerate(columns, start=1):
            value = row.get(name)
            if value is not None:
                put_text(ws, r, c, value)
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _csv_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return neutralise(value)
    return value


# Spreadsheets run a cell that starts with one of these as a formula (=HYPERLINK(…) sends the data
# away, =cmd|… ran programs in old Excel). OWASP's advice: prefix such text with a quote. Numbers
# are written as numbers and never prefixed, so a negative amount stays a number.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """The text as a spreadsheet shows it literally: a formula-like start gets a leading ``'``."""
    return "'" + text if text.startswith(FORMULA_START) else text


def neutralise_sql(column: Any) -> ColumnElement[Any]:
    """``neutralise`` in SQL, for CSV written by the database (PostgreSQL's COPY); NULL stays NULL."""
    return case(
        (func.substr(column, 1, 1).in_([literal(c, String) for c in FORMULA_START]), literal("'", String) + column),
        else_=column,
    )


def csv_cell(value: Any) -> Any:
    """A JSON value (``model_dump(mode="json")``) as the CSV writer takes it: booleans as true/false,
    text neutralised, None empty."""
    return "" if value is None else _csv_value(value)


def csv_columns(model: type[BaseModel]) -> list[str]:
    """Column names for a model, nested models flattened, so an empty list still has its header."""
    cols: list[str] = []
    for name, field in model.model_fields.items():
        ann = field.annotation
        sub = next(
            (a for a in getattr(ann, "__args__", (ann,)) if isinstance(a, type) and issubclass(a, BaseModel)), None
        )
        if sub is not None and getattr(ann, "__origin__", None) is not list:
            cols.extend(f"{name}.{c}" for c in csv_columns(sub))
        else:
            cols.append(name)
    return cols


def represent(
    request: Request,
    payload: BaseModel,
    *,
    fmt: OutputFormat = OutputFormat.json,
    etag: str | None = None,
    csv_rows: tuple[type[BaseModel], Sequence[BaseModel]] | None = None,
    headers: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """Render ``payload`` as JSON, or as CSV (``csv_rows``: the row model and the rows; default the
    payload itself), with an ETag; answer 304 when the caller already has this version.

    ``etag`` is a version key the caller knows cheaply (e.g. id and version); without it the tag
    is a hash of the body.
    """
    extra = dict(headers or {})
    version = body = b""
    if fmt.tabular:
        model, rows = csv_rows if csv_rows is not None else (type(payload), [payload])
        dumped = [r.model_dump(mode="json") for r in rows]
        body = csv_bytes(dumped, csv_columns(model))
        media_type = CSV_MEDIA_TYPE
        version = body  # the XLSX file carries the time it was written: its tag is its table's
        if fmt is OutputFormat.xlsx:
            body = xlsx_bytes(dumped, csv_columns(model))
            media_type = XLSX_MEDIA_TYPE
            name = request.url.path.rstrip("/").rsplit("/", 1)[-1] or "du-lieu"
            extra["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        next_cursor = getattr(payload, "next_cursor", None)
        if next_cursor:
            extra["X-Next-Cursor"] = next_cursor
    else:
        body = version = payload.__pydantic_serializer__.to_json(payload)
        media_type = "application/json"
    if etag is not None:
        tag = make_etag(etag, fmt.value)
    else:
        tag = make_etag(hashlib.blake2b(version).hexdigest(), fmt.value, weak=True)
    extra["ETag"] = tag
    extra.setdefault("Cache-Control", "private, no-cache")
    extra["Vary"] = "Accept, Authorization"
    if request.method in ("GET", "HEAD") and not_modified(request, tag):  # a write's answer is never a 304
        return Response(status_code=304, headers=extra)
    return Response(body, status_code=status_code, media_type=media_type, headers=extra)


def json_response(payload: BaseModel, status_code: int = 200, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse(payload.model_dump(mode="json"), status_code=status_code, headers=dict(headers or {}))
