"""Typed dependencies: every endpoint states in its signature who may call it.

``CurrentPrincipal`` needs only a valid token or key; the aliases below also need a scope.
Unit scope (which records exist for the caller) is applied in the repositories.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from api.auth import service
from api.auth.principal import Principal
from api.auth.scopes import Scope
from api.core.errors import Forbidden, Unauthorized
from api.db.engine import SessionDep

bearer = OAuth2PasswordBearer(
    tokenUrl="/api/v1/auth/token",
    auto_error=False,
    description="A token from /auth/token, or an API key (khk_…), as `Authorization: Bearer …`.",
)


async def authenticate(
    request: Request, session: SessionDep, token: Annotated[str | None, Depends(bearer)]
) -> Principal:
    if not token:
        raise _unauthorized("Cần đăng nhập: gửi Authorization: Bearer <token hoặc khoá API>.")
    principal = await service.principal_for_bearer(session, token)
    if principal is None:
        raise _unauthorized("Token hoặc khoá API không hợp lệ, đã hết hạn hoặc đã bị thu hồi.")
    request.state.principal = principal
    return principal


def _unauthorized(detail: str) -> Unauthorized:
    err = Unauthorized(detail)
    err.headers["WWW-Authenticate"] = "Bearer"
    return err


class Authorize:
    """A dependency that authenticates and then requires every one of ``scopes``."""

    def __init__(self, *scopes: Scope) -> None:
        self.scopes = scopes

    async def __call__(self, principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
        missing = [s.value for s in self.scopes if not principal.has(s)]
        if missing:
            raise Forbidden(f"Tài khoản này không có quyền {', '.join(missing)}.", missing_scopes=missing)
        return principal


CurrentPrincipal = Annotated[Principal, Depends(authenticate)]
UnitsWrite = Annotated[Principal, Depends(Authorize(Scope.units_write))]
UsersAdmin = Annotated[Principal, Depends(Authorize(Scope.users_admin))]
KeysAdmin = Annotated[Principal, Depends(Authorize(Scope.keys_admin))]
AuditRead = Annotated[Principal, Depends(Authorize(Scope.audit_read))]
ReportsRead = Annotated[Principal, Depends(Authorize(Scope.reports_read))]
ReportsWrite = Annotated[Principal, Depends(Authorize(Scope.reports_write))]
ReportsApprove = Annotated[Principal, Depends(Authorize(Scope.reports_approve))]
RegistriesRead = Annotated[Principal, Depends(Authorize(Scope.registries_read))]
RegistriesWrite = Annotated[Principal, Depends(Authorize(Scope.registries_write))]
StatsRead = Annotated[Principal, Depends(Authorize(Scope.stats_read))]
SyncRead = Annotated[Principal, Depends(Authorize(Scope.sync_read))]
SyncWrite = Annotated[Principal, Depends(Authorize(Scope.sync_write))]
