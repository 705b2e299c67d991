"""Managing API keys for partner systems and scripts."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from api.api_keys import partners
from api.api_keys.schemas import ApiKeyCreate, ApiKeyOut
from api.auth import scope
from api.auth.grants import check_grant
from api.auth.principal import Principal
from api.auth.scopes import Role, invalid_scopes
from api.auth.secrets import new_api_key
from api.core.errors import ErrorItem, NotFound, ValidationFailed
from api.core.pagination import PageParams, paginate_rows
from api.db.base import utcnow
from api.journal import audit, diff
from api.models import ApiKey, Unit
from api.units.assign import assignable_unit, unit_labels


def _visible(principal: Principal) -> ColumnElement[bool]:
    return true() if principal.national else scope.condition(principal, Unit.path)


async def to_out(session: AsyncSession, keys: list[ApiKey]) -> list[ApiKeyOut]:
    labels = await unit_labels(session, {k.unit_id for k in keys if k.unit_id is not None})
    return [
        ApiKeyOut(
            id=k.id,
            name=k.name,
            prefix=k.prefix,
            partner=k.partner,
            role=Role(k.role),
            scopes=list(k.scopes or []),
            unit_code=labels[k.unit_id][0] if k.unit_id else None,
            expires_at=k.expires_at,
            revoked_at=k.revoked_at,
            last_used_at=k.last_used_at,
            created_at=k.created_at,
        )
        for k in keys
    ]


async def list_keys(
    session: AsyncSession, principal: Principal, page: PageParams
) -> tuple[list[ApiKeyOut], str | None]:
    stmt = select(ApiKey).outerjoin(Unit, Unit.id == ApiKey.unit_id).where(_visible(principal))
    rows, cursor = await paginate_rows(session, stmt, order=[ApiKey.id], page=page)
    return await to_out(session, [r[0] for r in rows]), cursor


async def create_key(session: AsyncSession, principal: Principal, data: ApiKeyCreate) -> tuple[ApiKey, str]:
    bad = invalid_scopes(data.role, data.scopes)
    if bad:
        raise ValidationFailed(
            f"Vai trò {data.role.value} không được có quyền: {', '.join(bad)}.",
            errors=[ErrorItem(loc=["body", "scopes"], msg=f"Không hợp lệ: {', '.join(bad)}", type="scope_invalid")],
        )
    check_grant(principal, data.role, data.scopes, what="khoá API")
    unit = await assignable_unit(session, principal, data.unit_code, as_of=data.unit_as_of)
    if data.partner is not None:
        await partners.claim(session, principal, data.partner, unit)
    secret, prefix, secret_hash = new_api_key()
    key = ApiKey(
        name=data.name,
        prefix=prefix,
        partner=data.partner,
        secret_hash=secret_hash,
        role=data.role.value,
        scopes=data.scopes,
        unit_id=unit.id if unit else None,
        expires_at=data.expires_at,
        created_by=principal.id if principal.kind == "user" else None,
    )
    session.add(key)
    await session.flush()
    snapshot = {
        "name": key.name,
        "prefix": prefix,
        "role": key.role,
        "scopes": key.scopes,
        "unit_id": key.unit_id,
        "expires_at": key.expires_at,
    }
    await audit(
        session,
        principal,
        action="create",
        entity="api_key",
        entity_id=key.id,
        changes=diff(None, snapshot),
        unit_path=unit.path if unit else None,
    )
    return key, secret


async def revoke_key(session: AsyncSession, principal: Principal, key_id: int) -> None:
    row = (
        await session.execute(
            select(ApiKey, Unit.path)
            .outerjoin(Unit, Unit.id == ApiKey.unit_id)
            .where(ApiKey.id == key_id, _visible(principal))
        )
    ).first()
    if row is None:
        raise NotFound(f"Không có khoá API {key_id}.")
    key, path = row[0], row[1]
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        await session.flush()
        await audit(
            session,
            principal,
            action="revoke",
            entity="api_key",
            entity_id=key.id,
            changes={"revoked_at": [None, key.revoked_at.isoformat()]},
            unit_path=path,
        )
