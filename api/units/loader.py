"""Load the official unit lists: the structure before 2025-07-01 and the current one.

- before: 63 provinces, 696 districts, 10,051 communes, from the project's data file
  ``data/units-pre-2025-07.csv`` (made by ``scripts/build_pre2025_units.py`` from the
  ``vietnam-provinces`` 0.6.0 release);
- from 2025-07-01: 34 provinces, 3,321 communes, from the installed ``vietnam-provinces`` 2025.x;
- province successions from ``data/province-merges-2025.json`` (Nghị quyết 202/2025/QH15).

Loading is idempotent: rows are matched by (source, code); nothing changes on a second run.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.text import fold
from api.models import LEVEL_RANK, Unit, UnitLevel, UnitSource, UnitSuccession

DATA_DIR = Path(__file__).parent / "data"
PRE_2025_FILE = DATA_DIR / "units-pre-2025-07.csv"
MERGES_FILE = DATA_DIR / "province-merges-2025.json"
REFORM_DATE = dt.date(2025, 7, 1)
PRE_2025_END = REFORM_DATE - dt.timedelta(days=1)


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    level: UnitLevel
    division_type: str
    parent_code: str | None


@dataclass
class LoadResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    successions_added: int = 0
    by_level: dict[str, int] = field(default_factory=dict)


def root_path(source: str, code: str) -> str:
    return f"{source}:{code}/"


def pre_2025_rows() -> Iterator[UnitRow]:
    with PRE_2025_FILE.open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            yield UnitRow(r["code"], r["name"], UnitLevel(r["level"]), r["division_type"], r["parent_code"] or None)


def province_name(name: str, division_type: str) -> str:
    """The 2025 list names provinces bare ("Hưng Yên"); give them their kind as the old list does."""
    if division_type == "tỉnh" and not name.startswith("Tỉnh "):
        return f"Tỉnh {name}"
    if division_type.startswith("thành phố") and not name.startswith("Thành phố "):
        return f"Thành phố {name}"
    return name


def current_rows() -> Iterator[UnitRow]:
    import vietnam_provinces

    provinces = json.loads(Path(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH).read_text(encoding="utf-8"))
    for p in provinces:
        pcode = f"{p['code']:02d}"
        yield UnitRow(pcode, province_name(p["name"], p["division_type"]), UnitLevel.province, p["division_type"], None)
        for w in p["wards"]:
            yield UnitRow(f"{w['code']:05d}", w["name"], UnitLevel.commune, w["division_type"], pcode)


async def load_source(
    session: AsyncSession,
    source: UnitSource,
    rows: Iterable[UnitRow],
    *,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    result: LoadResult,
) -> None:
    """Insert missing units of one source level by level (parents first); refresh changed names."""
    existing: dict[str, tuple[int, str, str]] = {
        code: (uid, name, path)
        for uid, code, name, path in (
            await session.execute(select(Unit.id, Unit.code, Unit.name, Unit.path).where(Unit.source == source))
        ).all()
    }
    by_level: dict[UnitLevel, list[UnitRow]] = {}
    for row in rows:
        by_level.setdefault(row.level, []).append(row)
    for level in (UnitLevel.province, UnitLevel.district, UnitLevel.commune):
        new: list[dict[str, Any]] = []
        renamed: list[dict[str, Any]] = []
        for row in by_level.get(level, []):
            result.by_level[f"{source}:{level}"] = result.by_level.get(f"{source}:{level}", 0) + 1
            if row.code in existing:
                uid, name, _ = existing[row.code]
                if name != row.name:
                    renamed.append({"id": uid, "name": row.name, "search_name": fold(row.name)})
                else:
                    result.unchanged += 1
                continue
            parent = existing[row.parent_code] if row.parent_code else None
            new.append(
                {
                    "code": row.code,
                    "name": row.name,
                    "level": level.value,
                    "depth": LEVEL_RANK[level],
                    "division_type": row.division_type,
                    "parent_id": parent[0] if parent else None,
                    "path": (parent[2] if parent else f"{source}:") + f"{row.code}/",
                    "search_name": fold(row.name),
                    "valid_from": valid_from,
                    "valid_to": valid_to,
                    "source": source.value,
                }
            )
        if new:
            await session.execute(insert(Unit), new)
            for uid, code, name, path in (
                await session.execute(
                    select(Unit.id, Unit.code, Unit.name, Unit.path).where(Unit.source == source, Unit.level == level)
                )
            ).all():
                existing[code] = (uid, name, path)
        if renamed:
            await session.execute(update(Unit), renamed)
        result.inserted += len(new)
        result.updated += len(renamed)


async def load_province_successions(session: AsyncSession, result: LoadResult) -> None:
    merges = json.loads(MERGES_FILE.read_text(encoding="utf-8"))
    effective = dt.date.fromisoformat(merges["effective"])
    pairs = [(old, m["new_code"]) for m in merges["mapping"] for old in m["old_codes"]]
    await add_successions(session, pairs, level=UnitLevel.province, effective=effective, result=result)


async def add_successions(
    session: AsyncSession,
    pairs: Iterable[tuple[str, str]],
    *,
    level: UnitLevel,
    effective: dt.date,
    result: LoadResult,
) -> None:
    ids_old = await _ids(session, UnitSource.pre_2025, level)
    new_level = UnitLevel.province if level is UnitLevel.province else UnitLevel.commune
    ids_new = await _ids(session, UnitSource.from_2025, new_level)
    have: set[tuple[int, int]] = {
        (p, s) for p, s in await session.execute(select(UnitSuccession.predecessor_id, UnitSuccession.successor_id))
    }
    rows = []
    for old, new in pairs:
        key = (ids_old[old], ids_new[new])
        if key not in have:
            have.add(key)
            rows.append({"predecessor_id": key[0], "successor_id": key[1], "effective": effective})
    if rows:
        await session.execute(insert(UnitSuccession), rows)
    result.successions_added += len(rows)


async def _ids(session: AsyncSession, source: UnitSource, level: UnitLevel) -> dict[str, int]:
    stmt = select(Unit.code, Unit.id).where(Unit.source == source, Unit.level == level)
    return dict((await session.execute(stmt)).all())


async def load_all(session: AsyncSession) -> LoadResult:
    result = LoadResult()
    await load_source(
        session, UnitSource.pre_2025, pre_2025_rows(), valid_from=None, valid_to=PRE_2025_END, result=result
    )
    await load_source(
        session, UnitSource.from_2025, current_rows(), valid_from=REFORM_DATE, valid_to=None, result=result
    )
    await load_province_successions(session, result)
    return result


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    msg: str


async def load_commune_successions(session: AsyncSession, text: str) -> tuple[LoadResult, list[RowError]]:
    """Load an old→new commune mapping (CSV with columns ``old_code,new_code``); all or nothing.

    Rows are numbered as a spreadsheet shows them (the header is row 1).
    """
    ids_old = await _ids(session, UnitSource.pre_2025, UnitLevel.commune)
    ids_new = await _ids(session, UnitSource.from_2025, UnitLevel.commune)
    reader = csv.DictReader(text.lstrip("\ufeff").splitlines())
    missing = {"old_code", "new_code"} - set(reader.fieldnames or [])
    if missing:
        return LoadResult(), [RowError(1, c, "Thiếu cột") for c in sorted(missing)]
    errors: list[RowError] = []
    pairs: list[tuple[str, str]] = []
    for n, r in enumerate(reader, start=2):
        old, new = (r["old_code"] or "").strip().zfill(5), (r["new_code"] or "").strip().zfill(5)
        if old not in ids_old:
            errors.append(RowError(n, "old_code", f"Không có xã mã {old} trước 2025-07-01"))
        if new not in ids_new:
            errors.append(RowError(n, "new_code", f"Không có xã mã {new} từ 2025-07-01"))
        pairs.append((old, new))
    result = LoadResult()
    if not errors:
        await add_successions(session, pairs, level=UnitLevel.commune, effective=REFORM_DATE, result=result)
    return result, errors
