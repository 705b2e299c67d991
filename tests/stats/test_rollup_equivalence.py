"""The roll-up made by the database (api/stats/rollup.py) gives what the rules give when applied one
report at a time in Python: random reports at every level (province, district, commune, village), in
every state, summed per province, per district, per commune, per village and in nested sets."""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Sequence

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import Principal
from api.auth.scopes import Role, Scope
from api.models import Report, Unit, UnitLevel
from api.reports.fields import FIGURE_NAMES
from api.stats import rollup
from api.units.repository import valid_on

PROVINCE = "vn-pre-2025:35/"  # old Hà Nam: no demo reports in the years used here


def reference(
    rows: Sequence[tuple[str, str, str, tuple[int | None, ...]]],
    prefixes: Sequence[str],
    communes: list[str],
    visible: set[str] | None,
) -> dict[str, rollup.Totals]:
    """The rules, report by report: keep the visible reports under the prefixes, drop every report that
    has one below it, then sum each prefix and count the communes covered and expected."""
    kept = [
        r
        for r in rows
        if r[0].startswith(tuple(prefixes)) and (r[2] == "approved" or (visible is not None and r[0] in visible))
    ]
    kept.sort(key=lambda r: r[0])
    counted = [r for i, r in enumerate(kept) if not (i + 1 < len(kept) and kept[i + 1][0].startswith(r[0]))]
    out = {}
    for p in prefixes:
        t = rollup.Totals()
        covered: set[str] = set()
        for path, level, _, figures in counted:
            if not path.startswith(p):
                continue
            t.reports += 1
            for name, value in zip(FIGURE_NAMES, figures, strict=True):
                if value is not None:
                    t.figures[name] += value
            if level == UnitLevel.commune:
                covered.add(path)
            elif level == UnitLevel.village:
                covered.add(path.rstrip("/").rsplit("/", 1)[0] + "/")
            else:
                lo, hi = bisect.bisect_left(communes, path), bisect.bisect_left(communes, path + "\U0010ffff")
                covered.update(communes[lo:hi])
        t.covered = len(covered)
        t.expected = bisect.bisect_left(communes, p + "\U0010ffff") - bisect.bisect_left(communes, p)
        out[p] = t
    return out


def as_tuple(t: rollup.Totals) -> tuple[object, ...]:
    return (t.reports, t.covered, t.expected, tuple(sorted(t.figures.items())))


@pytest.mark.parametrize("seed", range(5))
async def test_the_database_roll_up_follows_the_rules(session: AsyncSession, seed: int) -> None:
    rng = random.Random(seed)
    year = 2010 + seed
    units = (
        await session.execute(
            select(Unit.id, Unit.code, Unit.level, Unit.path, Unit.valid_to).where(Unit.path.like(f"{PROVINCE}%"))
        )
    ).all()
    communes = [u for u in units if u.level == UnitLevel.commune]
    # Villages below a few communes (the old map has none of its own).
    for commune in rng.sample(communes, 4):
        for k in range(1, rng.randint(2, 4)):
            code = f"{commune.code}-T{seed}{k}"
            session.add(
                Unit(
                    code=code,
                    name=f"Thôn {k}",
                    level=UnitLevel.village.value,
                    depth=3,
                    division_type="thôn",
                    parent_id=commune.id,
                    path=f"{commune.path}{code}/",
                    search_name=f"thon {k}",
                    valid_from=None,
                    valid_to=commune.valid_to,
                    source="local",
                )
            )
    await session.flush()
    units = (
        await session.execute(select(Unit.id, Unit.code, Unit.level, Unit.path).where(Unit.path.like(f"{PROVINCE}%")))
    ).all()
    chance = {"province": 0.5, "district": 0.35, "commune": 0.45, "village": 0.5}
    rows = []
    for u in units:
        if rng.random() >= chance[u.level]:
            continue
        status = rng.choice(["approved", "approved", "approved", "submitted", "draft"])
        figures = {n: rng.choice([None, rng.randint(0, 5000)]) if n != "population" else 10_000 for n in FIGURE_NAMES}
        session.add(Report(unit_id=u.id, year=year, status=status, **figures))
        rows.append((u.path, u.level, status, tuple(figures[n] for n in FIGURE_NAMES)))
    await session.flush()

    day = dt.date(year, 12, 31)
    commune_paths = sorted(
        (
            await session.scalars(
                select(Unit.path).where(
                    Unit.level == UnitLevel.commune.value, valid_on(day), Unit.path.like(f"{PROVINCE}%")
                )
            )
        ).all()
    )
    by_level: dict[str, list[str]] = {}
    for u in units:
        by_level.setdefault(u.level, []).append(u.path)
    district = rng.choice(by_level["district"])
    commune = rng.choice([p for p in by_level["village"]]).rsplit("/", 2)[0] + "/"
    sets: list[list[str]] = [
        [PROVINCE],
        by_level["district"],
        [p for p in by_level["commune"] if p.startswith(district)],
        [p for p in by_level["village"] if p.startswith(commune)],
        [PROVINCE, *by_level["district"]],  # a place and its children in one roll-up (the summary workbook)
        [district, *[p for p in by_level["commune"] if p.startswith(district)]],
    ]
    editor = Principal(
        kind="user",
        id=1,
        name="editor",
        display_name="Editor",
        role=Role.editor,
        scopes=frozenset({Scope.stats_read}),
        unit_id=-1,
        unit_prefixes=(district,),
    )
    for prefixes in sets:
        for drafts_of in (None, editor):
            got = (await rollup.sum_reports(session, {year: prefixes}, include_drafts_of=drafts_of))[year]
            visible = {r[0] for r in rows if r[0].startswith(district)} if drafts_of is not None else None
            # A nested set is summed layer by layer, as the rules apply to each place on its own.
            want: dict[str, rollup.Totals] = {}
            for depth in sorted({p.count("/") for p in prefixes}):
                layer = [p for p in prefixes if p.count("/") == depth]
                want.update(reference(rows, layer, commune_paths, visible))
            assert {p: as_tuple(t) for p, t in got.items()} == {p: as_tuple(t) for p, t in want.items()}, prefixes
