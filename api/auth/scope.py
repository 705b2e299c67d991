"""Unit scope: the one place that decides which records exist for a caller.

Every list, read, write and reference check goes through this module; nothing else turns a
principal into SQL conditions or a yes/no on a unit path (tests/auth/test_scope_module.py fails
when anything else tries). The rule, in one place:

1. A principal sees the records whose unit path starts with one of its prefixes: its unit's, and
   those of the units its unit was formed from (the new Hưng Yên's staff see old Thái Bình's
   records). A national principal sees everything.
2. Outside scope a record does not exist: **404**, the same answer as for an id that was never
   there, for lists (filtered out), reads, updates, deletes and every other action. **403** is kept
   for "inside scope, but the caller lacks a permission" (a missing API scope, an approver rule).
3. A unit named in a body (``unit_code``, ``parent_code``) or as the place of a figure
   (``/inspections/coverage``, ``/funds/summary``) that lies outside scope is 404 naming the field:
   nothing is written or summed there. Units are public reference data, so the message says why.
4. An id referenced in a body (``parent_id``, ``association_id``, ``fund_id``, ``to_fund_id``,
   ``reverses_entry_id``, …) is resolved by :func:`resolve_reference`: an id the caller cannot see
   and an id that does not exist get the same 404 naming the field, so 201 vs 409 cannot reveal
   what exists in another unit.
5. Records a principal creates (import jobs, ledger entries) are owned by its kind and id
   (``created_by_kind``, ``created_by_id``; :func:`owns`), never by its name: names are chosen by
   whoever makes the key. An import job is read by its owner, or by a caller whose scope covers the
   job's unit (a national job: national callers only).
6. A referenced record may not sit below itself (an association as its own parent or ancestor):
   422 naming the field (api/registries/kit.py walks the tree).
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlalchemy import false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from api.auth.principal import Principal
from api.core.errors import ErrorItem, NotFound


class Scoped(Protocol):
    id: Any
    unit_path: Any


S = TypeVar("S", bound=Scoped)


def condition(principal: Principal, path_column: Any) -> ColumnElement[bool]:
    """SQL condition: the row's unit path is inside the principal's scope."""
    if principal.national:
        return true()
    if not principal.unit_prefixes:
        return false()
    return or_(*(path_column.like(f"{p}%") for p in principal.unit_prefixes))


def visible(principal: Principal, path: str | None) -> bool:
    """Whether a record (or unit) at this path is inside the principal's scope."""
    if principal.national:
        return True
    return path is not None and any(path.startswith(p) for p in principal.unit_prefixes)


def above(principal: Principal, path: str | None) -> bool:
    """Whether the record's unit lies strictly below the principal's own unit (the level above checks it:
    a recognition sheet is verified by a caller above the unit that scored it). National: always."""
    if principal.national:
        return True
    return path is not None and any(path.startswith(p) and path != p for p in principal.unit_prefixes)


def not_found(detail: str, *, field: str | None = None, loc: str = "body", msg: str | None = None) -> NotFound:
    """The 404 of rule 2–4; with ``field``, it names where the unknown or hidden id or unit was sent."""
    if field is None:
        return NotFound(detail)
    item = ErrorItem(loc=[loc, field], msg=msg or "Không có bản ghi này trong phạm vi của bạn", type="not_found")
    return NotFound(detail, errors=[item], field=field)


def require(principal: Principal, path: str | None, error: NotFound) -> None:
    """Raise ``error`` (a 404) unless the path is inside the principal's scope."""
    if not visible(principal, path):
        raise error


def require_unit(principal: Principal, path: str, code: str, *, field: str, loc: str = "body") -> None:
    """A unit named in a request must lie inside the scope (rule 3)."""
    if not visible(principal, path):
        raise not_found(
            f"Đơn vị {code} nằm ngoài phạm vi của bạn.", field=field, loc=loc, msg="Đơn vị nằm ngoài phạm vi của bạn"
        )


async def resolve_reference(
    session: AsyncSession,
    principal: Principal,
    model: type[S],
    obj_id: int,
    *,
    field: str,
    label: str,
    lock: bool = False,
) -> S:
    """The record a body refers to by id, if the caller can see it; else 404 naming the field (rule 4)."""
    stmt = select(model).where(model.id == obj_id, condition(principal, model.unit_path))
    if lock:
        stmt = stmt.with_for_update()
    obj = await session.scalar(stmt)
    if obj is None:
        raise not_found(f"Không có {label} {obj_id}.", field=field, msg=f"Không có {label} này")
    return obj


def key(principal: Principal) -> tuple[bool, tuple[str, ...]]:
    """What the principal may see, as a hashable value: callers with equal keys see the same records."""
    return principal.national, principal.unit_prefixes


def home_path(principal: Principal) -> str | None:
    """The path of the principal's own unit (None: the whole country), for records it starts."""
    return principal.unit_prefixes[0] if principal.unit_prefixes and not principal.national else None


def owns(principal: Principal, kind: str | None, owner_id: int | None) -> bool:
    """Whether the record created by (kind, owner_id) is this principal's own (rule 5)."""
    return kind == principal.kind and owner_id is not None and owner_id == principal.id
