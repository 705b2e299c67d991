"""Bulk import of awards (CSV or XLSX) as a job: all rows or none, every bad cell named, progress
for a progress bar, possible duplicates reported.

The job row is committed before the work starts and after it ends, in their own transactions;
the awards themselves are written in one transaction, so a crash leaves all of them or none. A
job whose worker died shows as failed once its heartbeat is old.

On PostgreSQL (``stream``) the file is written as it is read, a part at a time: while a part's awards and
change-feed rows go in with ``COPY`` (ids reserved from the awards' sequence first), the next part is read and
checked in a thread; a bad cell stops the writing and rolls it back to a savepoint (every bad cell is still
named), and the audit entries go in last (``journal.BulkCreated``). On SQLite the file is checked whole, then
written with batched INSERTs. Both write the same rows in the same transaction. docs/benchmarks.md has the
figures.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import itertools
import operator
import re
import unicodedata
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any, cast

import structlog
from pydantic import TypeAdapter
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api import journal
from api.auth import scope
from api.auth.principal import Principal
from api.awards.schemas import AwardFields, ImportJobOut
from api.awards.service import category_ids, category_names
from api.core import spreadsheet
from api.core.config import get_settings
from api.core.errors import PayloadTooLarge
from api.core.spreadsheet import BROKEN, SheetProblem, column_letter
from api.core.text import clean_external_id
from api.db.base import utcnow
from api.db.engine import Database, write_intent
from api.db.ids import reserve as reserve_ids
from api.models import Award, ImportJob
from api.ops import metrics
from api.registries.kit import RecordIn
from api.units import dating

log = structlog.get_logger(__name__)

COLUMNS = {  # code name → Vietnamese header also accepted
    "unit_code": "Mã đơn vị",
    "recipient_name": "Họ và tên",
    "recipient_kind": "Đối tượng",
    "school": "Trường",
    "category": "Loại khen thưởng",
    "year": "Năm",
    "awarded_on": "Ngày trao",
    "amount_vnd": "Số tiền (đồng)",
    "gift_value_vnd": "Giá trị quà (đồng)",
    "external_id": "Mã riêng",
}
REQUIRED = ("unit_code", "recipient_name", "recipient_kind", "category", "year")
KINDS = {
    "pupil": "pupil",
    "học sinh": "pupil",
    "student": "student",
    "sinh viên": "student",
    "teacher": "teacher",
    "giáo viên": "teacher",
    "other": "other",
    "khác": "other",
}
CHUNK = 5_000
MAX_ERRORS = 1_000
# The API's own bounds (issue 14, Medium 8): a value the API refuses is refused here too, by row and column.
YEARS = cast(tuple[int, int], spreadsheet.int_bounds(AwardFields, "year"))
MONEY = {n: cast(tuple[int, int], spreadsheet.int_bounds(AwardFields, n)) for n in ("amount_vnd", "gift_value_vnd")}
EXTERNAL_LENGTH = spreadsheet.max_length(RecordIn, "external_id")
LENGTHS = {n: spreadsheet.max_length(AwardFields, n) for n in ("recipient_name", "school")}
_HEADERS = {**{k: k for k in COLUMNS}, **{v.casefold(): k for k, v in COLUMNS.items()}}


@dataclass
class Progress:
    """What a running job has done, kept in memory (SQLite cannot take a second writer mid-import);
    on PostgreSQL ``beat`` also writes it to the job row, for the other workers."""

    phase: str = "reading"
    total: int = 0
    done: int = 0
    beat: Callable[[Progress], Awaitable[None]] | None = None

    async def tick(self) -> None:
        if self.beat is not None:
            await self.beat(self)


RUNNING: dict[int, Progress] = {}
_TASKS: set[asyncio.Task[None]] = set()


def read_rows(data: bytes, filename: str) -> tuple[dict[int, str], Iterator[tuple[int, list[Any]]]]:
    """(column index → field, iterator of (row number, cells)) of a CSV or XLSX file; SheetProblem when
    it cannot be read. All of the file is parsed here: call it in a thread."""
    table = spreadsheet.read_table(data)
    if not table or not table[0]:
        raise SheetProblem("Tệp trống", "file_invalid")
    return _index(table[0]), ((n, r) for n, r in enumerate(table[1:], start=2))


def _index(header: Sequence[Any]) -> dict[int, str]:
    """Column index → field, from the header row (code names or the template's Vietnamese headers)."""
    return {
        i: _HEADERS[str(h).strip().casefold()]
        for i, h in enumerate(header)
        if h is not None and str(h).strip().casefold() in _HEADERS
    }


def _read_listed(data: bytes, filename: str) -> tuple[dict[int, str], list[tuple[int, list[Any]]]]:
    index, rows = read_rows(data, filename)
    return index, list(rows)


def _category_lookup(names: dict[str, tuple[int, str]]) -> Callable[[str], int | None]:
    """A category by its code or by its Vietnamese name, written with or without diacritics."""
    ids = {code: cid for code, (cid, _) in names.items()}
    ids.update({fold_name(name): cid for cid, name in names.values()})
    ids.update({fold_name(code.replace("_", " ")): cid for code, (cid, _) in names.items()})

    def find(text: str) -> int | None:
        return ids.get(text) or ids.get(fold_name(text.replace("_", " ")))

    return find


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _int(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text.isdecimal():  # the usual cell, without the regular expressions below
            return int(text)
    elif isinstance(value, bool):
        raise ValueError
    elif isinstance(value, int):
        return value
    elif isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    if re.fullmatch(r"\d{1,3}([.,  ]\d{3})+|\d+", text):
        return int(re.sub(r"\D", "", text))
    raise ValueError


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        quick = _quick_date(text)
        if quick is not None:
            return quick
    elif isinstance(value, dt.datetime):
        return value.date()
    elif isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError


def _quick_date(text: str) -> dt.date | None:
    """YYYY-MM-DD and d/m/YYYY in ASCII digits, as strptime reads them, without strptime (slow); None
    for anything else (strptime decides). An impossible date raises ValueError, as strptime does."""
    if not text.isascii():
        return None
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        y, m, d = text[:4], text[5:7], text[8:]
    else:
        parts = text.split("/")
        if len(parts) != 3:
            return None
        d, m, y = parts
        if not (1 <= len(d) <= 2 and 1 <= len(m) <= 2 and len(y) == 4):
            return None
    if not (y.isdigit() and m.isdigit() and d.isdigit()) or int(m) == 0 or int(d) == 0:
        return None
    return dt.date(int(y), int(m), int(d))


class _Marks(dict[int, int | None]):
    """The table str.translate folds with: a combining character to None (removed), any other to itself.

    Filled as characters are met (the whole table took ~0.5 s to build, on the first import of each
    worker); at most ``LIMIT`` are kept, so that a file of every character cannot grow the worker."""

    LIMIT = 20_000

    def __missing__(self, cp: int) -> int | None:
        value = None if unicodedata.combining(chr(cp)) else cp
        if len(self) < self.LIMIT:
            self[cp] = value
        return value


_MARKS = _Marks()


def _combining() -> dict[int, int | None]:
    return _MARKS


def fold_name(text: str) -> str:
    """api.core.text.fold, the same result, several times faster on a file's worth of names."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join(decomposed.translate(_combining()).lower().split())


FIELDS = (
    "unit_code",
    "unit_id",
    "unit_path",
    "year",
    "awarded_on",
    "recipient_name",
    "recipient_kind",
    "school",
    "category_id",
    "amount_vnd",
    "gift_value_vnd",
    "external_id",
)


@dataclass
class Checked:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    columns: dict[str, list[Any]] | None = None  # the same rows field by field (the fast check makes these)
    numbers: list[int] = field(default_factory=list)  # each row's line in the file
    duplicate_rows: int | None = None  # when ``duplicates`` holds only the first of them (the streamed import)
    folded: list[str] | None = None  # the names as duplicates compare them (the column check folds them in its thread)

    def by_field(self) -> dict[str, list[Any]]:
        if self.columns is None:
            self.columns = {f: [r.get(f) for r in self.rows] for f in FIELDS}
        return self.columns

    def skip_duplicates(self) -> None:
        """Leave out every row reported as a duplicate (of an earlier row or of an award already there)."""
        drop = {d["row"] for d in self.duplicates}
        if not drop:
            return
        keep = [i for i, n in enumerate(self.numbers) if n not in drop]
        if self.columns is not None:
            self.columns = {f: [values[i] for i in keep] for f, values in self.columns.items()}
            self.rows = []
        else:
            self.rows = [self.rows[i] for i in keep]
        self.numbers = [self.numbers[i] for i in keep]

    def as_rows(self) -> list[dict[str, Any]]:
        if not self.rows and self.columns:
            self.rows = [dict(zip(FIELDS, values, strict=True)) for values in zip(*self.columns.values(), strict=True)]
        return self.rows


_GC_PAUSES = 0


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a file's rows are built: with millions of young objects the
    collector ran again and again over them and took half of the time. Objects are still freed by
    reference counting; collection resumes when the last running import leaves."""
    global _GC_PAUSES
    _GC_PAUSES += 1
    if _GC_PAUSES == 1:
        gc.disable()
    try:
        yield
    finally:
        _GC_PAUSES -= 1
        if _GC_PAUSES == 0:
            gc.enable()


async def check(session: AsyncSession, principal: Principal, data: bytes, filename: str, progress: Progress) -> Checked:
    with _gc_paused():
        return await _check(session, principal, data, filename, progress)


async def _check(
    session: AsyncSession, principal: Principal, data: bytes, filename: str, progress: Progress
) -> Checked:
    out = Checked()

    def bad(row: int, col: int | str, name: str, msg: str, kind: str) -> None:
        if len(out.errors) < MAX_ERRORS:
            # Named as the template heads it, so that a person finds it; `type` stays stable for programs.
            column = f"{column_letter(col)} ({COLUMNS.get(name, name)})" if isinstance(col, int) else col
            out.errors.append({"row": row, "column": column, "msg": msg, "type": kind})

    try:
        # Off the event loop: parsing is seconds of CPU for a large file (issue 14, Medium 9).
        index, listed = await asyncio.to_thread(_read_listed, data, filename)
    except (SheetProblem, PayloadTooLarge, *BROKEN) as exc:
        out.errors.append(_file_error(exc))
        return out
    try:
        if not spreadsheet.is_workbook(data):  # CSV: every cell is text
            fast = await _check_fast(session, principal, index, listed, progress)
            if fast is not None:
                return fast
        return await _check_rows(session, principal, index, iter(listed), out, progress, bad)
    except BROKEN:
        out.rows.clear()
        out.errors.append(_file_error(None))
        return out


def _file_error(exc: BaseException | None) -> dict[str, Any]:
    """The job's error for a file that cannot be read: the row and column when a cell is to blame."""
    if isinstance(exc, SheetProblem):
        column = exc.column if exc.row else ""
        return {"row": exc.row, "column": column, "msg": exc.msg, "type": exc.kind}
    if isinstance(exc, PayloadTooLarge):
        return {"row": 0, "column": "", "msg": exc.detail, "type": "file_too_large"}
    return {"row": 0, "column": "", "msg": "Không đọc được tệp (tệp hỏng hoặc không hợp lệ)", "type": "file_invalid"}


_SLOW = object()


@dataclass
class _Cells:
    """A CSV part's rows checked column by column, their units not read yet (``_cells``, then ``_place``)."""

    numbers: list[int]
    codes: list[str]
    days: list[dt.date]  # the date each row's unit code is read on
    years: list[int]
    dates: list[dt.date | None]
    names: list[str]
    kinds: list[str]
    category_of: list[int]
    schools: list[str]
    externals: list[str | None]
    amounts: list[int | None]
    gifts: list[int | None]
    folded: list[str]  # the names as duplicates compare them (``_fold_all``)


def _cells(
    index: dict[int, str], listed: list[tuple[int, list[Any]]], find_category: Callable[[str], int | None]
) -> _Cells | None:
    """The check of a CSV part column by column, most of it in C (str methods mapped over columns), without the
    database (the streamed import runs it in a thread while the previous part is written).

    It accepts exactly what ``_check_rows`` accepts and reads the cells as it does; at the first cell it cannot
    take as it is, it gives up (None) and ``_check_rows`` names every bad cell."""
    where = {name: i for i, name in index.items()}
    if any(name not in where for name in REQUIRED):
        return None
    body = [(n, cells) for n, cells in listed if "".join(cells).strip()]
    if not body:
        return None
    width = max(index, default=0) + 2
    cols = list(zip(*(c if len(c) >= width else c + [""] * (width - len(c)) for _, c in body), strict=False))
    at = {name: where.get(name, width - 1) for name in COLUMNS}

    years_text = list(map(str.strip, cols[at["year"]]))
    if not all(map(str.isdecimal, years_text)):
        return None
    years = list(map(int, years_text))
    if min(years) < YEARS[0] or max(years) > YEARS[1]:
        return None
    amounts, gifts = _ints(cols[at["amount_vnd"]], "amount_vnd"), _ints(cols[at["gift_value_vnd"]], "gift_value_vnd")
    if amounts is None or gifts is None:
        return None
    try:  # each distinct text read once: a file has a few hundred days in it
        read = {text: _date(text) for text in set(cols[at["awarded_on"]])}
    except ValueError:
        return None
    dates = list(map(read.__getitem__, cols[at["awarded_on"]]))
    codes = list(map(str.strip, cols[at["unit_code"]]))
    names = list(map(_cut(LENGTHS["recipient_name"]), map(" ".join, map(str.split, cols[at["recipient_name"]]))))
    kinds = list(map(KINDS.get, map(str.casefold, map(str.strip, cols[at["recipient_kind"]]))))
    category_of = list(map(find_category, map(str.strip, cols[at["category"]])))
    if not (all(codes) and all(names)) or None in kinds or None in category_of:
        return None
    schools = list(map(_cut(LENGTHS["school"]), map(str.strip, cols[at["school"]])))
    externals = [x.strip()[:EXTERNAL_LENGTH] if x else None for x in cols[at["external_id"]]]
    if not all(x.isascii() and x.isprintable() for x in externals if x):
        return None  # the row check normalises them and names an invisible character
    days = [d or dating.year_end(y) for d, y in zip(dates, years, strict=True)]
    return _Cells(
        numbers=[n for n, _ in body],
        codes=codes,
        days=days,
        years=years,
        dates=dates,
        names=names,
        kinds=cast(list[str], kinds),
        category_of=cast(list[int], category_of),
        schools=schools,
        externals=externals,
        amounts=amounts,
        gifts=gifts,
        folded=_fold_all(names),
    )


async def _place(resolver: dating.Resolver, principal: Principal, cells: _Cells) -> Checked | None:
    """A part's units, each row's code read on its own date (api.units.dating), inside the caller's scope: the
    part's rows field by field; None when a code names no unit there (``_check_rows`` names the cells).

    A code that names one and the same unit on every day of the part (``Resolver.spanning``: nearly every code
    of a year's file) is looked up once; the rows of the others by (code, date)."""
    spans = await resolver.spanning(cells.codes, min(cells.days), max(cells.days))
    whole = {code: (u.id, u.path) for code, u in spans.items()}
    located: list[tuple[int, str] | None] = list(map(whole.get, cells.codes))
    if None in located:
        rest = [(i, (c, d)) for i, (c, d, u) in enumerate(zip(cells.codes, cells.days, located, strict=True)) if not u]
        found = await resolver.resolve(p for _, p in rest)
        for i, pair in rest:
            unit = found.get(pair)
            if unit is None:
                return None
            located[i] = (unit.id, unit.path)
    units = cast(list[tuple[int, str]], located)
    if not all(scope.visible(principal, path) for path in {u[1] for u in units}):
        return None
    columns: dict[str, list[Any]] = {
        "unit_code": cells.codes,
        "unit_id": [u[0] for u in units],
        "unit_path": [u[1] for u in units],
        "year": cells.years,
        "awarded_on": cells.dates,
        "recipient_name": cells.names,
        "recipient_kind": cells.kinds,
        "school": cells.schools,
        "category_id": cells.category_of,
        "amount_vnd": cells.amounts,
        "gift_value_vnd": cells.gifts,
        "external_id": cells.externals,
    }
    return Checked(total=len(cells.numbers), columns=columns, numbers=cells.numbers, folded=cells.folded)


async def _check_fast(
    session: AsyncSession,
    principal: Principal,
    index: dict[int, str],
    listed: list[tuple[int, list[Any]]],
    progress: Progress,
) -> Checked | None:
    """A whole CSV file checked column by column (``_cells``, ``_place``), with its duplicates; None when a cell
    needs the row check."""
    progress.phase = "checking"
    cells = _cells(index, listed, _category_lookup(await category_names(session)))
    if cells is None:
        return None
    out = await _place(dating.Resolver(session), principal, cells)
    if out is None:
        return None
    unit_ids = cast(list[int], out.by_field()["unit_id"])
    existing = await _existing_keys(session, set(unit_ids), set(cells.years))
    seen: dict[tuple[str, int, int, int], int] = {}
    keys = zip(cells.folded, cells.category_of, cells.years, unit_ids, strict=True)
    for n, key, name in zip(cells.numbers, keys, cells.names, strict=True):
        first = seen.get(key)
        if first is not None:
            out.duplicates.append({"row": n, "same_as_row": first, "recipient_name": name})
            continue
        if key in existing:
            out.duplicates.append({"row": n, "existing_award_id": existing[key], "recipient_name": name})
        seen[key] = n
    progress.done = progress.total = out.total
    return out


def _ints(values: Sequence[str], name: str) -> list[int | None] | None:
    """Integers of a column within the API's bounds (empty cells None), as ``_int`` reads them; None if one is bad."""
    digits = len(str(MONEY[name][1]))
    out: list[Any] = [
        int(x) if x.isdecimal() and len(x) <= digits else (None if not x else _SLOW) for x in map(str.strip, values)
    ]
    for i, x in enumerate(out):
        if x is _SLOW:
            try:
                value = _int(values[i])
            except ValueError:
                return None
            if value is None or value < 0:
                return None
            out[i] = value
    low, high = MONEY[name]
    if any(x is not None and not low <= x <= high for x in out):
        return None
    return out


def _cut(n: int) -> Callable[[str], str]:
    return operator.itemgetter(slice(None, n))


def _fold_all(names: list[str]) -> list[str]:
    """``fold_name`` of every name, in a few calls on one string (names have no line breaks left)."""
    if any("\n" in x for x in names):
        return [fold_name(x) for x in names]
    joined = "\n".join(names).replace("đ", "d").replace("Đ", "D")
    folded = unicodedata.normalize("NFD", joined).translate(_combining()).lower()
    return list(map(" ".join, map(str.split, folded.split("\n"))))


async def _check_rows(
    session: AsyncSession,
    principal: Principal,
    index: dict[int, str],
    rows: Iterator[tuple[int, list[Any]]],
    out: Checked,
    progress: Progress,
    bad: Callable[[int, int | str, str, str, str], None],
    *,
    dedupe: bool = True,
) -> Checked:
    where = {name: i for i, name in index.items()}
    for name in REQUIRED:
        if name not in where:
            bad(1, "", name, f"Thiếu cột «{COLUMNS[name]}» (hoặc {name})", "missing_column")
    if out.errors:
        return out
    category_id = _category_lookup(await category_names(session))
    parsed: list[tuple[int, dict[str, Any]]] = []
    progress.phase = "checking"
    # Column index of each field, read once; a field the file lacks reads a column that is always empty.
    width = max(index, default=0) + 2
    at = {name: where.get(name, width - 1) for name in COLUMNS}
    i_year, i_amount, i_gift, i_date = at["year"], at["amount_vnd"], at["gift_value_vnd"], at["awarded_on"]
    i_code, i_name, i_kind, i_category = at["unit_code"], at["recipient_name"], at["recipient_kind"], at["category"]
    i_school, i_external = at["school"], at["external_id"]
    required = [(name, at[name]) for name in REQUIRED]

    for n, cells in rows:
        if (not cells or _blank(cells[0])) and all(_blank(c) for c in cells):
            continue
        if len(cells) < width:
            cells = cells + [None] * (width - len(cells))
        row: dict[str, Any] = {}
        for name, i in (("year", i_year), ("amount_vnd", i_amount), ("gift_value_vnd", i_gift)):
            try:
                value = row[name] = _int(cells[i])
                if value is not None and value < 0:
                    raise ValueError
            except ValueError:
                bad(n, where[name], name, "Phải là một số nguyên không âm", "int_parsing")
                continue
            if name in MONEY and value is not None and not MONEY[name][0] <= value <= MONEY[name][1]:
                bad(
                    n,
                    where[name],
                    name,
                    f"Phải từ {MONEY[name][0]} đến {MONEY[name][1]:,} đồng".replace(",", "."),
                    "range",
                )
        try:
            row["awarded_on"] = _date(cells[i_date])
        except ValueError:
            bad(n, where["awarded_on"], "awarded_on", "Ngày không hợp lệ (YYYY-MM-DD hoặc dd/mm/yyyy)", "date_parsing")
        for name, i in required:
            value = cells[i]
            if value is None or str(value).strip() == "":
                bad(n, where[name], name, "Không được để trống", "missing")
        code = cells[i_code]
        row["unit_code"] = str(int(code)).zfill(5) if isinstance(code, int | float) else str(code or "").strip()
        row["recipient_name"] = " ".join(str(cells[i_name] or "").split())[: LENGTHS["recipient_name"]]
        given_kind = cells[i_kind]
        kind = KINDS.get(str(given_kind or "").strip().casefold())
        if given_kind and kind is None:
            bad(
                n,
                where["recipient_kind"],
                "recipient_kind",
                "Đối tượng phải là: học sinh, sinh viên, giáo viên hoặc khác",
                "enum",
            )
        row["recipient_kind"] = kind
        category = str(cells[i_category] or "").strip()
        row["category_id"] = category_id(category)
        if category and row["category_id"] is None:
            bad(
                n,
                where["category"],
                "category",
                f"Không có loại khen thưởng “{category[:40]}” (ghi tên hoặc mã loại như trong danh sách của tệp mẫu)",
                "unknown",
            )
        row["school"] = str(cells[i_school] or "").strip()[: LENGTHS["school"]]
        external = cells[i_external]
        try:
            row["external_id"] = clean_external_id(str(external).strip()[:EXTERNAL_LENGTH]) if external else None
        except ValueError as exc:
            bad(n, where["external_id"], "external_id", str(exc), "external_id_invisible")
        year = row.get("year")
        if year is not None and not YEARS[0] <= year <= YEARS[1]:
            bad(n, where["year"], "year", f"Năm phải từ {YEARS[0]} đến {YEARS[1]}", "range")
        parsed.append((n, row))
        progress.done += 1
        if progress.done % CHUNK == 0:
            await progress.tick()
    out.total = progress.total = len(parsed)
    # Units: each row's code read on its own date (api.units.dating), inside the caller's scope.
    years = {r["year"] for _, r in parsed if isinstance(r.get("year"), int) and YEARS[0] <= r["year"] <= YEARS[1]}
    day_of = {n: r.get("awarded_on") or dating.year_end(r["year"]) for n, r in parsed if r.get("year") in years}
    found = await dating.resolve_many(session, {(r["unit_code"], day_of[n]) for n, r in parsed if n in day_of})
    units = {p: (u.id, u.path) for p, u in found.items()}
    seen: dict[tuple[str, int, int, int], int] = {}
    existing = await _existing_keys(session, {u for u, _ in units.values()}, years) if dedupe else {}
    for n, r in parsed:
        unit = units.get((r["unit_code"], day_of[n])) if n in day_of else None
        if unit is None or not scope.visible(principal, unit[1]):
            if n in day_of and r["unit_code"]:
                bad(
                    n,
                    where["unit_code"],
                    "unit_code",
                    f"Không có đơn vị mã {r['unit_code'][:20]} trong phạm vi của bạn "
                    f"vào ngày {dating.vn_date(day_of[n])}",
                    "unknown_unit",
                )
            continue
        r["unit_id"], r["unit_path"] = unit
        if not dedupe:
            continue
        key = (fold_name(r["recipient_name"]), r["category_id"] or 0, r["year"], unit[0])
        if key in seen:
            out.duplicates.append({"row": n, "same_as_row": seen[key], "recipient_name": r["recipient_name"]})
        elif key in existing:
            out.duplicates.append({"row": n, "existing_award_id": existing[key], "recipient_name": r["recipient_name"]})
        seen.setdefault(key, n)
    out.rows = [r for _, r in parsed]
    out.numbers = [n for n, _ in parsed]
    return out


async def _existing_keys(
    session: AsyncSession, unit_ids: set[int], years: set[int]
) -> dict[tuple[str, int, int, int], int]:
    if not unit_ids or not years:
        return {}
    stmt = select(Award.id, Award.recipient_name, Award.category_id, Award.year, Award.unit_id).where(
        Award.unit_id.in_(unit_ids), Award.year.in_(years)
    )
    return {
        (fold_name(a.recipient_name), a.category_id, a.year, a.unit_id): a.id
        for a in (await session.execute(stmt)).all()
    }


async def write(session: AsyncSession, principal: Principal, job_id: int, checked: Checked, progress: Progress) -> int:
    progress.phase, progress.done = "writing", 0
    with _gc_paused():
        if session.get_bind().dialect.name == "postgresql":
            return await _copy(session, principal, job_id, checked, progress)
        return await _insert(session, principal, job_id, checked, progress)


async def _insert(
    session: AsyncSession, principal: Principal, job_id: int, checked: Checked, progress: Progress
) -> int:
    """SQLite: batched INSERTs with RETURNING, and the feed rows of each batch."""
    now = utcnow()
    partner = principal.partner
    fields = (
        "unit_id",
        "unit_path",
        "year",
        "awarded_on",
        "recipient_name",
        "recipient_kind",
        "school",
        "category_id",
        "amount_vnd",
        "gift_value_vnd",
        "external_id",
    )
    codes = {v: k for k, v in (await category_ids(session)).items()}
    rows = checked.as_rows()
    for start in range(0, len(rows), CHUNK):
        source = rows[start : start + CHUNK]
        chunk: list[dict[str, Any]] = [
            {
                **{f: r.get(f) for f in fields},
                "amount_vnd": r.get("amount_vnd") or 0,
                "gift_value_vnd": r.get("gift_value_vnd") or 0,
                "school": r.get("school") or "",
                "import_job_id": job_id,
                "partner": partner if r.get("external_id") else None,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
            for r in source
        ]
        ids = (await session.execute(insert(Award).returning(Award.id), chunk)).scalars().all()
        at = _json_time(now)
        items = [
            (aid, row["unit_path"], row["external_id"], row["partner"], _feed_data(aid, raw | row, codes, at))
            for aid, row, raw in zip(ids, chunk, source, strict=True)
        ]
        await journal.write_created(session, principal, action="import", kind="award", items=items)
        progress.done += len(chunk)
        await progress.tick()
        await asyncio.sleep(0)  # let status requests in
    return len(rows)


AWARD_COLUMNS = [
    "id",
    "unit_id",
    "unit_path",
    "year",
    "awarded_on",
    "recipient_name",
    "recipient_kind",
    "school",
    "category_id",
    "amount_vnd",
    "gift_value_vnd",
    "external_id",
    "partner",
    "import_job_id",
    "version",
    "created_at",
    "updated_at",
]


async def _copy(session: AsyncSession, principal: Principal, job_id: int, checked: Checked, progress: Progress) -> int:
    """PostgreSQL: the awards, then their change-feed rows and audit entries, each in one binary COPY in this
    transaction (``_copy_part`` then the journal's ``finish``)."""
    bulk = journal.BulkCreated(session, principal, action="import", kind="award")
    codes = {v: k for k, v in (await category_ids(session)).items()}
    ids = await _copy_part(session, job_id, checked, progress, bulk, codes)
    await bulk.finish(_pacer(progress))
    return len(ids)


async def _copy_part(
    session: AsyncSession,
    job_id: int,
    checked: Checked,
    progress: Progress,
    bulk: journal.BulkCreated,
    codes: dict[int, str],
    on_copy: Callable[[], None] = lambda: None,
) -> list[int]:
    """PostgreSQL: a part's awards with binary COPY, then their feed versions (``bulk``, whose ``finish`` writes
    the audit entries once every part is in): the ids given to the part's rows, in their order.

    The rows are what ``write`` inserts on SQLite, ids included (reserved from the awards' sequence first, so the
    feed rows can name them); the feed's ``data`` is the JSON ``_feed_data`` gives."""
    cols = checked.by_field()
    n = len(cols["year"])
    if not n:
        return []
    driver = await _driver(session)
    ids = await reserve_ids(driver, "awards", n)
    now = bulk.at
    partner = bulk.actor.partner
    externals = cols["external_id"]
    partners = [partner if e else None for e in externals]
    amounts = [a or 0 for a in cols["amount_vnd"]]
    gifts = [g or 0 for g in cols["gift_value_vnd"]]
    schools = [s or "" for s in cols["school"]]
    awards = zip(
        ids,
        cols["unit_id"],
        cols["unit_path"],
        cols["year"],
        cols["awarded_on"],
        cols["recipient_name"],
        cols["recipient_kind"],
        schools,
        cols["category_id"],
        amounts,
        gifts,
        externals,
        partners,
        repeat(job_id),
        repeat(1),
        repeat(now),
        repeat(now),
    )
    on_copy()  # the streamed import reads the next part from here on: PostgreSQL has the rest of this one's work
    await driver.copy_records_to_table("awards", records=_paced(awards), columns=AWARD_COLUMNS)
    items = _feed_items(cols, ids, job_id, codes, _json_time(now), schools, amounts, gifts, partners)
    await bulk.add(n, items, _pacer(progress))
    return ids


def _pacer(progress: Progress) -> journal.Pace:
    def pace(records: Iterable[tuple[Any, ...]], offset: int) -> AsyncIterator[Any]:
        return _paced(records, progress)

    return pace


async def _paced(records: Iterable[tuple[Any, ...]], progress: Progress | None = None) -> AsyncIterator[Any]:
    """The records, letting status requests in (and the job's heartbeat) every ``CHUNK``."""
    for k, item in enumerate(records, 1):
        yield item
        if k % CHUNK == 0:
            if progress is not None:
                await progress.tick()
            await asyncio.sleep(0)


READ_CHUNK = 10_000  # rows read, checked and written (or staged) at a time by the streamed import

# What finding the duplicates needs of each row (its award's id when written), with the folded name they compare.
_STAGE_COLUMNS = ["row", "id", "unit_id", "year", "category_id", "recipient_name", "folded"]
_STAGE = """
CREATE TEMP TABLE award_import_rows (
    row integer NOT NULL, id integer, unit_id integer NOT NULL, year integer NOT NULL, category_id integer,
    recipient_name text NOT NULL, folded text NOT NULL
) ON COMMIT DROP
"""
_EXISTING = """
CREATE TEMP TABLE award_import_existing (
    id integer NOT NULL, unit_id integer NOT NULL, year integer NOT NULL, category_id integer NOT NULL,
    folded text NOT NULL
) ON COMMIT DROP
"""
# Awards already recorded with a file row's unit, year and category (not this import's own): their names are
# folded in Python (fold_name, as the rows' are), a batch at a time. The units and years also as arrays: the
# planner then reads the awards of those units and years by index (1.2 s on the national data set) rather than
# all of them (7.8 s).
_CANDIDATES = """
SELECT a.id, a.recipient_name, a.unit_id, a.year, a.category_id
FROM awards a JOIN (SELECT DISTINCT unit_id, year, category_id FROM award_import_rows) k
  ON a.unit_id = k.unit_id AND a.year = k.year AND a.category_id = k.category_id
WHERE a.unit_id = ANY($1::integer[]) AND a.year = ANY($2::integer[]) AND a.import_job_id IS DISTINCT FROM $3
"""
# Every duplicate in one statement: a row that repeats an earlier row of the file (same folded name,
# category, year and unit), or the first of such rows when an award already recorded has its key.
_DUPLICATES = """
CREATE TEMP TABLE award_import_duplicates ON COMMIT DROP AS
WITH k AS (
    SELECT row, id, recipient_name, unit_id, year, category_id, folded,
           min(row) OVER (PARTITION BY unit_id, year, category_id, folded) AS first
    FROM award_import_rows
), e AS (
    SELECT unit_id, year, category_id, folded, min(id) AS id FROM award_import_existing GROUP BY 1, 2, 3, 4
)
SELECT k.row, k.id AS award_id, k.recipient_name, NULLIF(k.first, k.row) AS same_as_row,
       CASE WHEN k.row = k.first THEN e.id END AS existing_award_id
FROM k LEFT JOIN e ON e.unit_id = k.unit_id AND e.year = k.year AND e.category_id = k.category_id
                  AND e.folded = k.folded
WHERE k.row <> k.first OR e.id IS NOT NULL
"""

_DROP = "DROP TABLE IF EXISTS award_import_rows, award_import_existing, award_import_duplicates"
_SAVEPOINT = "award_import"


def _take(rows: Iterator[list[Any]], first: int, n: int) -> list[tuple[int, list[Any]]]:
    """The next ``n`` rows of the file (in a thread: reading is CPU), numbered from ``first``."""
    return list(zip(range(first, first + n), itertools.islice(rows, n), strict=False))


async def stream(
    session: AsyncSession,
    principal: Principal,
    job_id: int,
    data: bytes,
    progress: Progress,
    *,
    dry_run: bool,
    skip_duplicates: bool,
) -> tuple[Checked, int]:
    """PostgreSQL: check the file and write it as it is read, a part of ``READ_CHUNK`` rows in memory at a time.

    Each part is read and checked (the column check, in a thread while the previous part is written; else the row
    check that names every bad cell, at most ``MAX_ERRORS``), then its awards and feed versions are written with
    COPY and what finding duplicates needs is staged in a temporary table. At the first bad cell the writing
    stops (the rest is still checked, for its bad cells) and what was written is rolled back to a savepoint: all
    rows or none, in the caller's transaction. When the whole file is good: the duplicates in two statements
    (``_DUPLICATES``); with ``skip_duplicates`` their awards and feed versions are taken out again; then every kept
    award's audit entry (the trail is append-only: written last). A dry run writes nothing.
    Returns the outcome (no rows kept: ``total``, ``errors``, the first duplicates and their count) and the number
    of awards written."""
    driver = await _driver(session)
    await driver.execute(_DROP)  # a transaction that imports twice (the tests' outer one) starts afresh
    with _gc_paused():
        outcome = await _stream(session, principal, job_id, data, progress, dry_run, skip_duplicates)
    await driver.execute(_DROP)  # not only at the commit: the rest of the transaction may be long
    return outcome


async def _stream(
    session: AsyncSession,
    principal: Principal,
    job_id: int,
    data: bytes,
    progress: Progress,
    dry_run: bool,
    skip_duplicates: bool,
) -> tuple[Checked, int]:
    out = Checked()
    failed: set[str] = set()  # the kinds of bad cells found (the errors beyond MAX_ERRORS are not kept)

    def bad(row: int, col: int | str, name: str, msg: str, kind: str) -> None:
        failed.add(kind)
        if len(out.errors) < MAX_ERRORS:
            column = f"{column_letter(col)} ({COLUMNS.get(name, name)})" if isinstance(col, int) else col
            out.errors.append({"row": row, "column": column, "msg": msg, "type": kind})

    def refuse(exc: BaseException | None) -> tuple[Checked, int]:
        out.errors[:] = [_file_error(exc)]
        return out, 0

    rows = spreadsheet.iter_table(data)
    try:
        header = await asyncio.to_thread(next, rows, None)
    except (SheetProblem, PayloadTooLarge, *BROKEN) as exc:
        return refuse(exc)
    if not header:
        return refuse(SheetProblem("Tệp trống", "file_invalid"))
    index = _index(header)
    for name in REQUIRED:
        if name not in index.values():
            bad(1, "", name, f"Thiếu cột «{COLUMNS[name]}» (hoặc {name})", "missing_column")
    if failed:
        return out, 0
    driver = await _driver(session)
    await driver.execute(_STAGE)
    writing = not dry_run
    if writing:
        await driver.execute(f"SAVEPOINT {_SAVEPOINT}")
    bulk = journal.BulkCreated(session, principal, action="import", kind="award")

    async def undo() -> None:
        if writing:
            await driver.execute(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}")

    try:
        written = await _pass(session, principal, job_id, data, rows, index, progress, bad, failed, bulk, writing)
    except _Unreadable as exc:
        await undo()
        return refuse(exc.__cause__)
    except BaseException:
        with contextlib.suppress(Exception):  # the transaction may be aborted: the caller's rollback undoes it all
            await undo()
        raise
    out.total = progress.total = progress.done = written
    if failed:
        await undo()
        return out, 0
    await _find_duplicates(driver, out, job_id)
    if not writing:
        return out, 0
    created = written
    if skip_duplicates and out.duplicate_rows:
        dropped = [r[0] for r in await driver.fetch("SELECT award_id FROM award_import_duplicates")]
        await driver.execute("DELETE FROM awards WHERE id = ANY($1::integer[])", dropped)
        await bulk.drop(dropped)
        created -= len(dropped)
    await bulk.finish(_pacer(progress))
    await driver.execute(f"RELEASE SAVEPOINT {_SAVEPOINT}")
    return out, created


class _Unreadable(Exception):
    """The streamed import's file could not be read to its end (the reader's exception is its cause)."""


async def _pass(
    session: AsyncSession,
    principal: Principal,
    job_id: int,
    data: bytes,
    rows: Iterator[list[Any]],
    index: dict[int, str],
    progress: Progress,
    bad: Callable[[int, int | str, str, str, str], None],
    failed: set[str],
    bulk: journal.BulkCreated,
    writing: bool,
) -> int:
    """Read, check and (``writing``, while no bad cell is found) write the file a part at a time: the rows read.
    A file that cannot be read to its end raises ``_Unreadable`` from what the reader raised."""
    csv_file = not spreadsheet.is_workbook(data)
    estimate = max(data.count(b"\n") - 1, 0) if csv_file else 0
    driver = await _driver(session)
    find_category = _category_lookup(await category_names(session))
    codes = {v: k for k, v in (await category_ids(session)).items()}  # the feed's category code of an id
    resolver = dating.Resolver(session)

    def prepare(first: int) -> tuple[list[tuple[int, list[Any]]], _Cells | None]:
        chunk = _take(rows, first, READ_CHUNK)
        return chunk, (_cells(index, chunk, find_category) if csv_file and chunk else None)

    progress.phase = "writing" if writing else "checking"
    line, total = 2, 0
    # The next part is read and checked in a thread while this one is written: started once this part's units and
    # ids are known (the thread holds the interpreter's lock while it works), it runs while PostgreSQL takes the
    # rows in.
    pending: asyncio.Future[tuple[list[tuple[int, list[Any]]], _Cells | None]] | None
    pending = asyncio.ensure_future(asyncio.to_thread(prepare, line))

    def read_next() -> None:
        nonlocal pending
        if pending is None:
            pending = asyncio.ensure_future(asyncio.to_thread(prepare, line))

    try:
        while True:
            assert pending is not None  # started by the last part's ``read_next``
            try:
                chunk, cells = await pending
            except (SheetProblem, PayloadTooLarge, *BROKEN) as exc:
                raise _Unreadable from exc
            if not chunk:
                return total
            line += len(chunk)
            pending = None
            part = await _place(resolver, principal, cells) if cells is not None else None
            if part is None:
                try:
                    part = await _check_rows(
                        session, principal, index, iter(chunk), Checked(), Progress(), bad, dedupe=False
                    )
                except BROKEN as exc:
                    raise _Unreadable from exc
            del chunk, cells
            total += part.total
            if not failed:
                ids = await _copy_part(session, job_id, part, progress, bulk, codes, read_next) if writing else None
                await _stage(driver, part, ids)
            read_next()  # (a dry run, or a file with a bad cell: nothing written, the next part read now)
            del part
            progress.done, progress.total = total, max(estimate, total)
            await progress.tick()
            await asyncio.sleep(0)  # let status requests in
    finally:
        if pending is not None and not pending.done():  # a thread reading the file cannot be stopped: wait for it
            await asyncio.wait([pending])
        if pending is not None and pending.done() and not pending.cancelled():
            pending.exception()  # retrieved: never "exception was never retrieved"


async def _driver(session: AsyncSession) -> Any:
    """The session's asyncpg connection, inside the session's transaction (which begins at its first
    statement: without one, what the driver runs would commit on its own)."""
    await session.execute(select(1))
    driver = (await (await session.connection()).get_raw_connection()).driver_connection
    assert driver is not None
    return driver


async def _stage(driver: Any, part: Checked, ids: list[int] | None) -> None:
    """A checked part's rows into the temporary table, with the folded name that duplicates compare."""
    cols = part.by_field()
    if not cols["year"]:
        return
    records = zip(
        part.numbers,
        ids if ids is not None else [None] * len(part.numbers),
        cols["unit_id"],
        cols["year"],
        cols["category_id"],
        cols["recipient_name"],
        part.folded if part.folded is not None else _fold_all(cols["recipient_name"]),
        strict=True,
    )
    await driver.copy_records_to_table("award_import_rows", records=records, columns=_STAGE_COLUMNS)


async def _find_duplicates(driver: Any, out: Checked, job_id: int) -> None:
    """The staged rows' duplicates (of an earlier row, or of an award already recorded): their number,
    and the first ``MAX_ERRORS`` of them to show."""
    await driver.execute("SET LOCAL work_mem = '64MB'")  # the window's sort in memory, this transaction only
    await driver.execute("ANALYZE award_import_rows")
    await driver.execute(_EXISTING)

    async def keep(found: list[Any]) -> None:
        folded = _fold_all([" ".join(r[1].split()) for r in found])
        await driver.copy_records_to_table(
            "award_import_existing",
            records=[(r[0], r[2], r[3], r[4], f) for r, f in zip(found, folded, strict=True)],
            columns=["id", "unit_id", "year", "category_id", "folded"],
        )

    batch: list[Any] = []
    # A cursor read to its end (which closes it), a batch at a time.
    units, years = await driver.fetchrow(
        "SELECT array_agg(DISTINCT unit_id), array_agg(DISTINCT year) FROM award_import_rows"
    )
    async for record in driver.cursor(_CANDIDATES, units or [], years or [], job_id, prefetch=READ_CHUNK):
        batch.append(record)
        if len(batch) == READ_CHUNK:
            await keep(batch)
            batch = []
    if batch:
        await keep(batch)
    await driver.execute(_DUPLICATES)
    out.duplicate_rows = int(await driver.fetchval("SELECT count(*) FROM award_import_duplicates"))
    shown = await driver.fetch(
        "SELECT row, same_as_row, existing_award_id, recipient_name FROM award_import_duplicates ORDER BY row LIMIT $1",
        MAX_ERRORS,
    )
    out.duplicates = [
        {"row": d["row"], "same_as_row": d["same_as_row"], "recipient_name": d["recipient_name"]}
        if d["same_as_row"] is not None
        else {"row": d["row"], "existing_award_id": d["existing_award_id"], "recipient_name": d["recipient_name"]}
        for d in shown
    ]
    await driver.execute("RESET work_mem")


_TIME: TypeAdapter[dt.datetime] = TypeAdapter(dt.datetime)


def _feed_items(
    cols: dict[str, list[Any]],
    ids: list[int],
    job_id: int,
    codes: dict[int, str],
    at: str,
    schools: list[str],
    amounts: list[int],
    gifts: list[int],
    partners: list[str | None],
) -> Iterator[tuple[int, str, str | None, str | None, dict[str, Any]]]:
    """The COPY path's journal items, one award at a time: (id, unit path, external id, partner, GET shape).

    The data is ``_feed_data``'s (its keys, in its order), made without a row dict per award."""
    rows = zip(
        ids,
        cols["unit_path"],
        cols["unit_code"],
        cols["year"],
        cols["recipient_name"],
        cols["recipient_kind"],
        cols["category_id"],
        cols["awarded_on"],
        cols["external_id"],
        schools,
        amounts,
        gifts,
        partners,
        strict=True,
    )
    for aid, path, code, year, name, kind, category, day, external, school, amount, gift, partner in rows:
        data = {
            "year": year,
            "awarded_on": day.isoformat() if day else None,
            "recipient_name": name,
            "recipient_kind": kind,
            "school": school,
            "category": codes.get(category),
            "amount_vnd": amount,
            "gift_value_vnd": gift,
            "fund_id": None,
            "id": aid,
            "unit_code": code,
            "external_id": external,
            "partner": partner,
            "version": 1,
            "created_at": at,
            "updated_at": at,
            "import_job_id": job_id,
        }
        yield aid, path, external, partner, data


def _json_time(at: dt.datetime) -> str:
    """A time as the API's JSON writes it (the same text in the feed as in GET)."""
    return str(_TIME.dump_python(at, mode="json"))


def _feed_data(award_id: int, row: dict[str, Any], categories: dict[int, str], at: str) -> dict[str, Any]:
    """An imported award as GET /awards/{id} shows it (AwardOut's keys, in its order), built without a model
    per row: the tests compare it with the serializer key for key."""
    return {
        "year": row["year"],
        "awarded_on": row["awarded_on"].isoformat() if row["awarded_on"] else None,
        "recipient_name": row["recipient_name"],
        "recipient_kind": row["recipient_kind"],
        "school": row["school"],
        "category": categories.get(row["category_id"]),
        "amount_vnd": row["amount_vnd"],
        "gift_value_vnd": row["gift_value_vnd"],
        "fund_id": None,
        "id": award_id,
        "unit_code": row["unit_code"],
        "external_id": row["external_id"],
        "partner": row["partner"],
        "version": 1,
        "created_at": at,
        "updated_at": at,
        "import_job_id": row["import_job_id"],
    }


def job_out(job: ImportJob) -> ImportJobOut:
    progress = RUNNING.get(job.id)
    status, message = job.status, job.message
    stale_after = dt.timedelta(seconds=get_settings().import_stale_seconds)
    if status in ("pending", "running") and progress is None and utcnow() - job.heartbeat_at > stale_after:
        status, message = "failed", "Việc nhập bị gián đoạn (máy chủ dừng giữa chừng); không có dòng nào được ghi."
    return ImportJobOut(
        id=job.id,
        kind=job.kind,
        status=status,
        phase=progress.phase if progress else ("done" if job.finished_at else "reading"),
        dry_run=job.dry_run,
        filename=job.filename,
        total_rows=progress.total if progress else job.total_rows,
        done_rows=progress.done if progress else job.done_rows,
        created_rows=job.created_rows,
        errors=job.errors,
        duplicates=job.duplicates,
        duplicate_rows=job.duplicate_rows,
        message=message,
        created_at=job.created_at,
        finished_at=job.finished_at,
    )


async def new_job(session: AsyncSession, principal: Principal, filename: str, dry_run: bool) -> ImportJob:
    now = utcnow()
    job = ImportJob(
        kind="awards",
        status="pending",
        dry_run=dry_run,
        filename=filename[:300],
        errors=[],
        duplicates=[],
        message="Đang chờ xử lý",
        created_by=principal.name,
        created_by_kind=principal.kind,
        created_by_id=principal.id,
        created_at=now,
        heartbeat_at=now,
        unit_path=scope.home_path(principal),
    )
    session.add(job)
    await session.flush()
    return job


def _finish(job: ImportJob, checked: Checked, created: int, *, skip_duplicates: bool) -> None:
    job.total_rows, job.done_rows = checked.total, checked.total
    job.errors, job.duplicates, job.finished_at = checked.errors, checked.duplicates[:MAX_ERRORS], utcnow()
    job.duplicate_rows = checked.duplicate_rows if checked.duplicate_rows is not None else len(checked.duplicates)
    job.heartbeat_at = job.finished_at
    if checked.errors:
        job.status, job.created_rows = "failed", 0
        job.message = f"Tệp có {len(checked.errors)} lỗi; chưa nhập dòng nào. Sửa các ô được chỉ ra rồi gửi lại."
    else:
        job.status, job.created_rows = "succeeded", created
        job.message = _done_message(job.dry_run, checked.total, job.duplicate_rows, created, skip_duplicates)


def _done_message(dry_run: bool, total: int, duplicates: int, created: int, skip_duplicates: bool) -> str:
    def n(x: int) -> str:
        return f"{x:,}".replace(",", ".")

    if dry_run:
        if not duplicates:
            return f"Kiểm tra xong {n(total)} dòng, không có lỗi (chưa ghi gì)."
        then = "sẽ được bỏ qua" if skip_duplicates else "sẽ vẫn được nhập"
        return f"Kiểm tra xong {n(total)} dòng, không có lỗi (chưa ghi gì); {n(duplicates)} dòng trùng {then}."
    skipped = f"; bỏ qua {n(duplicates)} dòng trùng" if skip_duplicates and duplicates else ""
    return f"Đã nhập {n(created)} khen thưởng{skipped}."


async def check_and_write(
    session: AsyncSession,
    principal: Principal,
    job_id: int,
    data: bytes,
    filename: str,
    progress: Progress,
    *,
    dry_run: bool,
    skip_duplicates: bool,
) -> tuple[Checked, int]:
    """Check the file and, when it is good and not a dry run, write its awards: the outcome and the number
    written. PostgreSQL streams the file (``stream``: memory for a chunk of rows, not for the file's
    rows); SQLite, an embedded setup's small files, checks it whole (``check``) and inserts (``write``)."""
    if session.get_bind().dialect.name == "postgresql":
        return await stream(
            session, principal, job_id, data, progress, dry_run=dry_run, skip_duplicates=skip_duplicates
        )
    checked = await check(session, principal, data, filename, progress)
    if skip_duplicates:
        checked.skip_duplicates()
    created = 0 if checked.errors or dry_run else await write(session, principal, job_id, checked, progress)
    return checked, created


async def run_inline(
    session: AsyncSession, principal: Principal, data: bytes, filename: str, dry_run: bool, *, skip_duplicates: bool
) -> ImportJob:
    """Run in the request's own transaction (``?wait=true``): for scripts and small files."""
    job = await new_job(session, principal, filename, dry_run)
    checked, created = await check_and_write(
        session, principal, job.id, data, filename, Progress(), dry_run=dry_run, skip_duplicates=skip_duplicates
    )
    _finish(job, checked, created, skip_duplicates=skip_duplicates)
    if created:
        await journal.audit(
            session,
            principal,
            action="import",
            entity="import_job",
            entity_id=job.id,
            changes={"awards": [None, created]},
            unit_path=job.unit_path,
        )
    await session.flush()
    return job


def start(
    db: Database, principal: Principal, job_id: int, data: bytes, filename: str, dry_run: bool, *, skip_duplicates: bool
) -> None:
    """Run the job in the background of this process; its status is at /awards/imports/{id}."""
    RUNNING[job_id] = Progress()
    task = asyncio.create_task(_run(db, principal, job_id, data, filename, dry_run, skip_duplicates))
    _TASKS.add(task)
    task.add_done_callback(_TASKS.discard)


async def _run(
    db: Database, principal: Principal, job_id: int, data: bytes, filename: str, dry_run: bool, skip_duplicates: bool
) -> None:
    progress = RUNNING[job_id]
    write_intent.set(True)
    if db.dialect == "postgresql":

        async def beat(p: Progress) -> None:
            async with db.sessionmaker() as s, s.begin():
                await s.execute(
                    update(ImportJob)
                    .where(ImportJob.id == job_id)
                    .values(heartbeat_at=utcnow(), done_rows=p.done, total_rows=p.total)
                )

        progress.beat = beat
    try:
        async with db.sessionmaker() as session, session.begin():
            await session.execute(
                update(ImportJob)
                .where(ImportJob.id == job_id)
                .values(status="running", message="Đang xử lý", heartbeat_at=utcnow())
            )
        async with db.sessionmaker() as session, session.begin():
            checked, created = await check_and_write(
                session, principal, job_id, data, filename, progress, dry_run=dry_run, skip_duplicates=skip_duplicates
            )
            job = await session.get_one(ImportJob, job_id)
            _finish(job, checked, created, skip_duplicates=skip_duplicates)
            outcome = "rejected" if checked.errors else "succeeded"
            if created:
                await journal.audit(
                    session,
                    principal,
                    action="import",
                    entity="import_job",
                    entity_id=job_id,
                    changes={"awards": [None, created]},
                    unit_path=job.unit_path,
                )
        # The request answered 202 ("accepted"); how the job ended is counted here, where it ends.
        metrics.record_import("awards", outcome)
    except Exception as exc:  # the job must end in a state a person can read
        metrics.record_import("awards", "failed")
        log.error("import_failed", job_id=job_id, exc_info=exc)
        async with db.sessionmaker() as session, session.begin():
            await session.execute(
                update(ImportJob)
                .where(ImportJob.id == job_id)
                .values(
                    status="failed", message="Lỗi hệ thống khi nhập; không có dòng nào được ghi.", finished_at=utcnow()
                )
            )
    finally:
        RUNNING.pop(job_id, None)
