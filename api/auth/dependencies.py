"""Typed dependencies: every endpoint states in its signature who may call it.

``CurrentPrincipal`` needs only a valid token or key; the aliases below also need a scope.
Unit scope (which records exist for the caller) is decided by api/auth/scope.py alone.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import OAuth2PasswordBearer, SecurityScopes

from api.auth import service
from api.auth.principal import Principal
from api.auth.scopes import Scope
from api.core.errors import Forbidden, Unauthorized
from api.db.base import utcnow
from api.db.engine import UnitOfWorkDep
from api.db.notify import Notifications

bearer = OAuth2PasswordBearer(
    tokenUrl="/api/v1/auth/token",
    auto_error=False,
    description="A token from /auth/token, or an API key (khk_…), as `Authorization: Bearer …`.",
    scopes={s.value: f"Scope {s.value}" for s in Scope},
)


async def authenticate(
    request: Request, work: UnitOfWorkDep, token: Annotated[str | None, Depends(bearer)]
) -> Principal:
    if not token:
        raise _unauthorized("Cần đăng nhập: gửi Authorization: Bearer <token hoặc khoá API>.")
    # Kept callers: while this worker hears PostgreSQL's change notifications, or reads SQLite's change counter.
    notifications: Notifications | None = request.app.state.notifications
    key = Notifications.principal_key(token) if notifications is not None else ""
    principal = notifications.principal(key) if notifications is not None else None
    generation = notifications.auth_generation if notifications is not None else 0
    if principal is None:
        found = await service.principal_for_bearer(work.session, token)  # the request's session
        if found is None:
            raise _unauthorized("Token hoặc khoá API không hợp lệ, đã hết hạn hoặc đã bị thu hồi.")
        principal, expires_at = found
        if notifications is not None:
            expires_in = None if expires_at is None else (expires_at - utcnow()).total_seconds()
            notifications.keep_principal(key, principal, expires_in=expires_in, generation=generation)
    request.state.principal = principal
    return principal


def _unauthorized(detail: str) -> Unauthorized:
    err = Unauthorized(detail)
    err.headers["WWW-Authenticate"] = "Bearer"
    return err


async def authorize(
    security_scopes: SecurityScopes, principal: Annotated[Principal, Depends(authenticate)]
) -> Principal:
    """Authenticate, then require every scope the endpoint declared (they also appear in openapi.yaml)."""
    missing = [s for s in security_scopes.scopes if not principal.has(Scope(s))]
    if missing:
        raise Forbidden(f"Tài khoản này không có quyền {', '.join(missing)}.", missing_scopes=missing)
    return principal


def requires(scope: Scope) -> Any:
    return Security(authorize, scopes=[scope.value])


CurrentPrincipal = Annotated[Principal, Depends(authenticate)]
UnitsWrite = Annotated[Principal, requires(Scope.units_write)]
UsersAdmin = Annotated[Principal, requires(Scope.users_admin)]
KeysAdmin = Annotated[Principal, requires(Scope.keys_admin)]
AuditRead = Annotated[Principal, requires(Scope.audit_read)]
TargetsWrite = Annotated[Principal, requires(Scope.targets_write)]
CategoriesWrite = Annotated[Principal, requires(Scope.categories_write)]
ReportsRead = Annotated[Principal, requires(Scope.reports_read)]
ReportsWrite = Annotated[Principal, requires(Scope.reports_write)]
ReportsApprove = Annotated[Principal, requires(Scope.reports_approve)]
RegistriesRead = Annotated[Principal, requires(Scope.registries_read)]
RegistriesWrite = Annotated[Principal, requires(Scope.registries_write)]
StatsRead = Annotated[Principal, requires(Scope.stats_read)]
SyncRead = Annotated[Principal, requires(Scope.sync_read)]
SyncWrite = Annotated[Principal, requires(Scope.sync_write)]
ReportsPublish = Annotated[Principal, requires(Scope.reports_publish)]
