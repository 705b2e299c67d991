"""Unit codes read on a date: one type carries a code and its date from the request to the query.

The dating rule. A unit code means different units on different dates (on 2025-07-01 provinces
merged, districts were abolished and communes merged; "00004" is Phường Trúc Bạch until
2025-06-30 and Phường Ba Đình after), so a code is never looked up without a date. In a body
(registries, awards, reports, partner sync) the code is read on ``unit_as_of`` when the caller
sends it, else on the record's own date (an award's date or, without one, 31 December of its
year; a commendation's decision date, an inspection's date, an agreement's signing date, an
activity's date, each else 31 December of the record's year; a report's 31 December), else
today. A list filter ``unit`` is read on ``as_of`` when given, else on today's map (a code no
longer in use: its last unit); where the list also has a ``year`` the filter covers the units of
that year's map the unit was formed from, as /stats sums them, together with the unit the code
named on 31 December of that year (so ``/reports?unit=33&year=2023`` lists Thái Bình's reports
that /stats counts for today's Hưng Yên, and ``/awards?unit=13285&year=2024`` the awards of the
2024 Phường Quang Trung, not of today's Phường Châu Sơn). Without a year a filter covers the unit
and every unit it was formed from (``/reports?unit=01`` includes the old Hà Nội). A code that
names no unit on its date is refused with a message naming the date, the unit the code named at
another time, and what became of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import false, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from api.core.errors import ErrorItem, ValidationFailed
from api.core.text import today_vn
from api.db.base import AnyRow
from api.units import repository

Loc = tuple[str | int, ...]
BODY_LOC: Loc = ("body", "unit_code")


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def vn_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class UnitRef:
    """A unit code, the date it is read on, and where the request gave it (for errors)."""

    code: str
    on: dt.date
    loc: Loc = BODY_LOC


def own_date(values: Mapping[str, Any], fields: Sequence[str]) -> dt.date | None:
    """A record's own date: the first of ``fields`` it has; a year stands for its 31 December."""
    for name in fields:
        value = values.get(name)
        if isinstance(value, dt.date):
            return value
        if name == "year" and isinstance(value, int):
            return year_end(value)
    return None


def body_ref(code: str, *, unit_as_of: dt.date | None, own: dt.date | None, loc: Loc = BODY_LOC) -> UnitRef:
    """The date a body's code is read on: the caller's ``unit_as_of``, else the record's own date, else today."""
    return UnitRef(code, unit_as_of or own or today_vn(), loc)


async def resolve(session: AsyncSession, ref: UnitRef) -> AnyRow:
    """The unit ``ref`` names; a 422 naming the field, the date and what the code meant otherwise."""
    row = await repository.get_by_code(session, ref.code, ref.on)
    if row is None:
        raise await not_on_date(session, ref)
    return row


async def not_on_date(session: AsyncSession, ref: UnitRef) -> ValidationFailed:
    detail, extra = await explain(session, ref.code, ref.on)
    item = ErrorItem(loc=list(ref.loc), msg=detail, type="unknown_unit")
    return ValidationFailed(detail, errors=[item], **extra)


async def explain(session: AsyncSession, code: str, day: dt.date) -> tuple[str, dict[str, Any]]:
    """Why ``code`` names no unit on ``day``, in words a commune officer reads, and the same as data."""
    versions = await repository.versions_with_successors(session, code)
    extra: dict[str, Any] = {"code": code, "as_of": day.isoformat()}
    if not versions:
        return f"Không có đơn vị hành chính nào mang mã {code}.", extra
    before = [v for v in versions if v.valid_to is not None and v.valid_to < day]
    meant = before[-1] if before else versions[0]
    lines = [f"Ngày {vn_date(day)} không có đơn vị hành chính nào mang mã {code}."]
    successors: list[AnyRow] = []
    if meant.valid_to is not None and meant.valid_to < day:
        lines.append(f"Mã {code} là của {meant.name} đến hết ngày {vn_date(meant.valid_to)}.")
        successors = await successors_of(session, meant)
        if successors:
            names = ", ".join(f"{s.name} (mã {s.code})" for s in successors)
            lines.append(f"Từ ngày {vn_date(meant.valid_to + dt.timedelta(days=1))} đơn vị này thuộc {names}.")
    elif meant.valid_from is not None:
        lines.append(f"Mã {code} là của {meant.name} từ ngày {vn_date(meant.valid_from)}.")
    lines.append("Hãy kiểm tra lại mã đơn vị hoặc ngày của bản ghi.")
    extra["meant"] = {
        "code": meant.code,
        "name": meant.name,
        "valid_from": meant.valid_from.isoformat() if meant.valid_from else None,
        "valid_to": meant.valid_to.isoformat() if meant.valid_to else None,
    }
    extra["successors"] = [{"code": s.code, "name": s.name} for s in successors]
    return " ".join(lines), extra


def _ancestor_paths(path: str) -> list[str]:
    parts = path.rstrip("/").split("/")
    return ["/".join(parts[:i]) + "/" for i in range(len(parts), 0, -1)]


async def successors_of(session: AsyncSession, unit: AnyRow) -> list[AnyRow]:
    """The units that took ``unit`` over: its own successors, else those of the nearest unit above it."""
    chain = _ancestor_paths(unit.path)
    ids = await repository.ids_by_path(session, chain)
    links = await repository.successor_codes(session, ids.values())
    codes = next((links[ids[p]] for p in chain if links.get(ids.get(p, -1))), [])
    day = (unit.valid_to or today_vn()) + dt.timedelta(days=1)
    found = [await repository.get_by_code(session, c, day) for c in codes]
    return [r for r in found if r is not None]


def existed_on(unit: AnyRow, day: dt.date) -> bool:
    return (unit.valid_from is None or unit.valid_from <= day) and (unit.valid_to is None or unit.valid_to >= day)


async def resolve_many(session: AsyncSession, refs: Iterable[tuple[str, dt.date]]) -> dict[tuple[str, dt.date], AnyRow]:
    """The units many (code, date) pairs name, for imports: one query for every version of the codes."""
    return await Resolver(session).resolve(refs)


class Resolver:
    """The units (code, date) pairs name, for a file read a part at a time: each code's versions are read once per
    file (one query for the codes not read yet), and each (code, date) pair is looked up once (a province's file
    names a few hundred codes in every part). ``resolve_many`` is one part's."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.versions: dict[str, list[AnyRow]] = {}
        self.found: dict[tuple[str, dt.date], AnyRow | None] = {}

    async def _read(self, codes: Iterable[str]) -> None:
        new = {code for code in codes if code not in self.versions}
        if new:
            for code in new:
                self.versions[code] = []
            for version in await repository.versions_of_codes(self.session, new):
                self.versions.setdefault(version.code, []).append(version)

    async def spanning(self, codes: Iterable[str], first: dt.date, last: dt.date) -> dict[str, AnyRow]:
        """The unit each code names on every day from ``first`` to ``last``, for the codes that name one and the
        same unit throughout (exactly one version of the code existed in that time, for all of it): what
        ``resolve`` gives for each of those days, without a lookup per (code, date). The others are left out."""
        codes = set(codes)
        await self._read(codes)
        out: dict[str, AnyRow] = {}
        for code in codes:
            met = [
                v
                for v in self.versions[code]
                if (v.valid_from is None or v.valid_from <= last) and (v.valid_to is None or v.valid_to >= first)
            ]
            if len(met) == 1 and existed_on(met[0], first) and existed_on(met[0], last):
                out[code] = met[0]
        return out

    async def resolve(self, refs: Iterable[tuple[str, dt.date]]) -> dict[tuple[str, dt.date], AnyRow]:
        """The units of the pairs (those no unit had on that date left out)."""
        wanted = set(refs)
        await self._read(code for code, _ in wanted)
        found = self.found
        for ref in wanted - found.keys():
            code, day = ref
            found[ref] = next((v for v in self.versions.get(code, ()) if existed_on(v, day)), None)
        out: dict[tuple[str, dt.date], AnyRow] = {}
        for ref in wanted:
            unit = found[ref]
            if unit is not None:
                out[ref] = unit
        return out


@dataclass(frozen=True)
class UnitFilter:
    """A list filter's unit: the code as read, and the subtrees (path prefixes) it covers."""

    ref: UnitRef
    paths: tuple[str, ...]

    def condition(self, path_column: Any) -> ColumnElement[bool]:
        if not self.paths:
            return false()  # a unit formed after the year asked about, from no known unit: nothing then
        return or_(*(path_column.like(f"{p}%") for p in self.paths))


async def resolve_filter(
    session: AsyncSession, code: str, *, as_of: dt.date | None, year: int | None, field: str = "unit"
) -> UnitFilter:
    """The subtrees a ``unit`` filter covers, by the dating rule of this module."""
    ref = UnitRef(code, as_of or today_vn(), ("query", field))
    unit = await repository.get_by_code(session, code, ref.on)
    if unit is None and as_of is None:
        unit = await repository.latest_by_code(session, code)
    if unit is None:
        raise await not_on_date(session, ref)
    family = [unit, *await repository.predecessors(session, [unit.id])]
    if year is None:
        return UnitFilter(ref, _outermost(u.path for u in family))
    day = year_end(year)
    covered = [u for u in family if existed_on(u, day)]
    if as_of is None and not any(u.code == code for u in covered):
        then = await repository.get_by_code(session, code, day)
        covered += [then] if then is not None else []
    return UnitFilter(ref, _outermost(u.path for u in covered))


def _outermost(paths: Iterable[str]) -> tuple[str, ...]:
    """The paths that no other path given holds (a subtree already covered adds nothing)."""
    unique = sorted(set(paths))
    return tuple(p for p in unique if not any(p != q and p.startswith(q) for q in unique))
