"""Sign-in throttling per account from one address and per client address, kept in the database for every worker.

Not per account alone: then anyone could lock anyone out with five wrong passwords. Guessing one account's
password from many addresses is bounded by the addresses' own limits and by the password's cost to check."""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.config import Settings
from api.db.base import utcnow
from api.models import LoginThrottle


def account_key(username: str, address: str) -> str:
    return f"account:{username.strip().lower()}@{address}"


def address_key(address: str) -> str:
    return f"address:{address}"


async def seconds_locked(session: AsyncSession, keys: list[str]) -> int | None:
    """Seconds until the longest lock on any of ``keys`` ends, or None when none is locked."""
    now = utcnow()
    stmt = select(LoginThrottle.locked_until).where(LoginThrottle.key.in_(keys), LoginThrottle.locked_until > now)
    ends = [end for end in (await session.scalars(stmt)).all() if end is not None]
    return max(math.ceil((e - now).total_seconds()) for e in ends) if ends else None


async def register_failure(session: AsyncSession, key: str, *, limit: int, settings: Settings) -> None:
    now = utcnow()
    window = dt.timedelta(minutes=settings.login_window_minutes)
    row = await session.get(LoginThrottle, key, with_for_update=True)
    if row is None:
        row = LoginThrottle(key=key, failures=0, window_start=now)
        session.add(row)
    elif now - row.window_start > window:
        row.failures, row.window_start, row.locked_until = 0, now, None
    row.failures += 1
    if row.failures >= limit:
        row.locked_until = now + dt.timedelta(minutes=settings.login_lock_minutes)
    await session.flush()


async def clear(session: AsyncSession, key: str) -> None:
    await session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))
