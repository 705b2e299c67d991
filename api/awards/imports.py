"""Bulk import of awards (CSV or XLSX) as a job: all rows or none, every bad cell named, progress
for a progress bar, possible duplicates reported.

The job row is committed before the work starts and after it ends, in their own transactions;
the awards themselves are written in one transaction, so a crash leaves all of them or none. A
job whose worker died shows as failed once its heartbeat is old.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import structlog
from openpyxl import load_workbook
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.service import record
from api.auth.principal import Principal
from api.awards.schemas import ImportJobOut
from api.awards.service import category_ids
from api.core.text import fold
from api.db.base import utcnow
from api.db.engine import Database, write_intent
from api.models import Award, ImportJob, Unit
from api.reports.excel import BROKEN, MAX_UNCOMPRESSED
from api.sync.feed import record_changes
from api.units.repository import valid_on

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
STALE_AFTER = dt.timedelta(minutes=2)
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


class FileProblem(Exception):
    """The file cannot be read at all."""


def _col(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def read_rows(data: bytes, filename: str) -> tuple[dict[int, str], Iterator[tuple[int, list[Any]]]]:
    """(column index → field, iterator of (row number, cells)) of a CSV or XLSX file."""
    if data[:2] == b"PK":
        import zipfile

        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                if sum(i.file_size for i in zf.infolist()) > MAX_UNCOMPRESSED:
                    raise FileProblem("Tệp giải nén quá lớn")
            ws = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except BROKEN as exc:
            raise FileProblem("Tệp không phải bảng tính Excel (.xlsx) hợp lệ") from exc
        if not hasattr(ws, "iter_rows"):
            raise FileProblem("Trang tính đầu tiên không phải bảng số liệu")
        rows: Iterator[Any] = ws.iter_rows(values_only=True)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FileProblem("Tệp CSV phải mã hoá UTF-8 (Excel: Lưu thành CSV UTF-8)") from exc
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") > first.count(",") else ","
        rows = iter(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = next(rows, None)
    if not header:
        raise FileProblem("Tệp trống")
    index = {
        i: _HEADERS[str(h).strip().casefold()]
        for i, h in enumerate(header)
        if h is not None and str(h).strip().casefold() in _HEADERS
    }
    return index, ((n, list(r)) for n, r in enumerate(rows, start=2))


def _int(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    if re.fullmatch(r"\d{1,3}([.,  ]\d{3})+|\d+", text):
        return int(re.sub(r"\D", "", text))
    raise ValueError


def _date(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError


@dataclass
class Checked:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0


async def check(session: AsyncSession, principal: Principal, data: bytes, filename: str, progress: Progress) -> Checked:
    out = Checked()

    def bad(row: int, col: int | str, name: str, msg: str, kind: str) -> None:
        if len(out.errors) < MAX_ERRORS:
            column = f"{_col(col)} ({name})" if isinstance(col, int) else col
            out.errors.append({"row": row, "column": column, "msg": msg, "type": kind})

    try:
        index, rows = read_rows(data, filename)
    except (FileProblem, *BROKEN) as exc:
        out.errors.append(
            {
                "row": 0,
                "column": "",
                "msg": str(exc) if isinstance(exc, FileProblem) else "Không đọc được tệp (tệp hỏng hoặc không hợp lệ)",
                "type": "file_invalid",
            }
        )
        return out
    try:
        return await _check_rows(session, principal, index, rows, out, progress, bad)
    except BROKEN:
        out.rows.clear()
        out.errors.append(
            {
                "row": 0,
                "column": "",
                "msg": "Không đọc được nội dung tệp (tệp hỏng hoặc không hợp lệ)",
                "type": "file_invalid",
            }
        )
        return out


async def _check_rows(
    session: AsyncSession,
    principal: Principal,
    index: dict[int, str],
    rows: Iterator[tuple[int, list[Any]]],
    out: Checked,
    progress: Progress,
    bad: Callable[[int, int | str, str, str, str], None],
) -> Checked:
    where = {name: i for i, name in index.items()}
    for name in REQUIRED:
        if name not in where:
            bad(1, "", name, f"Thiếu cột {name} ({COLUMNS[name]})", "missing_column")
    if out.errors:
        return out
    categories = await category_ids(session)
    parsed: list[tuple[int, dict[str, Any]]] = []
    progress.phase = "checking"
    for n, cells in rows:
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        values: dict[str, Any] = {name: cells[i] if i < len(cells) else None for i, name in index.items()}
        row: dict[str, Any] = {}
        for name in ("year", "amount_vnd", "gift_value_vnd"):
            try:
                row[name] = _int(values.get(name))
                if row[name] is not None and row[name] < 0:
                    raise ValueError
            except ValueError:
                bad(n, where[name], name, "Phải là một số nguyên không âm", "int_parsing")
        try:
            row["awarded_on"] = _date(values.get("awarded_on"))
        except ValueError:
            bad(n, where["awarded_on"], "awarded_on", "Ngày không hợp lệ (YYYY-MM-DD hoặc dd/mm/yyyy)", "date_parsing")
        for name in REQUIRED:
            if values.get(name) is None or str(values[name]).strip() == "":
                bad(n, where[name], name, "Không được để trống", "missing")
        code = values.get("unit_code")
        row["unit_code"] = str(int(code)).zfill(5) if isinstance(code, int | float) else str(code or "").strip()
        row["recipient_name"] = " ".join(str(values.get("recipient_name") or "").split())[:200]
        kind = KINDS.get(str(values.get("recipient_kind") or "").strip().casefold())
        if values.get("recipient_kind") and kind is None:
            bad(
                n,
                where["recipient_kind"],
                "recipient_kind",
                "Đối tượng là pupil/student/teacher/other (học sinh, sinh viên, giáo viên, khác)",
                "enum",
            )
        row["recipient_kind"] = kind
        category = str(values.get("category") or "").strip()
        if category and category not in categories:
            bad(n, where["category"], "category", f"Không có loại khen thưởng “{category[:40]}”", "unknown")
        row["category_id"] = categories.get(category)
        row["school"] = str(values.get("school") or "").strip()[:300]
        row["external_id"] = str(values["external_id"]).strip()[:100] if values.get("external_id") else None
        if row.get("year") is not None and not 1990 <= row["year"] <= 2100:
            bad(n, where["year"], "year", "Năm phải từ 1990 đến 2100", "range")
        parsed.append((n, row))
        progress.done += 1
        if progress.done % CHUNK == 0:
            await progress.tick()
    out.total = progress.total = len(parsed)
    # Units: read on 31 December of each row's year, inside the caller's scope.
    years = {r["year"] for _, r in parsed if isinstance(r.get("year"), int) and 1990 <= r["year"] <= 2100}
    units: dict[tuple[str, int], tuple[int, str]] = {}
    for year in years:
        codes = {r["unit_code"] for _, r in parsed if r.get("year") == year}
        stmt = select(Unit.id, Unit.code, Unit.path).where(Unit.code.in_(codes), valid_on(dt.date(year, 12, 31)))
        for u in (await session.execute(stmt)).all():
            units[(u.code, year)] = (u.id, u.path)
    seen: dict[tuple[str, int, int, int], int] = {}
    existing = await _existing_keys(session, {u for u, _ in units.values()}, years)
    for n, r in parsed:
        unit = units.get((r["unit_code"], r.get("year") or 0))
        if unit is None or not principal.covers(unit[1]):
            if r.get("year") and r["unit_code"]:
                bad(
                    n,
                    where["unit_code"],
                    "unit_code",
                    f"Không có đơn vị mã {r['unit_code'][:20]} trong phạm vi của bạn năm {r['year']}",
                    "unknown_unit",
                )
            continue
        r["unit_id"], r["unit_path"] = unit
        key = (fold(r["recipient_name"]), r["category_id"] or 0, r["year"], unit[0])
        if key in seen:
            out.duplicates.append({"row": n, "same_as_row": seen[key], "recipient_name": r["recipient_name"]})
        elif key in existing:
            out.duplicates.append({"row": n, "existing_award_id": existing[key], "recipient_name": r["recipient_name"]})
        seen.setdefault(key, n)
    out.rows = [r for _, r in parsed]
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
        (fold(a.recipient_name), a.category_id, a.year, a.unit_id): a.id for a in (await session.execute(stmt)).all()
    }


async def write(session: AsyncSession, principal: Principal, job_id: int, checked: Checked, progress: Progress) -> int:
    progress.phase, progress.done = "writing", 0
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
    for start in range(0, len(checked.rows), CHUNK):
        source = checked.rows[start : start + CHUNK]
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
        await record_changes(
            session,
            "award",
            "upsert",
            [
                (aid, row["unit_path"], row["external_id"], row["partner"], _feed_data(raw | row, codes))
                for aid, row, raw in zip(ids, chunk, source, strict=True)
            ],
        )
        progress.done += len(chunk)
        await progress.tick()
        await asyncio.sleep(0)  # let status requests in
    return len(checked.rows)


def _feed_data(row: dict[str, Any], categories: dict[int, str]) -> dict[str, Any]:
    return {
        "unit_code": row["unit_code"],
        "year": row["year"],
        "recipient_name": row["recipient_name"],
        "recipient_kind": row["recipient_kind"],
        "school": row["school"],
        "category": categories.get(row["category_id"]),
        "awarded_on": row["awarded_on"].isoformat() if row["awarded_on"] else None,
        "amount_vnd": row["amount_vnd"],
        "gift_value_vnd": row["gift_value_vnd"],
        "external_id": row["external_id"],
    }


def job_out(job: ImportJob) -> ImportJobOut:
    progress = RUNNING.get(job.id)
    status, message = job.status, job.message
    if status in ("pending", "running") and progress is None and utcnow() - job.heartbeat_at > STALE_AFTER:
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
        created_at=now,
        heartbeat_at=now,
        unit_path=principal.unit_prefixes[0] if principal.unit_prefixes else None,
    )
    session.add(job)
    await session.flush()
    return job


def _finish(job: ImportJob, checked: Checked, created: int) -> None:
    job.total_rows, job.done_rows = checked.total, checked.total
    job.errors, job.duplicates, job.finished_at = checked.errors, checked.duplicates[:MAX_ERRORS], utcnow()
    job.heartbeat_at = job.finished_at
    if checked.errors:
        job.status, job.created_rows = "failed", 0
        job.message = f"Tệp có {len(checked.errors)} lỗi; chưa nhập dòng nào. Sửa các ô được chỉ ra rồi gửi lại."
    else:
        job.status, job.created_rows = "succeeded", created
        job.message = (
            f"Kiểm tra xong {checked.total} dòng, không có lỗi (chưa ghi gì)."
            if job.dry_run
            else f"Đã nhập {created} khen thưởng."
        )


async def run_inline(
    session: AsyncSession, principal: Principal, data: bytes, filename: str, dry_run: bool
) -> ImportJob:
    """Run in the request's own transaction (``?wait=true``): for scripts and small files."""
    job = await new_job(session, principal, filename, dry_run)
    progress = Progress()
    checked = await check(session, principal, data, filename, progress)
    created = 0 if checked.errors or dry_run else await write(session, principal, job.id, checked, progress)
    _finish(job, checked, created)
    if created:
        await record(
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


def start(db: Database, principal: Principal, job_id: int, data: bytes, filename: str, dry_run: bool) -> None:
    """Run the job in the background of this process; its status is at /awards/imports/{id}."""
    RUNNING[job_id] = Progress()
    task = asyncio.create_task(_run(db, principal, job_id, data, filename, dry_run))
    _TASKS.add(task)
    task.add_done_callback(_TASKS.discard)


async def _run(db: Database, principal: Principal, job_id: int, data: bytes, filename: str, dry_run: bool) -> None:
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
            checked = await check(session, principal, data, filename, progress)
            created = 0 if checked.errors or dry_run else await write(session, principal, job_id, checked, progress)
            job = await session.get_one(ImportJob, job_id)
            _finish(job, checked, created)
            if created:
                await record(
                    session,
                    principal,
                    action="import",
                    entity="import_job",
                    entity_id=job_id,
                    changes={"awards": [None, created]},
                    unit_path=job.unit_path,
                )
    except Exception as exc:  # the job must end in a state a person can read
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
