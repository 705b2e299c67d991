"""Webhooks: /api/v1/webhooks (endpoints), /api/v1/webhooks/{id}/deliveries (their delivery log)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from api.auth.dependencies import SyncRead
from api.core.errors import problem_responses
from api.core.pagination import Page, PageDep
from api.core.representation import json_response
from api.db.engine import SessionDep
from api.webhooks import service
from api.webhooks.schemas import DeliveryDetail, DeliveryOut, WebhookCreate, WebhookCreated, WebhookOut, WebhookPatch

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


def _allow_hosts(request: Request) -> str:
    return str(request.app.state.settings.webhook_allow_hosts)


@router.post("", response_model=WebhookCreated, status_code=201, responses=problem_responses(401, 403, 404, 422))
async def create_webhook(request: Request, session: SessionDep, principal: SyncRead, body: WebhookCreate) -> Response:
    """Register a URL that receives every feed change in the key's scope as a signed POST (Standard Webhooks).

    A key registers for itself; an admin names the partner's key (api_key_id). The answer alone carries the
    signing secret. URLs that resolve to private, loopback or link-local addresses are refused (422)."""
    endpoint, secret = await service.create(session, principal, body, _allow_hosts(request))
    out = (await service.to_out(session, [endpoint]))[0]
    created = WebhookCreated(**out.model_dump(), secret=secret)
    return json_response(created, 201, {"Location": f"/api/v1/webhooks/{endpoint.id}", "Cache-Control": "no-store"})


@router.get("", response_model=Page[WebhookOut], responses=problem_responses(401, 403, 422))
async def list_webhooks(session: SessionDep, principal: SyncRead, page: PageDep) -> Response:
    """The endpoints you manage (a key: its partner's; a user: those of keys in its unit scope)."""
    items, cursor = await service.list_endpoints(session, principal, page)
    return json_response(Page[WebhookOut](items=items, next_cursor=cursor))


@router.get("/{webhook_id}", response_model=WebhookOut, responses=problem_responses(401, 403, 404, 422))
async def get_webhook(session: SessionDep, principal: SyncRead, webhook_id: int) -> Response:
    """One endpoint: enabled or why it was disabled, its cursor, failures in a row, deliveries pending."""
    endpoint = await service.get(session, principal, webhook_id)
    return json_response((await service.to_out(session, [endpoint]))[0])


@router.patch("/{webhook_id}", response_model=WebhookOut, responses=problem_responses(401, 403, 404, 422))
async def patch_webhook(
    request: Request, session: SessionDep, principal: SyncRead, webhook_id: int, body: WebhookPatch
) -> Response:
    """Change the URL, the types or the description; enable or disable (changes wait, nothing is skipped)."""
    endpoint = await service.patch(session, principal, webhook_id, body, _allow_hosts(request))
    return json_response((await service.to_out(session, [endpoint]))[0])


@router.delete("/{webhook_id}", status_code=204, responses=problem_responses(401, 403, 404, 422))
async def delete_webhook(session: SessionDep, principal: SyncRead, webhook_id: int) -> Response:
    """Remove an endpoint and its delivery log."""
    await service.delete(session, principal, webhook_id)
    return Response(status_code=204)


@router.get(
    "/{webhook_id}/deliveries", response_model=Page[DeliveryOut], responses=problem_responses(401, 403, 404, 422)
)
async def list_deliveries(
    session: SessionDep,
    principal: SyncRead,
    webhook_id: int,
    page: PageDep,
    status: Annotated[
        Literal["pending", "delivered", "failed"] | None, Query(description="Only deliveries in this state.")
    ] = None,
) -> Response:
    """The delivery log, newest first: status, attempts, the last response code and error, the next retry."""
    items, cursor = await service.list_deliveries(session, principal, webhook_id, status, page)
    return json_response(Page[DeliveryOut](items=items, next_cursor=cursor))


@router.get(
    "/{webhook_id}/deliveries/{delivery_id}",
    response_model=DeliveryDetail,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_delivery(session: SessionDep, principal: SyncRead, webhook_id: int, delivery_id: int) -> Response:
    """One delivery with every attempt (when, status code, error, duration, the answer's start) and its body."""
    return json_response(await service.delivery_detail(session, principal, webhook_id, delivery_id))


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/redeliver",
    response_model=DeliveryOut,
    status_code=202,
    responses=problem_responses(401, 403, 404, 422),
)
async def redeliver(session: SessionDep, principal: SyncRead, webhook_id: int, delivery_id: int) -> Response:
    """Send this delivery again, with the same webhook-id (after the earlier changes of the same record)."""
    return json_response(await service.redeliver(session, principal, webhook_id, delivery_id), 202)
