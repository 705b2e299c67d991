"""Demo accounts: an admin, district and commune editors (two of them for recognition), a viewer and a partner key.

Passwords and the key are random, printed once when created, and never stored in the code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.api_keys.schemas import ApiKeyCreate
from api.api_keys.service import create_key
from api.auth.principal import SYSTEM
from api.auth.scopes import Role
from api.auth.secrets import generate_password
from api.models import ApiKey
from api.users.schemas import UserCreate
from api.users.service import create_user, find_by_username

OLD_MAP = dt.date(2024, 12, 31)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: Role
    unit_code: str | None
    unit_as_of: dt.date | None = None


DEMO_USERS = [
    DemoAccount("admin", "Quản trị hệ thống (demo)", Role.admin, None),
    DemoAccount("tinh.hungyen", "Hội Khuyến học tỉnh Hưng Yên (demo)", Role.editor, "33"),
    DemoAccount("huyen.thanhpho", "Hội Khuyến học TP Thái Bình (demo)", Role.editor, "336", OLD_MAP),
    DemoAccount("xa.lehongphong", "Hội Khuyến học phường Lê Hồng Phong (demo)", Role.editor, "12433", OLD_MAP),
    DemoAccount("xem.thaibinh", "Người xem tỉnh Thái Bình (demo)", Role.viewer, "34", OLD_MAP),
    # The commune that keeps recognition records (api/demo/recognition.py) scores; its district verifies.
    DemoAccount("xa.tayninh", "Hội Khuyến học xã Tây Ninh (demo)", Role.editor, "12994", OLD_MAP),
    DemoAccount("huyen.tienhai", "Hội Khuyến học huyện Tiền Hải (demo)", Role.editor, "342", OLD_MAP),
]
DEMO_KEY_NAME = "Hội Khuyến học tỉnh Hà Nam (demo)"


async def load_accounts(session: AsyncSession) -> list[tuple[str, str, str]]:
    """Create the demo accounts that are missing; returns (kind, name, secret) of those created."""
    created: list[tuple[str, str, str]] = []
    for acc in DEMO_USERS:
        if await find_by_username(session, acc.username) is not None:
            continue
        password = generate_password()
        await create_user(
            session,
            SYSTEM,
            UserCreate(
                username=acc.username,
                password=password,
                display_name=acc.display_name,
                role=acc.role,
                unit_code=acc.unit_code,
                unit_as_of=acc.unit_as_of,
            ),
        )
        created.append(("user", acc.username, password))
    if await session.scalar(select(ApiKey.id).where(ApiKey.name == DEMO_KEY_NAME)) is None:
        _, secret = await create_key(
            session, SYSTEM, ApiKeyCreate(name=DEMO_KEY_NAME, role=Role.partner, unit_code="35", unit_as_of=OLD_MAP)
        )
        created.append(("api_key", DEMO_KEY_NAME, secret))
    return created
