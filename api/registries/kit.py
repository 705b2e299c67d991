"""One mechanism for the registries' records: scoped lists and reads, create/update/delete with
ETags, If-Match and audit. Each registry declares its model and shapes; funds and awards add their
own rules on top (ledger, awards paid from a fund)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Generic, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field, create_model
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from api import journal
from api.auth import scope
from api.auth.principal import Principal
from api.core.errors import ErrorItem, NotFound, ValidationFailed
from api.core.pagination import PageParams, paginate_rows
from api.core.text import UNIT_CODE_PATTERN, ExternalIdText, IsoDate, NotNull
from api.models import Unit
from api.models.registry import RegistryMixin
from api.units import dating

M = TypeVar("M", bound=RegistryMixin)


class RecordIn(BaseModel):
    """Fields every registry record takes on creation."""

    model_config = ConfigDict(extra="forbid")

    unit_code: str = Field(pattern=UNIT_CODE_PATTERN, description="The unit the record belongs to.")
    unit_as_of: IsoDate | None = Field(
        default=None,
        description="Date unit_code is read on (default the record's own date, else today; 2024-12-31: the old map).",
    )
    external_id: ExternalIdText | None = Field(
        default=None, max_length=100, description="Your own id for it (partners)."
    )


class RecordOut(BaseModel):
    """Fields every registry record shows."""

    id: int = Field(description="Record id.")
    unit_code: str = Field(description="Code of its unit.")
    external_id: str | None = Field(description="The partner's id for it, if any.")
    partner: str | None = Field(description="The partner system that owns external_id.")
    version: int = Field(description="Changes with every update; the ETag is built from it.")
    created_at: dt.datetime = Field(description="Created at.")
    updated_at: dt.datetime = Field(description="Last change.")


def _admits_none(annotation: Any) -> bool:
    return annotation is None or type(None) in get_args(annotation)


def partial(fields: type[BaseModel], name: str, *, exclude: frozenset[str] = frozenset()) -> type[BaseModel]:
    """The update shape of a registry: every field optional (PATCH sends only what changes), same rules."""
    defs: dict[str, Any] = {}
    for field_name, info in fields.model_fields.items():
        if field_name in exclude:
            continue
        inner: Any = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
        if _admits_none(info.annotation):
            defs[field_name] = (inner, Field(default=None, description=info.description))
        else:  # a field the record cannot lack: null is refused, and not offered by the schema
            defs[field_name] = (Annotated[inner | None, *NotNull], Field(default=None, description=info.description))
    return create_model(name, __config__=ConfigDict(extra="forbid"), **defs)


@dataclass(frozen=True)
class Registry(Generic[M]):
    entity: str  # audit and ETag name, e.g. "commendation"
    label: str  # Vietnamese, for messages
    model: type[M]
    out: type[RecordOut]
    fields: tuple[str, ...]  # the model fields the API writes
    filters: dict[str, str] = field(default_factory=dict)  # query parameter → model column
    # Fields holding the id of another record: field → (its model, Vietnamese label). They are resolved
    # through the scope module; one pointing at the registry's own model is a tree, kept free of cycles.
    references: dict[str, tuple[type[Any], str]] = field(default_factory=dict)
    dated_by: tuple[str, ...] = ()  # the record's own date, first found: date fields, then "year" (its 31 December)
    # The GET's serializer when the record needs more than its columns and unit code (awards: the category).
    serializer: Callable[[AsyncSession, Sequence[Any]], Awaitable[Sequence[BaseModel]]] | None = None
    # Rules a registry adds to the kit's writes (recognition: a scored registration keeps its title, year and
    # group; the report figures follow the records). ``guard(action, obj, values)`` refuses an update (the
    # values it would set, ``unit_id`` included when it moves) or a delete before anything changes;
    # ``changed(session, principal, states)`` is told the records' states (unit_path, partner, written fields)
    # before and after each create, update and delete.
    guard: Callable[[str, Any, dict[str, Any]], None] | None = None
    changed: Callable[[AsyncSession, Principal, list[dict[str, Any]]], Awaitable[None]] | None = None
    # Fields that hold a person's data (Nghị định 13/2023): the audit trail records that they changed, never
    # their values, and an erasure scrubs them from the feed's versions (journal.register, journal.forget).
    personal: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        journal.register(self.entity, self._serialize, personal=self.personal)

    async def _serialize(self, session: AsyncSession, objs: Sequence[Any]) -> Sequence[BaseModel]:
        return await to_out(session, self, objs)

    def etag_key(self, obj: M) -> str:
        return f"{self.entity}-{obj.id}-{obj.version}"


def state(reg: Registry[M], obj: M) -> dict[str, Any]:
    """What ``Registry.changed`` is told of a record: its unit path, partner and the fields the API writes."""
    return {"unit_path": obj.unit_path, "partner": obj.partner, **{f: getattr(obj, f) for f in reg.fields}}


def partner_of(principal: Principal) -> str | None:
    return principal.partner


async def unit_for_write(session: AsyncSession, principal: Principal, ref: dating.UnitRef) -> tuple[int, str]:
    """The unit a body's code names on its date (see api.units.dating), inside the caller's scope."""
    row = await dating.resolve(session, ref)
    scope.require_unit(principal, row.path, ref.code, field=str(ref.loc[-1]), loc=str(ref.loc[0]))
    return row.id, row.path


def unit_ref(reg: Registry[M], data: BaseModel, current: M | None = None) -> dating.UnitRef:
    """The body's unit_code read on its date: unit_as_of, else the record's own date (after the change)."""
    values = {f: getattr(current, f, None) for f in reg.dated_by} if current is not None else {}
    values |= data.model_dump(include=set(reg.dated_by), exclude_unset=current is not None)
    own = dating.own_date(values, reg.dated_by)
    code: str = data.unit_code  # type: ignore[attr-defined]  # a create or replace body, or a PATCH sending it
    return dating.body_ref(code, unit_as_of=getattr(data, "unit_as_of", None), own=own)


async def unit_codes(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {r.id: r.code for r in (await session.execute(select(Unit.id, Unit.code).where(Unit.id.in_(ids)))).all()}


async def to_out(session: AsyncSession, reg: Registry[M], objs: Sequence[M]) -> list[RecordOut]:
    if reg.serializer is not None:
        return list(await reg.serializer(session, objs))  # type: ignore[arg-type]
    codes = await unit_codes(session, {o.unit_id for o in objs})
    return [
        reg.out.model_validate(
            {**{f: getattr(o, f) for f in reg.out.model_fields if hasattr(o, f)}, "unit_code": codes[o.unit_id]}
        )
        for o in objs
    ]


async def get(session: AsyncSession, principal: Principal, reg: Registry[M], obj_id: int, *, lock: bool = False) -> M:
    stmt = select(reg.model).where(reg.model.id == obj_id, scope.condition(principal, reg.model.unit_path))
    if lock:
        stmt = stmt.with_for_update()
    obj = await session.scalar(stmt)
    if obj is None:
        raise NotFound(f"Không có {reg.label} {obj_id}.")
    return obj


async def list_records(
    session: AsyncSession,
    principal: Principal,
    reg: Registry[M],
    page: PageParams,
    *,
    unit: dating.UnitFilter | None,
    filters: dict[str, Any],
    extra: Sequence[ColumnElement[bool]] = (),
) -> tuple[list[M], str | None]:
    stmt = select(reg.model).where(scope.condition(principal, reg.model.unit_path), *extra)
    if unit is not None:
        stmt = stmt.where(unit.condition(reg.model.unit_path))
    for param, value in filters.items():
        if value is not None:
            stmt = stmt.where(getattr(reg.model, reg.filters[param]) == value)
    rows, cursor = await paginate_rows(session, stmt, order=[reg.model.id], page=page)
    return [r[0] for r in rows], cursor


def _values(reg: Registry[M], data: BaseModel, *, partial: bool) -> dict[str, Any]:
    dumped = data.model_dump(exclude_unset=partial)
    return {k: v for k, v in dumped.items() if k in reg.fields}


async def _check_references(
    session: AsyncSession, principal: Principal, reg: Registry[M], values: dict[str, Any], obj: M | None
) -> None:
    for name, (model, label) in reg.references.items():
        ref_id = values.get(name)
        if ref_id is None:
            continue
        await scope.resolve_reference(session, principal, model, ref_id, field=name, label=label)
        if obj is not None and model is reg.model:
            await _refuse_cycle(session, reg, obj, name, ref_id)


async def _refuse_cycle(session: AsyncSession, reg: Registry[M], obj: M, name: str, ref_id: int) -> None:
    """A record cannot sit below itself: walk up from the new parent; meeting the record is a cycle."""
    column = getattr(reg.model, name)
    seen: set[int] = set()
    current: int | None = ref_id
    while current is not None and current not in seen:
        if current == obj.id:
            raise ValidationFailed(
                f"{reg.label.capitalize()} {obj.id} không thể trực thuộc chính nó hoặc cấp dưới của nó.",
                errors=[ErrorItem(loc=["body", name], msg="Tạo thành vòng lặp cấp trên – cấp dưới", type="cycle")],
            )
        seen.add(current)
        current = await session.scalar(select(column).where(reg.model.id == current))


async def create(session: AsyncSession, principal: Principal, reg: Registry[M], data: RecordIn) -> M:
    unit_id, path = await unit_for_write(session, principal, unit_ref(reg, data))
    values = _values(reg, data, partial=False)
    await _check_references(session, principal, reg, values, None)
    identity = {
        "unit_id": unit_id,
        "unit_path": path,
        "external_id": data.external_id,
        "partner": partner_of(principal),
    }
    obj = reg.model(**identity, **values)
    session.add(obj)
    await session.flush()
    await journal.write(session, principal, action="create", kind=reg.entity, obj=obj)
    if reg.changed is not None:
        await reg.changed(session, principal, [state(reg, obj)])
    return obj


async def update(
    session: AsyncSession, principal: Principal, reg: Registry[M], obj: M, data: BaseModel, *, replace: bool = False
) -> M:
    """Change the fields sent (``replace``: every field, as a PUT does)."""
    values = _values(reg, data, partial=not replace)
    table = reg.model.__table__  # type: ignore[attr-defined]
    empty = [k for k, v in values.items() if v is None and not table.c[k].nullable]
    if empty:
        raise ValidationFailed(
            f"Không được để trống: {', '.join(empty)}.",
            errors=[
                ErrorItem(loc=["body", k], msg="Không được để trống (bỏ trường này nếu không đổi)", type="null")
                for k in empty
            ],
        )
    await _check_references(session, principal, reg, values, obj)
    before = await journal.snapshot(session, reg.entity, obj)
    old_state = state(reg, obj)
    fields_set = data.model_fields_set
    new_code = getattr(data, "unit_code", None) if "unit_code" in fields_set else None
    moved: tuple[int, str] | None = None
    if new_code:
        moved = await unit_for_write(session, principal, unit_ref(reg, data, None if replace else obj))
    if reg.guard is not None:
        reg.guard("update", obj, values | ({"unit_id": moved[0]} if moved else {}))
    if moved:
        obj.unit_id, obj.unit_path = moved
    for k, v in values.items():
        setattr(obj, k, v)
    await session.flush()
    await journal.write(session, principal, action="update", kind=reg.entity, obj=obj, before=before)
    if reg.changed is not None:
        await reg.changed(session, principal, [old_state, state(reg, obj)])
    return obj


async def delete(session: AsyncSession, principal: Principal, reg: Registry[M], obj: M) -> None:
    if reg.guard is not None:
        reg.guard("delete", obj, {})
    before = await journal.snapshot(session, reg.entity, obj)
    old_state = state(reg, obj)
    await journal.write(session, principal, action="delete", kind=reg.entity, obj=obj, before=before, delete=True)
    await session.delete(obj)
    await session.flush()
    if reg.changed is not None:
        await reg.changed(session, principal, [old_state])
