"""Users: /api/v1/users (admins, within their unit scope)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.auth.dependencies import UsersAdmin
from api.core.errors import problem_responses
from api.core.pagination import Page, PageDep
from api.core.representation import FormatDep, check_if_match, make_etag, represent
from api.db.engine import SessionDep
from api.users import service
from api.users.schemas import UserCreate, UserOut, UserUpdate

router = APIRouter(prefix="/users", tags=["users"])


def _tag(user_id: int, version: int) -> str:
    return f"user-{user_id}-{version}"


@router.get("", response_model=Page[UserOut], responses=problem_responses(401, 403, 422))
async def list_users(
    request: Request, session: SessionDep, principal: UsersAdmin, page: PageDep, fmt: FormatDep
) -> Response:
    """Users inside the admin's unit scope."""
    items, cursor = await service.list_users(session, principal, page)
    result = Page[UserOut](items=items, next_cursor=cursor)
    return represent(request, result, fmt=fmt, csv_rows=(UserOut, items))


@router.post("", response_model=UserOut, status_code=201, responses=problem_responses(401, 403, 404, 409, 422))
async def create_user(request: Request, session: SessionDep, principal: UsersAdmin, body: UserCreate) -> Response:
    """Create a user in a unit inside the admin's scope."""
    user = await service.create_user(session, principal, body)
    out = (await service.to_out(session, [user]))[0]
    response = represent(request, out, etag=_tag(user.id, user.version))
    response.status_code = 201
    response.headers["Location"] = f"/api/v1/users/{user.id}"
    return response


@router.get("/{user_id}", response_model=UserOut, responses=problem_responses(401, 403, 404, 422))
async def get_user(request: Request, session: SessionDep, principal: UsersAdmin, user_id: int) -> Response:
    """One user."""
    user, _ = await service.get_visible(session, principal, user_id)
    return represent(request, (await service.to_out(session, [user]))[0], etag=_tag(user.id, user.version))


@router.patch("/{user_id}", response_model=UserOut, responses=problem_responses(401, 403, 404, 409, 412, 422))
async def update_user(
    request: Request, session: SessionDep, principal: UsersAdmin, user_id: int, body: UserUpdate
) -> Response:
    """Change a user; a new password or disabling ends its sessions. Honours If-Match."""
    user, _ = await service.get_visible(session, principal, user_id)
    check_if_match(request, make_etag(_tag(user.id, user.version), "json"))
    user = await service.update_user(session, principal, user, body)
    return represent(request, (await service.to_out(session, [user]))[0], etag=_tag(user.id, user.version))


@router.delete("/{user_id}", status_code=204, responses=problem_responses(401, 403, 404, 409, 412, 422))
async def delete_user(request: Request, session: SessionDep, principal: UsersAdmin, user_id: int) -> Response:
    """Delete a user (its entries in the audit trail stay). Honours If-Match."""
    user, path = await service.get_visible(session, principal, user_id)
    check_if_match(request, make_etag(_tag(user.id, user.version), "json"))
    await service.delete_user(session, principal, user, path)
    return Response(status_code=204)
