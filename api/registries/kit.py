"""One mechanism for the registries' records: scoped lists and reads, create/update/delete with
ETags, If-Match and audit. Each registry declares its model and shapes; funds and awards add their
own rules on top (ledger, awards paid from a fund)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, create_model
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.service import diff, record
from api.auth.principal import Principal
from api.core.errors import ErrorItem, Forbidden, NotFound, ValidationFailed
from api.core.pagination import PageParams, paginate_rows
from api.core.text import IsoDate, today_vn
from api.models import Unit
from api.models.registry import RegistryMixin
from api.sync.feed import record_change
from api.units import repository as units_repo

M = TypeVar("M", bound=RegistryMixin)


class RecordIn(BaseModel):
    """Fields every registry record takes on creation."""

    model_config = ConfigDict(extra="forbid")

    unit_code: str = Field(pattern=r"^\d{2,5}(-[0-9A-Za-z]{1,12})?$", description="The unit the record belongs to.")
    unit_as_of: IsoDate | None = Field(
        default=None, description="Date unit_code is read on (default today; 2024-12-31 for the old map)."
    )
    external_id: str | None = Field(default=None, max_length=100, description="Your own id for it (partners).")


class RecordOut(BaseModel):
    """Fields every registry record shows."""

    id: int = Field(description="Record id.")
    unit_code: str = Field(description="Code of its unit.")
    external_id: str | None = Field(description="The partner's id for it, if any.")
    partner: str | None = Field(description="The partner system that owns external_id.")
    version: int = Field(description="Changes with every update; the ETag is built from it.")
    created_at: dt.datetime = Field(description="Created at.")
    updated_at: dt.datetime = Field(description="Last change.")


def partial(fields: type[BaseModel], name: str, *, exclude: frozenset[str] = frozenset()) -> type[BaseModel]:
    """The update shape of a registry: every field optional (PATCH sends only what changes), same rules."""
    defs: dict[str, Any] = {}
    for field_name, info in fields.model_fields.items():
        if field_name in exclude:
            continue
        inner: Any = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
        defs[field_name] = (inner | None, Field(default=None, description=info.description))
    return create_model(name, __config__=ConfigDict(extra="forbid"), **defs)


@dataclass(frozen=True)
class Registry(Generic[M]):
    entity: str  # audit and ETag name, e.g. "commendation"
    label: str  # Vietnamese, for messages
    model: type[M]
    out: type[RecordOut]
    fields: tuple[str, ...]  # the model fields the API writes
    filters: dict[str, str] = field(default_factory=dict)  # query parameter → model column

    def etag_key(self, obj: M) -> str:
        return f"{self.entity}-{obj.id}-{obj.version}"


def partner_of(principal: Principal) -> str | None:
    return principal.partner


async def unit_for_write(
    session: AsyncSession, principal: Principal, code: str, as_of: dt.date | None
) -> tuple[int, str]:
    row = await units_repo.get_by_code(session, code, as_of or today_vn())
    if row is None:
        raise ValidationFailed(
            f"Không có đơn vị mã {code} vào ngày {(as_of or today_vn()).isoformat()}.",
            errors=[ErrorItem(loc=["body", "unit_code"], msg="Không có đơn vị này", type="unknown_unit")],
        )
    if not principal.covers(row.path):
        raise Forbidden(f"Đơn vị {code} nằm ngoài phạm vi của bạn.")
    return row.id, row.path


async def unit_codes(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {r.id: r.code for r in (await session.execute(select(Unit.id, Unit.code).where(Unit.id.in_(ids)))).all()}


async def to_out(session: AsyncSession, reg: Registry[M], objs: Sequence[M]) -> list[RecordOut]:
    codes = await unit_codes(session, {o.unit_id for o in objs})
    return [
        reg.out.model_validate(
            {**{f: getattr(o, f) for f in reg.out.model_fields if hasattr(o, f)}, "unit_code": codes[o.unit_id]}
        )
        for o in objs
    ]


async def emit(session: AsyncSession, reg: Registry[M], obj: M, op: str = "upsert") -> None:
    """Put the record's change on the feed for partner systems (after the write, in its transaction)."""
    data = (await to_out(session, reg, [obj]))[0] if op == "upsert" else None
    await record_change(
        session, reg.entity, op, obj.id, obj.unit_path, external_id=obj.external_id, partner=obj.partner, data=data
    )


async def get(session: AsyncSession, principal: Principal, reg: Registry[M], obj_id: int, *, lock: bool = False) -> M:
    stmt = select(reg.model).where(reg.model.id == obj_id, principal.path_filter(reg.model.unit_path))
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
    unit_path: str | None,
    filters: dict[str, Any],
    extra: Sequence[ColumnElement[bool]] = (),
) -> tuple[list[M], str | None]:
    stmt = select(reg.model).where(principal.path_filter(reg.model.unit_path), *extra)
    if unit_path is not None:
        stmt = stmt.where(reg.model.unit_path.like(f"{unit_path}%"))
    for param, value in filters.items():
        if value is not None:
            stmt = stmt.where(getattr(reg.model, reg.filters[param]) == value)
    rows, cursor = await paginate_rows(session, stmt, order=[reg.model.id], page=page)
    return [r[0] for r in rows], cursor


def _values(reg: Registry[M], data: BaseModel, *, partial: bool) -> dict[str, Any]:
    dumped = data.model_dump(exclude_unset=partial)
    return {k: v for k, v in dumped.items() if k in reg.fields}


async def create(session: AsyncSession, principal: Principal, reg: Registry[M], data: RecordIn) -> M:
    unit_id, path = await unit_for_write(session, principal, data.unit_code, data.unit_as_of)
    values = _values(reg, data, partial=False)
    identity = {
        "unit_id": unit_id,
        "unit_path": path,
        "external_id": data.external_id,
        "partner": partner_of(principal),
    }
    obj = reg.model(**identity, **values)
    session.add(obj)
    await session.flush()
    await record(
        session,
        principal,
        action="create",
        entity=reg.entity,
        entity_id=obj.id,
        changes=diff(None, values | {"unit_code": data.unit_code}),
        unit_path=path,
    )
    await emit(session, reg, obj)
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
    before = {k: getattr(obj, k) for k in values}
    fields_set = data.model_fields_set
    new_code = getattr(data, "unit_code", None) if "unit_code" in fields_set else None
    if new_code:
        obj.unit_id, obj.unit_path = await unit_for_write(
            session, principal, new_code, getattr(data, "unit_as_of", None)
        )
    for k, v in values.items():
        setattr(obj, k, v)
    changes = diff(before, values)
    if changes:
        await session.flush()
        await record(
            session,
            principal,
            action="update",
            entity=reg.entity,
            entity_id=obj.id,
            changes=changes,
            unit_path=obj.unit_path,
        )
        await emit(session, reg, obj)
    return obj


async def delete(session: AsyncSession, principal: Principal, reg: Registry[M], obj: M) -> None:
    await record(
        session,
        principal,
        action="delete",
        entity=reg.entity,
        entity_id=obj.id,
        changes=diff({f: getattr(obj, f) for f in reg.fields}, None),
        unit_path=obj.unit_path,
    )
    await emit(session, reg, obj, "delete")
    await session.delete(obj)
    await session.flush()
