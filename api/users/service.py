"""Managing users: admins, within their unit scope."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import scope
from api.auth import service as auth_service
from api.auth.grants import check_grant, check_manages, check_not_self
from api.auth.principal import Principal
from api.auth.scopes import Role, invalid_scopes
from api.auth.secrets import hash_password
from api.core.errors import Conflict, ErrorItem, NotFound, ValidationFailed
from api.core.pagination import PageParams, paginate_rows
from api.journal import audit, diff
from api.models import Unit, User
from api.units.assign import assignable_unit, unit_labels
from api.users.schemas import UserCreate, UserOut, UserUpdate

AUDITED = ("username", "email", "display_name", "role", "scopes", "unit_id", "is_active", "password_hash")


def _snapshot(user: User) -> dict[str, Any]:
    return {f: getattr(user, f) for f in AUDITED}


def _check_scopes(role: Role, scopes: list[str]) -> None:
    bad = invalid_scopes(role, scopes)
    if bad:
        raise ValidationFailed(
            f"Vai trò {role.value} không được có quyền: {', '.join(bad)}.",
            errors=[
                ErrorItem(
                    loc=["body", "scopes"],
                    msg=f"Không hợp lệ cho vai trò {role.value}: {', '.join(bad)}",
                    type="scope_invalid",
                )
            ],
        )


def _visible(principal: Principal) -> ColumnElement[bool]:
    if principal.national:
        return true()
    return scope.condition(principal, Unit.path)


async def to_out(session: AsyncSession, users: list[User]) -> list[UserOut]:
    labels = await unit_labels(session, {u.unit_id for u in users if u.unit_id is not None})
    return [
        UserOut(
            id=u.id,
            username=u.username,
            email=u.email,
            display_name=u.display_name,
            role=Role(u.role),
            scopes=list(u.scopes or []),
            unit_code=labels[u.unit_id][0] if u.unit_id else None,
            unit_name=labels[u.unit_id][1] if u.unit_id else None,
            is_active=u.is_active,
            last_login_at=u.last_login_at,
            created_at=u.created_at,
            version=u.version,
        )
        for u in users
    ]


async def get_visible(session: AsyncSession, principal: Principal, user_id: int) -> tuple[User, str | None]:
    """The user and its unit path, or 404 when it does not exist for this principal."""
    row = (
        await session.execute(
            select(User, Unit.path)
            .outerjoin(Unit, Unit.id == User.unit_id)
            .where(User.id == user_id, _visible(principal))
        )
    ).first()
    if row is None:
        raise NotFound(f"Không có người dùng {user_id}.")
    return row[0], row[1]


async def list_users(session: AsyncSession, principal: Principal, page: PageParams) -> tuple[list[UserOut], str | None]:
    stmt = select(User).outerjoin(Unit, Unit.id == User.unit_id).where(_visible(principal))
    rows, cursor = await paginate_rows(session, stmt, order=[User.id], page=page)
    return await to_out(session, [r[0] for r in rows]), cursor


async def create_user(session: AsyncSession, principal: Principal, data: UserCreate) -> User:
    _check_scopes(data.role, data.scopes)
    check_grant(principal, data.role, data.scopes, what="người dùng")
    unit = await assignable_unit(session, principal, data.unit_code, as_of=data.unit_as_of)
    username = data.username.lower()
    if await session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"Tên đăng nhập {username} đã có người dùng.", field="username")
    user = User(
        username=username,
        email=data.email,
        display_name=data.display_name,
        password_hash=hash_password(data.password),
        role=data.role.value,
        scopes=data.scopes,
        unit_id=unit.id if unit else None,
        is_active=True,
    )
    session.add(user)
    await session.flush()
    await audit(
        session,
        principal,
        action="create",
        entity="user",
        entity_id=user.id,
        changes=diff(None, _snapshot(user)),
        unit_path=unit.path if unit else None,
    )
    return user


async def update_user(session: AsyncSession, principal: Principal, user: User, data: UserUpdate) -> User:
    before = _snapshot(user)
    fields = data.model_dump(exclude_unset=True)
    check_manages(principal, Role(user.role), user.scopes)
    role = Role(fields.get("role") or user.role)
    new_scopes = fields.get("scopes")
    scopes = list(new_scopes if new_scopes is not None else user.scopes or [])
    if "scopes" in fields or "role" in fields:
        _check_scopes(role, scopes)
        check_grant(principal, role, scopes, what="người dùng")
    unit_id = user.unit_id
    if "unit_code" in fields and fields["unit_code"] is not None:
        unit = await assignable_unit(session, principal, fields["unit_code"])
        unit_id = unit.id if unit else None
    own = {
        "role": role.value != user.role,
        "scopes": scopes != list(user.scopes or []),
        "unit_code": unit_id != user.unit_id,
    }
    check_not_self(principal, user.id, [name for name, changed in own.items() if changed])
    user.unit_id = unit_id
    if fields.get("is_active") is False and user.id == principal.id and principal.kind == "user":
        raise Conflict("Không thể tự khoá tài khoản của mình.")
    for name in ("display_name", "email", "is_active"):
        if name in fields and fields[name] is not None:
            setattr(user, name, fields[name])
    if "role" in fields and fields["role"] is not None:
        user.role = role.value
    if fields.get("scopes") is not None:
        user.scopes = fields["scopes"]
    if fields.get("password"):
        user.password_hash = hash_password(fields["password"])
    changes = diff(before, _snapshot(user))
    if changes:
        await session.flush()
        if "password_hash" in changes or user.is_active is False:
            await auth_service.revoke_user_tokens(session, user.id)  # old sessions end with the change
        labels = await unit_labels(session, {user.unit_id} if user.unit_id else set())
        await audit(
            session,
            principal,
            action="update",
            entity="user",
            entity_id=user.id,
            changes=changes,
            unit_path=labels[user.unit_id][2] if user.unit_id else None,
        )
    return user


async def delete_user(session: AsyncSession, principal: Principal, user: User, unit_path: str | None) -> None:
    if user.id == principal.id and principal.kind == "user":
        raise Conflict("Không thể tự xoá tài khoản của mình.")
    check_manages(principal, Role(user.role), user.scopes)
    await audit(
        session,
        principal,
        action="delete",
        entity="user",
        entity_id=user.id,
        changes=diff(_snapshot(user), None),
        unit_path=unit_path,
    )
    await session.delete(user)
    await session.flush()


async def find_by_username(session: AsyncSession, username: str) -> User | None:
    return await session.scalar(select(User).where(User.username == username.strip().lower()))
