"""The fast paths of the award import give what the straightforward ones give: the column-by-column
check of a CSV file (same rows, same duplicates; errors still named by the row-by-row check), the
quick number and date readers, the name folding, and on PostgreSQL the COPY writer (same awards,
same change-feed rows as the batched INSERTs)."""

from __future__ import annotations

import datetime as dt
import random
import re
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import SYSTEM
from api.awards import imports
from api.core.text import fold
from api.models import AuditEntry, Award, Change


def old_int(value: Any) -> int | None:
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


def old_date(value: Any) -> dt.date | None:
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


def outcome(read: Any, value: Any) -> tuple[Any, ...]:
    try:
        return ("ok", read(value))
    except ValueError:
        return ("error",)


def test_quick_readers_read_what_strptime_and_the_pattern_read() -> None:
    numbers = ["", " ", "0", "12", " 1.000.000 ", "1,000", "1 000", "１２", "٣", "-5", "1.5", "abc", "²", None, 5]
    numbers += [5.0, 5.5, True, "007", "1.00", "12.345.678"]
    for v in numbers:
        assert outcome(imports._int, v) == outcome(old_int, v), v
    dates: list[Any] = ["", "2024-5-9", "31/02/2024", "00/05/2024", "2024-02-30", " 5/ 9/2024", "05/09/24", None]
    dates += ["2024/05/09", "٢٠٢٤-05-09", "2024-05-09T00:00", "29/02/2023", "0001-01-01", "+024-05-09"]
    dates += [dt.date(2024, 1, 2), dt.datetime(2024, 1, 2, 3, 4)]
    rng = random.Random(7)
    for _ in range(3000):
        d, m, y = rng.randint(0, 35), rng.randint(0, 14), rng.choice([1, 999, 1990, 2024, 9999])
        dates += [f"{d}/{m}/{y:04d}", f"{d:02d}/{m:02d}/{y:04d}", f"{y:04d}-{m:02d}-{d:02d}"]
    for v in dates:
        assert outcome(imports._date, v) == outcome(old_date, v), v


def test_folding_names_one_by_one_or_all_at_once_is_fold() -> None:
    names = ["Nguyễn Thị Ánh", "ĐẶNG  Văn Đức", "Trần thị  hoa ", "Lê Ngọc Bảo Ưng", "e\u0301", "Ǆ", "ﬁ", "Ω"]
    names += ["İstanbul", "ß", "x\u20dd y", "a\u0345b", "ΟΔΟΣ", "ΣΑΣ Σ", "\u0301Σ", "A\u0308\u0323"]
    assert [imports.fold_name(n) for n in names] == [fold(n) for n in names]
    clean = [" ".join(n.split()) for n in names]
    assert imports._fold_all(clean) == [fold(n) for n in clean]


HEADER = "unit_code,recipient_name,recipient_kind,school,category,year,awarded_on,amount_vnd,gift_value_vnd,external_id"
ROWS = [
    '12442,Nguyễn Thị An,pupil,THCS Kỳ Bá,hoc_bong_vuot_kho,2024,05/09/2024,"1.000.000",0,A-1',
    "12442,Trần Văn Bình,học sinh,THCS Kỳ Bá,hoc_sinh_gioi_tinh,2024,2024-09-05,500000,200000,",
    "12445,  Lê   Thị Chi ,Giáo Viên,,giao_vien_gioi,2024,,800000,,  ",
    ",,,,,,,,,",  # a blank row
    "12442,NGUYỄN THỊ AN,pupil,THCS Kỳ Bá,hoc_bong_vuot_kho,2024,5/9/2024,1 000,0,A-2",  # same as row 2
    "12445,Phạm Văn Dũng,student,ĐH Thái Bình,tan_sinh_vien,2024,1/1/2024,2,000,000,3",  # extra cells
    "12445,Vũ Thị Em,other,THPT,khac,2024",  # a short row
]


@pytest.mark.parametrize("delimiter", [",", ";"])
async def test_the_column_check_makes_the_rows_of_the_row_check(session: AsyncSession, delimiter: str) -> None:
    lines = [HEADER, *ROWS] if delimiter == "," else [HEADER.replace(",", ";"), *(r.replace(",", ";") for r in ROWS)]
    data = ("\n".join(lines) + "\n").encode()
    fast = await imports.check(session, SYSTEM, data, "f.csv", imports.Progress())
    assert fast.columns is not None and not fast.errors  # the column check took it
    index, rows = imports.read_rows(data, "f.csv")
    slow = imports.Checked()
    slow = await imports._check_rows(session, SYSTEM, index, rows, slow, imports.Progress(), lambda *a: None)
    assert fast.as_rows() == slow.rows
    assert fast.duplicates == slow.duplicates and fast.total == slow.total == 6
    assert fast.duplicates == [{"row": 6, "same_as_row": 2, "recipient_name": "NGUYỄN THỊ AN"}]


async def test_a_bad_cell_sends_the_file_to_the_row_check(session: AsyncSession) -> None:
    data = ("\n".join([HEADER, ROWS[0], ROWS[1].replace("học sinh", "phi hành gia")]) + "\n").encode()
    checked = await imports.check(session, SYSTEM, data, "f.csv", imports.Progress())
    assert checked.columns is None
    assert [(e["row"], e["column"], e["type"]) for e in checked.errors] == [(3, "C (Đối tượng)", "enum")]


@pytest.mark.postgres_only
async def test_copy_writes_what_the_inserts_write(session: AsyncSession) -> None:
    data = ("\n".join([HEADER, *ROWS]) + "\n").encode()
    checked = await imports.check(session, SYSTEM, data, "f.csv", imports.Progress())
    written = {}
    for name, writer in (("insert", imports._insert), ("copy", imports._copy)):
        async with session.begin_nested() as savepoint:
            job = await imports.new_job(session, SYSTEM, "f.csv", False)
            assert await writer(session, SYSTEM, job.id, checked, imports.Progress()) == 6
            awards = (
                await session.scalars(select(Award).where(Award.import_job_id == job.id).order_by(Award.id))
            ).all()
            ids = [a.id for a in awards]
            changes = (
                await session.scalars(
                    select(Change).where(Change.type == "award", Change.record_id.in_(ids)).order_by(Change.seq)
                )
            ).all()
            assert [c.record_id for c in changes] == ids
            assert [c.data["id"] for c in changes] == ids and {c.data["import_job_id"] for c in changes} == {job.id}
            audited = await session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.entity == "award", AuditEntry.entity_id.in_([str(i) for i in ids]))
            )
            assert audited == len(ids)  # one audit entry per award, on both paths
            own = {"id", "created_at", "updated_at", "import_job_id"}  # this write's own
            fields = ("unit_id", "unit_path", "year", "awarded_on", "recipient_name", "recipient_kind", "school")
            fields += ("category_id", "amount_vnd", "gift_value_vnd", "external_id", "partner", "version", "fund_id")
            written[name] = (
                [tuple(getattr(a, f) for f in fields) for a in awards],
                [
                    (c.op, c.unit_path, c.external_id, c.partner, {k: v for k, v in c.data.items() if k not in own})
                    for c in changes
                ],
            )
            await savepoint.rollback()
    assert written["copy"] == written["insert"]
