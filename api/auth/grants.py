"""What a principal may hand out: never more than it holds itself.

A user or key is granted the effective scopes of its role and scope list (an empty list means the role's
defaults, so ``scopes: []`` on an admin is every scope). An admin restricted to ``users:admin`` must not
be able to make itself, another user or a key into a full admin, nor take over an account that holds more
than it does (by setting its password). And nobody changes its own role, scopes or unit.
"""

from __future__ import annotations

from api.auth.principal import Principal
from api.auth.scopes import Role, effective_scopes
from api.core.errors import Forbidden


def check_grant(principal: Principal, role: Role, scopes: list[str] | None, *, what: str) -> None:
    """Refuse a grant of ``role`` with ``scopes`` (``what``: "người dùng", "khoá API") beyond the principal's."""
    beyond = sorted(s.value for s in effective_scopes(role, scopes) - principal.scopes)
    if beyond:
        raise Forbidden(
            f"Không thể cấp cho {what} quyền mà chính bạn không có: {', '.join(beyond)}.",
            field="scopes",
            beyond_scopes=beyond,
        )


def check_manages(principal: Principal, role: Role, scopes: list[str] | None) -> None:
    """Refuse to change or delete an account that holds scopes the principal does not."""
    beyond = sorted(s.value for s in effective_scopes(role, scopes) - principal.scopes)
    if beyond:
        raise Forbidden(
            f"Tài khoản này có quyền mà bạn không có ({', '.join(beyond)}); chỉ người có đủ các quyền đó mới sửa được.",
            beyond_scopes=beyond,
        )


def check_not_self(principal: Principal, user_id: int, changed: list[str]) -> None:
    """Refuse a change of one's own role, scopes or unit (an admin cannot widen or move itself)."""
    if changed and principal.kind == "user" and principal.id == user_id:
        raise Forbidden(
            f"Không thể tự thay đổi {', '.join(changed)} của chính mình; hãy nhờ một quản trị viên khác.",
            field=changed[0],
        )
