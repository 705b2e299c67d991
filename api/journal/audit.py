"""The audit trail's rows: who changed what, old and new values, under which request."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import Principal
from api.core.requestid import current_client_request_id, current_request_id
from api.db.base import utcnow
from api.models import AuditEntry

# Never written to the trail, whatever the entity.
SECRET_FIELDS = frozenset({"password", "password_hash", "secret", "secret_hash", "token", "token_hash"})


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def diff(
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    fields: Iterable[str] | None = None,
    *,
    ignore: frozenset[str] = frozenset(),
    personal: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """``{field: [old, new]}`` for the fields that differ; secrets show as ``"***"`` changed or not at all, a
    person's data (``personal``, the kind's declaration) as ``"***"`` where it had a value (see ``mask``)."""
    old, new = old or {}, new or {}
    names = list(fields) if fields is not None else sorted(set(old) | set(new))
    out: dict[str, Any] = {}
    for name in names:
        if name in ignore:
            continue
        before, after = _plain(old.get(name)), _plain(new.get(name))
        if before != after:
            out[name] = mask(name, before, after, personal)
    return out


def mask(name: str, before: Any, after: Any, personal: frozenset[str]) -> list[Any]:
    """An audit entry's ``[old, new]``. A person's data (a name, a village: Nghị định 13/2023) is never kept in the
    trail, which is append-only and so could not forget it when the person is erased: the entry says that it was
    set or changed (``"***"``), by whom and when; the values live in the record and its feed versions only, which
    an erasure scrubs (``core.forget``)."""
    if name in SECRET_FIELDS:
        return ["***", "***"]
    if name in personal:
        return [None if before is None else "***", None if after is None else "***"]
    return [before, after]


def created(data: Mapping[str, Any], personal: frozenset[str] = frozenset()) -> dict[str, Any]:
    """``diff(None, data)`` of a record's JSON-ready form (a serializer's ``model_dump(mode="json")``, the feed's
    data), without ``_plain`` on every value: what a bulk path journals for each record it creates."""
    out: dict[str, Any] = {}
    for name in sorted(data):
        value = data[name]
        if value is not None:
            out[name] = mask(name, None, value, personal)
    return out


def row(
    actor: Principal,
    *,
    action: str,
    entity: str,
    entity_id: object,
    changes: dict[str, Any] | None,
    unit_path: str | None,
    at: dt.datetime | None = None,
) -> dict[str, Any]:
    return {
        "at": at or utcnow(),
        "actor_kind": actor.kind,
        "actor_id": actor.id,
        "actor_name": actor.name,
        "action": action,
        "entity": entity,
        "entity_id": str(entity_id),
        "changes": changes or {},
        "unit_path": unit_path,
        "request_id": current_request_id(),
        "client_request_id": current_client_request_id(),
    }


async def insert_rows(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(AuditEntry), rows)
