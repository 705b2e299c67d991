"""Rules of administrative units: which unit a code names on a date, and its successors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import scope
from api.auth.principal import Principal
from api.core.errors import Conflict, ErrorItem, NotFound, ValidationFailed
from api.core.pagination import Page, PageParams
from api.core.text import fold, today_vn
from api.db.base import AnyRow
from api.journal import audit, diff
from api.models import LEVEL_RANK, Unit, UnitLevel, UnitSource
from api.units import dating, repository
from api.units.schemas import UnitOut, VillageCreate


def ancestor_paths(path: str) -> list[str]:
    """``"src:34/336/12460/"`` → the path itself, then ``"src:34/336/"``, then ``"src:34/"``."""
    parts = path.rstrip("/").split("/")
    return ["/".join(parts[:i]) + "/" for i in range(len(parts), 0, -1)]


async def to_out(session: AsyncSession, rows: Sequence[AnyRow]) -> list[UnitOut]:
    """Shape rows as ``UnitOut``, resolving successors (own, else the nearest ancestor's) and parents' names."""
    chains = {r.id: ancestor_paths(r.path) for r in rows}
    found = await repository.ids_and_names_by_path(session, {p for chain in chains.values() for p in chain})
    path_ids = {p: id_ for p, (id_, _) in found.items()}
    successors = await repository.successor_codes(session, path_ids.values())
    predecessors = await repository.predecessor_codes(session, chains.keys())
    out = []
    for r in rows:
        succ = next((successors[path_ids[p]] for p in chains[r.id] if successors.get(path_ids.get(p, -1))), [])
        out.append(
            UnitOut(
                code=r.code,
                name=r.name,
                level=UnitLevel(r.level),
                division_type=r.division_type,
                parent_code=r.parent_code,
                parent_names=[found[p][1] for p in chains[r.id][1:] if p in found],
                valid_from=r.valid_from,
                valid_to=r.valid_to,
                successor_codes=succ,
                predecessor_codes=predecessors.get(r.id, []),
            )
        )
    return out


async def resolve(session: AsyncSession, code: str, day: dt.date) -> AnyRow:
    """The unit a code names on ``day``; a 404 naming the date, what the code meant then and its successor."""
    row = await repository.get_by_code(session, code, day)
    if row is not None:
        return row
    detail, extra = await dating.explain(session, code, day)
    raise NotFound(detail, **extra)


async def get_unit(session: AsyncSession, code: str, *, as_of: dt.date) -> UnitOut:
    return (await to_out(session, [await resolve(session, code, as_of)]))[0]


async def list_units(
    session: AsyncSession,
    *,
    as_of: dt.date,
    page: PageParams,
    level: UnitLevel | None = None,
    parent: str | None = None,
    q: str | None = None,
) -> Page[UnitOut]:
    parent_id = None
    if parent is not None:
        row = await repository.get_by_code(session, parent, as_of)
        if row is None:
            raise ValidationFailed(
                f"Không có đơn vị mã {parent} vào ngày {as_of.isoformat()}.",
                errors=[
                    ErrorItem(loc=["query", "parent"], msg="Không có đơn vị này vào ngày đã chọn", type="unknown_unit")
                ],
            )
        parent_id = row.id
    rows, cursor = await repository.list_units(
        session, day=as_of, page=page, level=level.value if level else None, parent_id=parent_id, q=q
    )
    return Page[UnitOut](items=await to_out(session, rows), next_cursor=cursor)


async def children(session: AsyncSession, code: str, *, as_of: dt.date, page: PageParams) -> Page[UnitOut]:
    unit = await resolve(session, code, as_of)
    rows, cursor = await repository.list_units(session, day=as_of, page=page, parent_id=unit.id)
    return Page[UnitOut](items=await to_out(session, rows), next_cursor=cursor)


async def create_village(session: AsyncSession, principal: Principal, data: VillageCreate) -> UnitOut:
    """Add a village below a commune inside the principal's scope; its code is made here."""
    day = today_vn()
    commune = await dating.resolve(session, dating.UnitRef(data.parent_code, day, ("body", "parent_code")))
    if commune.level != UnitLevel.commune:
        raise ValidationFailed(
            f"Không có xã/phường mã {data.parent_code} hiện nay.",
            errors=[ErrorItem(loc=["body", "parent_code"], msg="Không có xã/phường này", type="unknown_unit")],
        )
    scope.require_unit(principal, commune.path, data.parent_code, field="parent_code")
    suffix = data.code_suffix or f"{await repository.count_children(session, commune.id) + 1:02d}"
    code = f"{commune.code}-{suffix}"
    if await repository.code_exists(session, code, UnitSource.local):
        raise Conflict(f"Mã {code} đã được dùng.", field="code_suffix")
    unit = Unit(
        code=code,
        name=data.name,
        level=UnitLevel.village.value,
        depth=LEVEL_RANK[UnitLevel.village],
        division_type=data.division_type,
        parent_id=commune.id,
        path=f"{commune.path}{code}/",
        search_name=fold(data.name),
        valid_from=day,
        valid_to=None,
        source=UnitSource.local.value,
    )
    session.add(unit)
    await session.flush()
    await audit(
        session,
        principal,
        action="create",
        entity="unit",
        entity_id=code,
        changes=diff(
            None,
            {
                "code": code,
                "name": data.name,
                "division_type": data.division_type,
                "parent_code": commune.code,
                "valid_from": day,
            },
        ),
        unit_path=unit.path,
    )
    return (await to_out(session, [await resolve(session, code, day)]))[0]


async def resolve_for_filter(session: AsyncSession, code: str, day: dt.date | None, field: str = "unit") -> AnyRow:
    """A unit named in a query filter: read on ``day`` (default today, then any date it existed)."""
    row = await repository.get_by_code(session, code, day or today_vn())
    if row is None and day is None:
        row = await repository.latest_by_code(session, code)
    if row is None:
        raise await dating.not_on_date(session, dating.UnitRef(code, day or today_vn(), ("query", field)))
    return row


async def template_choices(
    session: AsyncSession, principal: Principal, day: dt.date, *, limit: int = 3_000
) -> list[tuple[str, str]] | None:
    """The units an import template offers in its drop-down: those of the caller's scope on ``day``
    (provinces to communes), as (code, "name — parent's name"); None when there are more than
    ``limit`` (a national account: the drop-down would be a list nobody scrolls)."""
    rows = await repository.listed_under(
        session, scope.condition(principal, Unit.path), day, max_depth=LEVEL_RANK[UnitLevel.commune], limit=limit + 1
    )
    if len(rows) > limit:
        return None
    return [(r.code, f"{r.name} — {r.parent_name}" if r.parent_name else r.name) for r in rows]
