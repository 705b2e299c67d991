"""API keys: /api/v1/api-keys (admins, within their unit scope)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.api_keys import service
from api.api_keys.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyOut
from api.auth.dependencies import KeysAdmin
from api.core.errors import problem_responses
from api.core.pagination import Page, PageDep
from api.core.representation import FormatDep, json_response, represent
from api.db.engine import SessionDep

router = APIRouter(prefix="/api-keys", tags=["api-keys"])


@router.get("", response_model=Page[ApiKeyOut], responses=problem_responses(401, 403, 422))
async def list_keys(
    request: Request, session: SessionDep, principal: KeysAdmin, page: PageDep, fmt: FormatDep
) -> Response:
    """API keys inside the admin's unit scope (never their secrets)."""
    items, cursor = await service.list_keys(session, principal, page)
    result = Page[ApiKeyOut](items=items, next_cursor=cursor)
    return represent(request, result, fmt=fmt, csv_rows=(ApiKeyOut, items))


@router.post("", response_model=ApiKeyCreated, status_code=201, responses=problem_responses(401, 403, 404, 422))
async def create_key(session: SessionDep, principal: KeysAdmin, body: ApiKeyCreate) -> Response:
    """Create a key for a partner system or script; the response alone carries the secret."""
    key, secret = await service.create_key(session, principal, body)
    out = (await service.to_out(session, [key]))[0]
    created = ApiKeyCreated(**out.model_dump(), secret=secret)
    return json_response(created, 201, {"Location": f"/api/v1/api-keys/{key.id}", "Cache-Control": "no-store"})


@router.delete("/{key_id}", status_code=204, responses=problem_responses(401, 403, 404, 422))
async def revoke_key(session: SessionDep, principal: KeysAdmin, key_id: int) -> Response:
    """Revoke a key: it stops working at once."""
    await service.revoke_key(session, principal, key_id)
    return Response(status_code=204)
