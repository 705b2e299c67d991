"""Sign-in, tokens, API keys → principals."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import throttle
from api.auth.principal import Principal
from api.auth.scopes import Role, effective_scopes
from api.auth.secrets import (
    KEY_PREFIX,
    TOKEN_PREFIX,
    hash_password,
    needs_rehash,
    new_access_token,
    same_hash,
    sha256,
    split_api_key,
    verify_password,
)
from api.core.config import Settings
from api.db.base import utcnow
from api.db.engine import write_intent
from api.models import AccessToken, ApiKey, Unit, UnitSuccession, User

KEY_USE_RESOLUTION = dt.timedelta(minutes=1)  # last_used_at is refreshed at most this often


async def principal_for_bearer(session: AsyncSession, token: str) -> tuple[Principal, dt.datetime | None] | None:
    """Who sends this token or key, and until when it is valid (None: no expiry); None when nobody."""
    now = utcnow()
    if token.startswith(TOKEN_PREFIX):
        found = (
            await session.execute(
                select(User, AccessToken.expires_at)
                .join(AccessToken, AccessToken.user_id == User.id)
                .where(AccessToken.token_hash == sha256(token), AccessToken.expires_at > now, User.is_active.is_(True))
            )
        ).first()
        if found is None:
            return None
        user, expires_at = found
        principal = await build_principal(
            session, "user", user.id, user.username, user.display_name, Role(user.role), user.scopes, user.unit_id
        )
        return dataclasses.replace(principal, partner=f"user:{user.username}"), expires_at
    if token.startswith(KEY_PREFIX):
        parts = split_api_key(token)
        key = await session.scalar(select(ApiKey).where(ApiKey.prefix == parts[0])) if parts else None
        if key is None or parts is None or not same_hash(key.secret_hash, sha256(parts[1])):
            return None
        if key.revoked_at is not None or (key.expires_at is not None and key.expires_at <= now):
            return None
        # On SQLite a read must not wait for the write lock: last use is then noted on writes only.
        if session.get_bind().dialect.name != "sqlite" or write_intent.get():
            recent = or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < now - KEY_USE_RESOLUTION)
            await session.execute(update(ApiKey).where(ApiKey.id == key.id, recent).values(last_used_at=now))
        principal = await build_principal(
            session, "api_key", key.id, key.name, key.name, Role(key.role), key.scopes, key.unit_id
        )
        return dataclasses.replace(principal, partner=key.partner or f"key:{key.id}"), key.expires_at
    return None


async def build_principal(
    session: AsyncSession,
    kind: str,
    pid: int,
    name: str,
    display_name: str,
    role: Role,
    scopes: list[str],
    unit_id: int | None,
) -> Principal:
    code = unit_name = level = None
    prefixes: tuple[str, ...] = ()
    if unit_id is not None:
        unit = (
            await session.execute(select(Unit.code, Unit.name, Unit.level, Unit.path).where(Unit.id == unit_id))
        ).one()
        code, unit_name, level = unit.code, unit.name, unit.level
        prefixes = (unit.path, *await predecessor_paths(session, unit_id))
    return Principal(
        kind="user" if kind == "user" else "api_key",
        id=pid,
        name=name,
        display_name=display_name,
        role=role,
        scopes=effective_scopes(role, scopes),
        unit_id=unit_id,
        unit_code=code,
        unit_name=unit_name,
        unit_level=level,
        unit_prefixes=prefixes,
    )


async def predecessor_paths(session: AsyncSession, unit_id: int) -> list[str]:
    """Paths of the units this unit was formed from, through every earlier reorganisation."""
    paths: list[str] = []
    frontier, seen = {unit_id}, {unit_id}
    while frontier:
        rows = (
            await session.execute(
                select(Unit.id, Unit.path)
                .join(UnitSuccession, UnitSuccession.predecessor_id == Unit.id)
                .where(UnitSuccession.successor_id.in_(frontier))
            )
        ).all()
        frontier = {r.id for r in rows} - seen
        seen |= frontier
        paths += [r.path for r in rows if r.id in frontier]
    return sorted(paths)


@dataclass(frozen=True)
class LoginOutcome:
    token: str | None = None
    expires_in: int = 0
    retry_after: int | None = None  # set when throttled


async def login(session: AsyncSession, username: str, password: str, address: str, settings: Settings) -> LoginOutcome:
    """Check a password; count failures per account-and-address and per address; never say who exists."""
    keys = [throttle.account_key(username, address), throttle.address_key(address)]
    wait = await throttle.seconds_locked(session, keys)
    if wait is not None:
        return LoginOutcome(retry_after=wait)
    user = await session.scalar(select(User).where(User.username == username.strip().lower()))
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        await throttle.register_failure(session, keys[0], limit=settings.login_max_failures_account, settings=settings)
        await throttle.register_failure(session, keys[1], limit=settings.login_max_failures_address, settings=settings)
        return LoginOutcome()
    await throttle.clear(session, keys[0])
    now = utcnow()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    await session.execute(update(User).where(User.id == user.id).values(last_login_at=now))
    await session.execute(delete(AccessToken).where(AccessToken.user_id == user.id, AccessToken.expires_at <= now))
    token = new_access_token()
    ttl = dt.timedelta(minutes=settings.access_token_minutes)
    session.add(AccessToken(user_id=user.id, token_hash=sha256(token), created_at=now, expires_at=now + ttl))
    await session.flush()
    return LoginOutcome(token=token, expires_in=int(ttl.total_seconds()))


async def revoke_token(session: AsyncSession, token: str) -> None:
    await session.execute(delete(AccessToken).where(AccessToken.token_hash == sha256(token)))


async def revoke_user_tokens(session: AsyncSession, user_id: int) -> None:
    await session.execute(delete(AccessToken).where(AccessToken.user_id == user_id))
