"""The streamed award import of PostgreSQL (issue 15): the file read, checked and staged a chunk at a time,
the duplicates found by statements, the staged rows written a chunk at a time. It gives what the whole-file
path gives (same awards, same feed rows, same audit entries, same duplicates), refuses a file whose bad cell
is in a late chunk with nothing written and every bad cell named, and holds a chunk of rows in memory, not
the file's."""

from __future__ import annotations

import tracemalloc
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api import journal
from api.auth.principal import SYSTEM
from api.awards import imports
from api.core import spreadsheet
from api.models import AuditEntry, Award, Change
from tests.registries.test_award_import_paths import HEADER, ROWS

pytestmark = pytest.mark.postgres_only


def _file(rows: list[str]) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


async def _written(session: AsyncSession, job_id: int) -> tuple[list[Any], list[Any], list[Any]]:
    """The job's awards, feed rows and audit entries, without what differs between two runs (ids, times, job)."""
    awards = (await session.scalars(select(Award).where(Award.import_job_id == job_id).order_by(Award.id))).all()
    ids = [a.id for a in awards]
    changes = (
        await session.scalars(
            select(Change).where(Change.type == "award", Change.record_id.in_(ids)).order_by(Change.seq)
        )
    ).all()
    audits = (
        await session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "award", AuditEntry.entity_id.in_([str(i) for i in ids]))
            .order_by(AuditEntry.id)
        )
    ).all()
    assert [c.record_id for c in changes] == ids == [int(e.entity_id) for e in audits]
    own = {"id", "created_at", "updated_at", "import_job_id"}
    fields: tuple[str, ...] = ("unit_id", "unit_path", "year", "awarded_on", "recipient_name", "recipient_kind")
    fields += ("school", "category_id", "amount_vnd", "gift_value_vnd", "external_id", "partner", "version", "fund_id")
    data = [c.data or {} for c in changes]
    for c, d, e in zip(changes, data, audits, strict=True):
        assert len(d) == 17 and d["id"] == c.record_id and d["import_job_id"] == job_id
        assert e.changes == {"$feed": c.seq}  # the values are the feed version's, made whole when read
    shown = await journal.trail(session, audits)
    for d, whole in zip(data, shown, strict=True):
        assert whole == {k: [None, v] for k, v in sorted(d.items()) if v is not None}
    return (
        [tuple(getattr(a, f) for f in fields) for a in awards],
        [
            (c.op, c.unit_path, c.external_id, c.partner, {k: v for k, v in d.items() if k not in own})
            for c, d in zip(changes, data, strict=True)
        ],
        [
            (e.action, e.unit_path, {k: v for k, v in c.items() if k not in own})
            for e, c in zip(audits, shown, strict=True)
        ],
    )


# Rows of ROWS again, repeated across chunks of 4 rows: duplicates of earlier chunks' rows, and rows
# that repeat awards already recorded.
MANY = [*ROWS, *ROWS[:3], *(r.replace("2024", "2023") for r in ROWS[:2]), ROWS[4], ROWS[0]]


@pytest.mark.parametrize("skip", [True, False])
async def test_streamed_chunks_write_what_the_whole_file_writes(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch, skip: bool
) -> None:
    async with session.begin():
        before = await imports.new_job(session, SYSTEM, "before.csv", False)
        earlier = await imports.check(session, SYSTEM, _file([ROWS[1], ROWS[2]]), "f.csv", imports.Progress())
        assert await imports.write(session, SYSTEM, before.id, earlier, imports.Progress()) == 2
    data = _file(MANY)
    outcomes = {}
    for name in ("whole", "streamed"):
        async with session.begin():
            job = await imports.new_job(session, SYSTEM, "f.csv", False)
            if name == "whole":
                checked = await imports.check(session, SYSTEM, data, "f.csv", imports.Progress())
                duplicates = list(checked.duplicates)
                if skip:
                    checked.skip_duplicates()
                created = await imports.write(session, SYSTEM, job.id, checked, imports.Progress())
            else:
                monkeypatch.setattr(imports, "READ_CHUNK", 4)
                progress = imports.Progress()
                checked, created = await imports.stream(
                    session, SYSTEM, job.id, data, progress, dry_run=False, skip_duplicates=skip
                )
                assert (progress.phase, progress.done) == ("writing", checked.total)  # every row handled
                duplicates = checked.duplicates
                assert checked.duplicate_rows == len(duplicates)
            assert not checked.errors and checked.total == 13
            outcomes[name] = (created, duplicates, await _written(session, job.id))
            await session.rollback()
    assert outcomes["streamed"] == outcomes["whole"]
    created, duplicates, _ = outcomes["streamed"]
    assert {d["row"] for d in duplicates} == {3, 4, 6, 9, 10, 11, 14, 15}
    assert created == (13 - 8 if skip else 13)


async def _journal_counts(session: AsyncSession) -> tuple[Any, ...]:
    return tuple([await session.scalar(select(func.count()).select_from(t)) for t in (Award, Change, AuditEntry)])


# skip=False: every row is written as its chunk is checked (the direct path), taken back by a savepoint.
@pytest.mark.parametrize("skip", [True, False])
async def test_a_bad_cell_in_a_late_chunk_writes_nothing_and_every_bad_cell_is_named(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch, skip: bool
) -> None:
    monkeypatch.setattr(imports, "READ_CHUNK", 3)
    rows = [
        *MANY,
        ROWS[0].replace("pupil", "phi hành gia"),
        *MANY,
        ROWS[1].replace(",2024,2024-09-05", ",hai,2024-09-05"),
    ]
    async with session.begin():
        job = await imports.new_job(session, SYSTEM, "f.csv", False)
        counts = await _journal_counts(session)
        checked, created = await imports.stream(
            session, SYSTEM, job.id, _file(rows), imports.Progress(), dry_run=False, skip_duplicates=skip
        )
        assert created == 0 and checked.total == 2 * 13 + 2
        assert [(e["row"], e["column"].split(" ")[0], e["type"]) for e in checked.errors] == [
            (16, "C", "enum"),
            (31, "F", "int_parsing"),
        ]
        assert await _journal_counts(session) == counts
        # The transaction goes on (the job's outcome is written in it) and can import again.
        checked, created = await imports.stream(
            session, SYSTEM, job.id, _file(MANY), imports.Progress(), dry_run=False, skip_duplicates=skip
        )
        assert not checked.errors and checked.duplicate_rows
        assert created == (13 - checked.duplicate_rows if skip else 13)
        await session.rollback()


@pytest.mark.parametrize("skip", [True, False])
async def test_a_file_that_breaks_in_a_late_chunk_is_refused_whole(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch, skip: bool
) -> None:
    monkeypatch.setattr(imports, "READ_CHUNK", 200)
    many = _file(MANY * 100)  # ~90 KB: the reader decodes 8 KB at a time
    for data, kind in (
        (many + b"12442,\xff\xfe,pupil,,khac,2024,,1,0\n", "file_invalid"),
        (many + b"," * 400 + b"\n", "too_many_columns"),
    ):
        async with session.begin():
            job = await imports.new_job(session, SYSTEM, "f.csv", False)
            counts = await _journal_counts(session)
            checked, created = await imports.stream(
                session, SYSTEM, job.id, data, imports.Progress(), dry_run=False, skip_duplicates=skip
            )
            assert created == 0 and [e["type"] for e in checked.errors] == [kind]
            assert await _journal_counts(session) == counts
            await session.rollback()


def test_streamed_rows_are_the_rows_read_whole() -> None:
    cases = [
        _file(ROWS),
        _file(ROWS).replace(b",", b";"),
        _file(ROWS).replace(b"\n", b"\r\n"),
        b"\xef\xbb\xbf" + _file(ROWS),
    ]
    cases += [_file(ROWS).replace(b"\n", b"\r"), b"", b"a,b", b"a\n1,\xff\n", b'a,b\n"x\ny",2\n', b'a,b\n"x,1\n']
    for data in cases:
        outcomes: list[tuple[Any, ...]] = []
        for read in (spreadsheet.read_table, lambda d: list(spreadsheet.iter_table(d))):
            try:
                outcomes.append(("rows", read(data)))
            except spreadsheet.SheetProblem as exc:
                outcomes.append(("problem", exc.msg, exc.kind, exc.row, exc.column))
        assert outcomes[0] == outcomes[1], data


async def test_memory_holds_a_chunk_not_the_file(session: AsyncSession, monkeypatch: pytest.MonkeyPatch) -> None:
    """The most memory allocated while a file is imported (tracemalloc) does not grow with the file: a file
    three times longer takes less than 1.25 times as much (the whole-file check took ~16 times the file)."""
    monkeypatch.setattr(imports, "READ_CHUNK", 1_000)
    names = ["Nguyễn Thị", "Trần Văn", "Lê Ngọc", "Phạm Minh", "Hoàng Thu"]
    imports.fold_name("".join(names))  # the fold table's first characters, kept by the process
    peaks = []
    for n in (8_000, 24_000):
        rows = [
            f"{12442 + 3 * (i % 2)},{names[i % 5]} Số {i},học sinh,THCS Kỳ Bá,hoc_sinh_gioi_tinh,2024,05/09/2024,{i},0"
            for i in range(n)
        ]
        data = _file(rows)
        del rows
        async with session.begin():
            job = await imports.new_job(session, SYSTEM, "f.csv", False)
            tracemalloc.start()
            try:
                checked, created = await imports.stream(
                    session, SYSTEM, job.id, data, imports.Progress(), dry_run=False, skip_duplicates=True
                )
                peaks.append(tracemalloc.get_traced_memory()[1])
            finally:
                tracemalloc.stop()
            assert not checked.errors and created == n
            await session.rollback()
    assert peaks[1] < 1.25 * peaks[0], peaks
