"""Registering webhook endpoints and reading their deliveries: who may, in which scope, journaled.

Who: routes need ``sync:read``. A key manages the endpoints of its partner (its own name, or ``key:<id>``
for a key without one) and registers endpoints for itself; a signed-in user (an admin, a partner-role
user) manages the endpoints of keys in its unit scope and registers one by naming the key
(``api_key_id``). An endpoint receives what its key may read on the feed: its unit scope, at delivery
time (a revoked or expired key disables it). Outside scope an endpoint does not exist (404).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic_core import from_json
from sqlalchemy import BigInteger, ColumnElement, and_, func, literal_column, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import scope
from api.auth.principal import Principal
from api.auth.scopes import Role, Scope, effective_scopes
from api.core.errors import ErrorItem, NotFound, ValidationFailed
from api.core.pagination import PageParams, paginate_rows
from api.db.base import utcnow
from api.journal import PER_TRANSACTION, audit, diff
from api.models import ApiKey, Change, Unit, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from api.sync import feed
from api.sync.service import FEED_TYPES
from api.webhooks import addresses, messages
from api.webhooks.schemas import (
    AttemptOut,
    DeliveryDetail,
    DeliveryOut,
    WebhookCreate,
    WebhookOut,
    WebhookPatch,
)

ENTITY = "webhook_endpoint"
_AUDITED = ("url", "description", "types", "api_key_id", "enabled", "disabled_reason", "cursor")


def _visible(principal: Principal) -> ColumnElement[bool]:
    cond = scope.condition(principal, WebhookEndpoint.unit_path)
    if principal.kind == "api_key":
        return and_(cond, WebhookEndpoint.partner == (principal.partner or f"key:{principal.id}"))
    return cond


def _not_found(webhook_id: int) -> NotFound:
    return NotFound(f"Không có webhook {webhook_id}.")


def _invalid(field: str, message: str, kind: str) -> ValidationFailed:
    return ValidationFailed(message, errors=[ErrorItem(loc=["body", field], msg=message, type=kind)])


def _types(types: list[str] | None) -> list[str]:
    wanted = sorted({t.strip() for t in types or [] if t.strip()})
    unknown = [t for t in wanted if t not in FEED_TYPES]
    if unknown:
        raise _invalid("types", f"Không có loại: {', '.join(unknown)}. Chọn trong: {', '.join(FEED_TYPES)}.", "enum")
    return wanted


async def check_url(url: str, allow_hosts: str) -> None:
    try:
        await addresses.check(url, addresses.allowed_hosts(allow_hosts))
    except addresses.Refused as refused:
        raise _invalid("url", str(refused), refused.kind) from None


async def horizon_of_feed(session: AsyncSession) -> int:
    """The feed position up to which every change is visible and no other can still appear (a safe cursor).

    SQLite: the last change (writers are serialised). PostgreSQL: the last change of the transactions older
    than every one still running (api/models/sync.py), as /sync/changes hands them out."""
    if session.get_bind().dialect.name != "postgresql":
        return await feed.head(session)
    xmin = literal_column("(pg_snapshot_xmin(pg_current_snapshot())::text::bigint)", BigInteger)
    top = await session.scalar(
        select(func.coalesce(func.max(Change.seq), 0)).where(Change.seq <= xmin * PER_TRANSACTION)
    )
    return int(top or 0)


async def _pending(session: AsyncSession, ids: Sequence[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = await session.execute(
        select(WebhookDelivery.endpoint_id, func.count())
        .where(WebhookDelivery.endpoint_id.in_(ids), WebhookDelivery.status == "pending")
        .group_by(WebhookDelivery.endpoint_id)
    )
    return {int(r[0]): int(r[1]) for r in rows}


async def to_out(session: AsyncSession, endpoints: Sequence[WebhookEndpoint]) -> list[WebhookOut]:
    pending = await _pending(session, [e.id for e in endpoints])
    return [
        WebhookOut(
            id=e.id,
            url=e.url,
            description=e.description,
            types=list(e.types or []),
            api_key_id=e.owner_key_id,
            partner=e.partner,
            enabled=e.enabled,
            disabled_reason=e.disabled_reason,
            disabled_at=e.disabled_at,
            cursor=str(e.cursor),
            failures=e.failures,
            failing_since=e.failing_since,
            pending=pending.get(e.id, 0),
            created_at=e.created_at,
            updated_at=e.updated_at,
        )
        for e in endpoints
    ]


def _snapshot(e: WebhookEndpoint) -> dict[str, Any]:
    return {
        "url": e.url,
        "description": e.description,
        "types": list(e.types or []),
        "api_key_id": e.owner_key_id,
        "enabled": e.enabled,
        "disabled_reason": e.disabled_reason,
        "cursor": str(e.cursor),
    }


async def _owner_key(session: AsyncSession, principal: Principal, key_id: int | None) -> tuple[ApiKey, str]:
    """The key an endpoint is registered for, and its unit path ("" national)."""
    if principal.kind == "api_key":
        if key_id is not None and key_id != principal.id:
            raise scope.not_found(f"Không có khoá API {key_id}.", field="api_key_id", msg="Không có khoá API này")
        key_id = principal.id
    elif key_id is None:
        raise _invalid(
            "api_key_id",
            "Chọn khoá API của hệ thống đối tác nhận webhook (api_key_id): webhook nhận các thay đổi trong phạm vi "
            "của khoá đó.",
            "missing",
        )
    row = (
        await session.execute(
            select(ApiKey, Unit.path)
            .outerjoin(Unit, Unit.id == ApiKey.unit_id)
            .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
        )
    ).first()
    path = None if row is None else (row[1] or "")
    if row is None or not (scope.visible(principal, path) if path else principal.national):
        raise scope.not_found(f"Không có khoá API {key_id}.", field="api_key_id", msg="Không có khoá API này")
    key: ApiKey = row[0]
    if Scope.sync_read not in effective_scopes(Role(key.role), list(key.scopes or [])):
        raise _invalid(
            "api_key_id",
            "Khoá API này không có quyền sync:read (đọc nguồn thay đổi) nên không nhận được webhook.",
            "scope_missing",
        )
    return key, path or ""


async def create(
    session: AsyncSession, principal: Principal, data: WebhookCreate, allow_hosts: str
) -> tuple[WebhookEndpoint, str]:
    types = _types(data.types)
    await check_url(data.url, allow_hosts)
    key, path = await _owner_key(session, principal, data.api_key_id)
    start = int(data.since) if data.since is not None else await horizon_of_feed(session)
    if data.since is not None and start > await feed.head(session):
        raise _invalid("since", "Con trỏ since vượt quá vị trí mới nhất của nguồn thay đổi.", "cursor_invalid")
    secret = messages.new_secret()
    endpoint = WebhookEndpoint(
        url=data.url,
        description=data.description,
        types=types,
        secret=secret,
        owner_key_id=key.id,
        partner=key.partner or f"key:{key.id}",
        unit_path=path,
        enabled=True,
        cursor=start,
        failures=0,
        created_by_kind=principal.kind,
        created_by_id=principal.id,
    )
    session.add(endpoint)
    await session.flush()
    await audit(
        session,
        principal,
        action="create",
        entity=ENTITY,
        entity_id=endpoint.id,
        changes=diff(None, _snapshot(endpoint)),
        unit_path=path or None,
    )
    return endpoint, secret


async def get(session: AsyncSession, principal: Principal, webhook_id: int, *, lock: bool = False) -> WebhookEndpoint:
    stmt = select(WebhookEndpoint).where(WebhookEndpoint.id == webhook_id, _visible(principal))
    if lock:
        stmt = stmt.with_for_update()
    endpoint = await session.scalar(stmt)
    if endpoint is None:
        raise _not_found(webhook_id)
    return endpoint


async def list_endpoints(
    session: AsyncSession, principal: Principal, page: PageParams
) -> tuple[list[WebhookOut], str | None]:
    rows, cursor = await paginate_rows(
        session, select(WebhookEndpoint).where(_visible(principal)), order=[WebhookEndpoint.id], page=page
    )
    return await to_out(session, [r[0] for r in rows]), cursor


async def patch(
    session: AsyncSession, principal: Principal, webhook_id: int, data: WebhookPatch, allow_hosts: str
) -> WebhookEndpoint:
    endpoint = await get(session, principal, webhook_id, lock=True)
    before = _snapshot(endpoint)
    if data.url is not None and data.url != endpoint.url:
        await check_url(data.url, allow_hosts)
        endpoint.url = data.url
    if data.types is not None:
        endpoint.types = _types(data.types)
    if data.description is not None:
        endpoint.description = data.description
    if data.enabled is True and not endpoint.enabled:
        endpoint.enabled = True
        endpoint.disabled_reason = endpoint.disabled_at = endpoint.failing_since = None
        endpoint.failures = 0
        # What waited while it was off (retries included) is due now, in order.
        await session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status == "pending")
            .values(next_attempt_at=utcnow())
        )
    elif data.enabled is False and endpoint.enabled:
        endpoint.enabled = False
        endpoint.disabled_at = utcnow()
        endpoint.disabled_reason = f"Tắt bởi {principal.display_name}."
    await session.flush()
    changes = diff(before, _snapshot(endpoint))
    if changes:
        endpoint.updated_at = utcnow()
        await session.flush()
        await audit(
            session,
            principal,
            action="update",
            entity=ENTITY,
            entity_id=endpoint.id,
            changes=changes,
            unit_path=endpoint.unit_path or None,
        )
    return endpoint


async def delete(session: AsyncSession, principal: Principal, webhook_id: int) -> None:
    endpoint = await get(session, principal, webhook_id, lock=True)
    before = _snapshot(endpoint)
    await session.delete(endpoint)
    await session.flush()
    await audit(
        session,
        principal,
        action="delete",
        entity=ENTITY,
        entity_id=webhook_id,
        changes=diff(before, None),
        unit_path=endpoint.unit_path or None,
    )


def delivery_out(d: WebhookDelivery) -> DeliveryOut:
    return DeliveryOut(
        id=d.id,
        webhook_id=d.msg_id,
        cursor=str(d.seq),
        type=d.type,
        record_id=d.record_id,
        op=d.op,
        status=d.status,
        attempts=d.attempts,
        last_status_code=d.last_status_code,
        last_error=d.last_error,
        next_attempt_at=d.next_attempt_at,
        created_at=d.created_at,
        delivered_at=d.delivered_at,
    )


async def list_deliveries(
    session: AsyncSession, principal: Principal, webhook_id: int, status: str | None, page: PageParams
) -> tuple[list[DeliveryOut], str | None]:
    await get(session, principal, webhook_id)
    stmt = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == webhook_id)
    if status is not None:
        stmt = stmt.where(WebhookDelivery.status == status)
    rows, cursor = await paginate_rows(session, stmt, order=[WebhookDelivery.id], page=page, descending=True)
    return [delivery_out(r[0]) for r in rows], cursor


async def _delivery(
    session: AsyncSession, principal: Principal, webhook_id: int, delivery_id: int, *, lock: bool = False
) -> WebhookDelivery:
    await get(session, principal, webhook_id)
    stmt = select(WebhookDelivery).where(WebhookDelivery.id == delivery_id, WebhookDelivery.endpoint_id == webhook_id)
    if lock:
        stmt = stmt.with_for_update()
    found = await session.scalar(stmt)
    if found is None:
        raise NotFound(f"Không có lần gửi {delivery_id} của webhook {webhook_id}.")
    return found


async def delivery_detail(
    session: AsyncSession, principal: Principal, webhook_id: int, delivery_id: int
) -> DeliveryDetail:
    d = await _delivery(session, principal, webhook_id, delivery_id)
    attempts = (
        await session.scalars(
            select(WebhookAttempt).where(WebhookAttempt.delivery_id == d.id).order_by(WebhookAttempt.attempt)
        )
    ).all()
    return DeliveryDetail(
        **delivery_out(d).model_dump(),
        attempt_log=[
            AttemptOut(
                attempt=a.attempt,
                at=a.at,
                status_code=a.status_code,
                error=a.error,
                duration_ms=a.duration_ms,
                response=a.response,
            )
            for a in attempts
        ],
        payload=from_json(d.payload),
    )


async def redeliver(session: AsyncSession, principal: Principal, webhook_id: int, delivery_id: int) -> DeliveryOut:
    """Send a delivery again (same webhook-id), as soon as the earlier changes of its record are sent."""
    d = await _delivery(session, principal, webhook_id, delivery_id, lock=True)
    before = d.status
    d.status = "pending"
    d.next_attempt_at = utcnow()
    await session.flush()
    endpoint = await get(session, principal, webhook_id)
    await audit(
        session,
        principal,
        action="redeliver",
        entity=ENTITY,
        entity_id=webhook_id,
        changes={"delivery": [None, d.msg_id], "status": [before, "pending"]},
        unit_path=endpoint.unit_path or None,
    )
    return delivery_out(d)
