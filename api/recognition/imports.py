"""Scored sheets in bulk: a template per title (one row per household or person, one column per index) and
its import, all rows or none, every bad cell named by row and column; a dry run checks only.

On PostgreSQL the registrations and their journal entries go in with binary COPY (ids reserved from the
sequence first); on SQLite by executemany. Either way the feed's data is what GET shows.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator, Iterable, Iterator
from types import SimpleNamespace
from typing import Any, cast

from fastapi import Response
from openpyxl import Workbook
from pydantic_core import to_json
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from api import journal
from api.auth import scope
from api.auth.principal import Principal
from api.core import spreadsheet
from api.core.errors import ErrorItem, ValidationFailed
from api.core.spreadsheet import SheetProblem, column_letter
from api.db.base import utcnow
from api.db.ids import reserve as reserve_ids
from api.models import Registration
from api.recognition import criteria, service
from api.recognition.schemas import ImportOut
from api.registries import kit
from api.reports import derived
from api.units import dating

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BASE = (
    ("unit_code", "Mã đơn vị (xã hoặc thôn)"),
    ("village", "Thôn, tổ dân phố"),
    ("name", "Họ tên / tên"),
    ("external_id", "Mã riêng (không bắt buộc)"),
)
MAX_ERRORS = 1000
# A sheet's row: unit id and path, name, village, external id, scores, total, passed, rating band.
Good = tuple[int, str, str, str, str | None, dict[str, int], int, bool, str | None]
CHUNK = 5000


async def _content(
    session: AsyncSession, title: str, group: str | None, year: int
) -> tuple[int, criteria.CriteriaContent]:
    version = await criteria.current_version(session, title, group, year)
    return version, await criteria.get(session, title, group, version)


def headers(content: criteria.CriteriaContent) -> list[str]:
    return [f"{k} ({label})" for k, label in BASE] + [
        f"{i.code} (tối đa {i.max_points}: {i.name})" for i in content.indices()
    ]


async def template(session: AsyncSession, title: str, group: str | None, year: int, fmt: str) -> Response:
    version, content = await _content(session, title, group, year)
    head = headers(content)
    name = f"mau-{criteria.key_of(title, group)}-{year}-v{version}"
    if fmt == "csv":
        buf = io.StringIO()
        csv.writer(buf).writerow(head)
        return Response(
            ("\ufeff" + buf.getvalue()).encode(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Phieu cham"
    ws.append(head)
    out = io.BytesIO()
    wb.save(out)
    return Response(
        out.getvalue(), media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'}
    )


def _error(row: int, col: int, header: str, msg: str, kind: str) -> dict[str, Any]:
    return {"row": row, "column": f"{column_letter(col)} {header}".strip(), "msg": msg, "type": kind}


def _item(e: dict[str, Any]) -> ErrorItem:
    row = int(e.get("row") or 0)
    column = str(e.get("column") or "")
    return ErrorItem(
        loc=["file", row, column.split(" ")[1] if " " in column else column] if row else ["file"],
        msg=str(e["msg"]),
        type=str(e["type"]),
        row=row or None,
        column=column or None,
    )


async def run(
    session: AsyncSession,
    principal: Principal,
    data: bytes,
    title: str,
    group: str | None,
    year: int,
    *,
    dry_run: bool,
) -> ImportOut:
    service.check_scorer(principal)
    version, content = await _content(session, title, group, year)
    try:
        spreadsheet.guard(data)
        rows = await asyncio.to_thread(spreadsheet.read_table, data)
    except SheetProblem as exc:
        raise ValidationFailed(exc.msg, errors=[_item(_error(exc.row, 0, exc.column, exc.msg, exc.kind))]) from exc
    if not rows:
        raise ValidationFailed("Tệp trống.", errors=[ErrorItem(loc=["file"], msg="Tệp trống", type="file_invalid")])
    head = [str(c or "").strip() for c in rows[0]]
    codes = [h.split(" ")[0] for h in head]
    position = {c: i for i, c in enumerate(codes) if c}
    indices = content.indices()
    missing = [k for k in ("unit_code", "name", *(i.code for i in indices)) if k not in position]
    known = {k for k, _ in BASE} | {i.code for i in indices}
    unknown = [h for h, c in zip(head, codes, strict=True) if c and c not in known]
    if missing or unknown:
        errs = [
            ErrorItem(loc=["file", 1, k], msg="Thiếu cột này (xem mẫu)", type="missing_column", row=1) for k in missing
        ]
        errs += [
            ErrorItem(loc=["file", 1, h], msg="Cột không có trong mẫu", type="unknown_column", row=1) for h in unknown
        ]
        raise ValidationFailed("Dòng tiêu đề không khớp mẫu của bộ tiêu chí.", errors=errs)

    day = dating.own_date({"year": year}, ("year",))
    assert day is not None
    units: dict[str, tuple[int, str] | None] = {}
    errors: list[dict[str, Any]] = []
    n_errors = 0
    good: list[Good] = []
    seen_ext: set[str] = set()
    # A commune learning community is registered once a year: the commune's own row, once (409 by the API).
    self_taken = title in criteria.SELF_ASSESSED and bool(
        await session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(
                Registration.unit_path == scope.home_path(principal),
                Registration.title == title,
                Registration.year == year,
            )
        )
    )

    def err(rown: int, key: str, msg: str, kind: str) -> None:
        nonlocal n_errors
        n_errors += 1
        if len(errors) < MAX_ERRORS:
            i = position[key]
            errors.append(_error(rown, i, head[i], msg, kind))

    # Each column's place read once; a row shorter than the header reads None (a column it lacks: its last).
    width = max(position.values()) + 2
    i_code, i_name = position["unit_code"], position["name"]
    i_village, i_ext = position.get("village", width - 1), position.get("external_id", width - 1)
    scored = [(ix.code, position[ix.code], ix.max_points) for ix in indices]
    rule = criteria.evaluator(content)
    for n, r in enumerate(rows[1:], start=2):
        if not any(c not in (None, "") for c in r):
            continue
        if len(r) < width:
            r = [*r, *([None] * (width - len(r)))]
        before = n_errors
        code = str(r[i_code] or "").strip()
        if code not in units:
            units[code] = await _unit(session, principal, code, day)
        unit = units[code]
        if unit is None:
            err(
                n,
                "unit_code",
                f"Không có đơn vị {code or '(trống)'} trong phạm vi của bạn vào ngày {day}",
                "unknown_unit",
            )
        name = str(r[i_name] or "").strip()
        if not name or len(name) > 200:
            err(n, "name", "Cần tên (tối đa 200 ký tự)", "name")
        village = str(r[i_village] or "").strip()
        if len(village) > 200:
            err(n, "village", "Tối đa 200 ký tự", "too_long")
        ext = str(r[i_ext] or "").strip() or None
        if ext is not None and (len(ext) > 100 or ext in seen_ext):
            err(n, "external_id", "Mã riêng trùng với dòng khác hoặc quá 100 ký tự", "external_id")
        if ext:
            seen_ext.add(ext)
        scores: dict[str, int] = {}
        for index_code, i, top in scored:
            value = _int(r[i])
            if value is None or not 0 <= value <= top:
                err(n, index_code, f"Điểm phải là số nguyên từ 0 đến {top}", "out_of_range")
            else:
                scores[index_code] = value
        if unit is not None and title in criteria.SELF_ASSESSED and unit[1] != scope.home_path(principal):
            err(
                n, "unit_code", "Cộng đồng học tập cấp xã do chính xã tự đánh giá: chỉ mã của xã bạn", "self_assessment"
            )
        elif unit is not None and title in criteria.SELF_ASSESSED and (self_taken or good):
            err(n, "unit_code", f"Xã đã đăng ký danh hiệu này năm {year}: mỗi năm một lần", "registration_duplicate")
        if n_errors == before and unit is not None:
            result = rule(scores)
            good.append((unit[0], unit[1], name, village, ext, scores, result.total, result.passed, result.rating))
    if n_errors:
        raise ValidationFailed(f"Tệp có {n_errors} ô sai: không dòng nào được ghi.", errors=[_item(e) for e in errors])
    passed = sum(1 for g in good if g[7])
    if dry_run or not good:
        return ImportOut(dry_run=dry_run, total_rows=len(good), created_rows=0, passed_rows=passed, errors=[])
    await _write(session, principal, good, title, group, year, version)
    await derived.refresh(session, principal, year, {g[1] for g in good}, [title])
    return ImportOut(dry_run=False, total_rows=len(good), created_rows=len(good), passed_rows=passed, errors=[])


# A score cell as a CSV gives it ("0" … "100"): its number by one lookup, for the 10 to 15 cells of each row.
_SMALL = {str(i): i for i in range(1001)}


def _int(raw: Any) -> int | None:
    if type(raw) is str:  # a CSV's every cell: the same answer as below, without the checks for other types
        known = _SMALL.get(raw)
        if known is not None:
            return known
        text = raw.strip()
        # ASCII digits only: "²".isdigit() is true and int("²") raises (a 500 found by hand).
        return int(text) if text.isascii() and text.isdigit() else None
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    text = str(raw).strip()
    return int(text) if text.isascii() and text.isdigit() else None


async def _unit(session: AsyncSession, principal: Principal, code: str, day: Any) -> tuple[int, str] | None:
    if not code:
        return None
    try:
        row = await dating.resolve(session, dating.UnitRef(code, day, ("file", "unit_code")))
    except ValidationFailed:
        return None
    return (row.id, row.path) if scope.visible(principal, row.path) else None


# The serialized fields that differ from one imported row to the next (the rest: the sheet's, or the import's).
_SAME_NAME = ("id", "external_id", "partner", "name", "village", "scores", "total", "passed", "rating")
_VARYING = frozenset({*_SAME_NAME, "unit_code"})
# The registrations' columns as ``_write``'s ``values()`` gives them (the COPY's tuples are in this order).
_COPY_COLUMNS = [
    *("id", "unit_id", "unit_path", "partner", "external_id", "title", "target_group", "year", "name", "village"),
    *("status", "criteria_version", "scores", "total", "passed", "rating", "scored_by_kind", "scored_by_id"),
    *("scored_by_unit_path", "scored_on", "erased", "version", "created_at", "updated_at"),
]


async def _write(
    session: AsyncSession,
    principal: Principal,
    good: list[Good],
    title: str,
    group: str | None,
    year: int,
    version: int,
) -> None:
    now = utcnow()
    today = now.date()
    scorer = (principal.kind, principal.id, scope.home_path(principal))
    partner = principal.partner
    codes = await kit.unit_codes(session, {g[0] for g in good})
    postgres = session.get_bind().dialect.name == "postgresql"

    def values(ids: Iterable[int | None]) -> Iterator[dict[str, Any]]:
        for rid, (unit_id, path, name, village, ext, scores, total, ok, rating) in zip(ids, good, strict=True):
            yield {
                **({"id": rid} if rid is not None else {}),
                "unit_id": unit_id,
                "unit_path": path,
                "partner": partner if ext else None,
                "external_id": ext,
                "title": title,
                "target_group": group,
                "year": year,
                "name": name,
                "village": village,
                "status": "scored",
                "criteria_version": version,
                "scores": scores,
                "total": total,
                "passed": ok,
                "rating": rating,
                "scored_by_kind": scorer[0],
                "scored_by_id": scorer[1],
                "scored_by_unit_path": scorer[2],
                "scored_on": today,
                "erased": False,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }

    # What the serializer gives for a row of this sheet, made once: the rows differ only in ``_VARYING``, whose
    # values are the same in Python and in JSON (numbers, text, booleans, None, the scores' dict of numbers).
    template: dict[str, Any] = {}

    def items(ids: list[int]) -> Iterator[tuple[int, str, str | None, str | None, dict[str, Any]]]:
        if not template:
            v = next(values(ids[:1]))
            # A plain namespace has the attributes the serializer reads, without an ORM object.
            obj = cast(Registration, SimpleNamespace(**v, verified_on=None, return_reason=None, decision_id=None))
            template.update(service.registration_row(obj, codes[v["unit_id"]]).model_dump(mode="json"))
            assert template.keys() >= _VARYING
        copy = template.copy
        for rid, (unit_id, path, name, village, ext, scores, total, ok, rating) in zip(ids, good, strict=True):
            data = copy()  # the keys in the serializer's order; ``_VARYING``'s values set below
            data["id"] = rid
            data["external_id"] = ext
            data["partner"] = own = partner if ext else None
            data["name"] = name
            data["village"] = village
            data["scores"] = scores
            data["total"] = total
            data["passed"] = ok
            data["rating"] = rating
            data["unit_code"] = codes[unit_id]
            yield rid, path, ext, own, data

    if postgres:
        driver = (await (await session.connection()).get_raw_connection()).driver_connection
        assert driver is not None
        ids = await reserve_ids(driver, "recognition_registrations", len(good))
        columns = list(next(values(ids[:1])).keys())
        assert columns == _COPY_COLUMNS
        # ``values()``'s rows as tuples in its column order, without a dict per row (the scores as JSON text).
        records = (
            (
                *(rid, unit_id, path, partner if ext else None, ext, title, group, year, name, village, "scored"),
                *(version, to_json(scores).decode(), total, ok, rating, *scorer, today, False, 1, now, now),
            )
            for rid, (unit_id, path, name, village, ext, scores, total, ok, rating) in zip(ids, good, strict=True)
        )
        await driver.copy_records_to_table("recognition_registrations", records=_paced(records), columns=columns)

        def pace(records: Iterable[tuple[Any, ...]], offset: int) -> AsyncIterator[Any]:
            return _paced(records)

        await journal.copy_created(
            session, principal, action="import", kind=service.REG, count=len(good), items=lambda: items(ids), pace=pace
        )
        return
    all_ids: list[int] = []
    rows = list(values([None] * len(good)))
    for start in range(0, len(rows), CHUNK):
        result = await session.execute(
            insert(Registration).returning(Registration.id, sort_by_parameter_order=True), rows[start : start + CHUNK]
        )
        all_ids += [r[0] for r in result.all()]
    await journal.write_created(session, principal, action="import", kind=service.REG, items=list(items(all_ids)))


async def _paced(records: Iterable[tuple[Any, ...]]) -> AsyncIterator[Any]:
    for k, item in enumerate(records, 1):
        yield item
        if k % CHUNK == 0:
            await asyncio.sleep(0)
