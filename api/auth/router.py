"""Sign-in and the current principal: /api/v1/auth/token, /api/v1/auth/logout, /api/v1/me."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm

from api.auth import service
from api.auth.dependencies import CurrentPrincipal, bearer
from api.auth.schemas import MeOut, TokenOut
from api.core.errors import Unauthorized, problem_response, problem_responses
from api.db.engine import SessionDep

router = APIRouter(tags=["auth"])


@router.post("/auth/token", response_model=TokenOut, responses=problem_responses(401, 422, 429))
async def issue_token(
    request: Request,
    response: Response,
    session: SessionDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> TokenOut | JSONResponse:
    """Sign in with username and password (OAuth2 password form); returns a short-lived bearer token."""
    address = request.client.host if request.client else "unknown"
    outcome = await service.login(session, form.username, form.password, address, request.app.state.settings)
    # Failures are answered, not raised, so the failure count is committed with the response.
    if outcome.retry_after is not None:
        return problem_response(
            429,
            "too-many-attempts",
            "Đăng nhập sai quá nhiều lần",
            f"Vui lòng thử lại sau {outcome.retry_after} giây.",
            headers={"Retry-After": str(outcome.retry_after)},
        )
    if outcome.token is None:
        return problem_response(
            401,
            Unauthorized.slug,
            "Đăng nhập không thành công",
            "Tên đăng nhập hoặc mật khẩu không đúng.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    # RFC 6749 §5.1: a token must not be kept by any cache (nor by the Idempotency-Key store).
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return TokenOut(access_token=outcome.token, expires_in=outcome.expires_in)


@router.post("/auth/logout", status_code=204, responses=problem_responses(401))
async def logout(
    session: SessionDep, principal: CurrentPrincipal, token: Annotated[str | None, Depends(bearer)]
) -> Response:
    """Sign out: the token stops working at once."""
    if token and principal.kind == "user":
        await service.revoke_token(session, token)
    return Response(status_code=204)


@router.get("/me", response_model=MeOut, responses=problem_responses(401))
async def me(principal: CurrentPrincipal) -> MeOut:
    """Who is calling: the signed-in user or the API key, with its role, scopes and unit."""
    return MeOut(
        kind=principal.kind,
        id=principal.id,
        username=principal.name,
        display_name=principal.display_name,
        role=principal.role,
        scopes=sorted(s.value for s in principal.scopes),
        unit_code=principal.unit_code,
        unit_name=principal.unit_name,
        unit_level=principal.unit_level,
        partner=principal.partner,
    )
