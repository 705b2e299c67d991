"""Sign-in against hostile clients: forged forwarding headers, locking other people out."""

from __future__ import annotations

import httpx
import yaml
from sqlalchemy import select

from api.core.config import PROJECT_ROOT, Settings
from api.db.engine import Database
from api.main import create_app
from api.models import LoginThrottle
from tests.conftest import MakeAccount

PASSWORD = "mật-khẩu-thử-1"


def client_at(app: object, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def sign_in(c: httpx.AsyncClient, username: str, password: str, **headers: str) -> httpx.Response:
    return await c.post("/api/v1/auth/token", data={"username": username, "password": password}, headers=headers)


async def throttle_keys(db: Database) -> set[str]:
    async with db.sessionmaker() as s:
        return set((await s.scalars(select(LoginThrottle.key))).all())


async def test_a_forged_x_forwarded_for_from_an_untrusted_peer_is_ignored(db: Database, settings: Settings) -> None:
    """Issue 14, Medium 7: with FORWARDED_ALLOW_IPS='*' each failure could name a new address: no lock ever."""
    app = create_app(settings.model_copy(update={"login_max_failures_address": 3}), db=db)
    async with client_at(app, "203.0.113.9") as c:
        answers = [
            (await sign_in(c, f"ai-do-{i}", "sai", **{"X-Forwarded-For": f"198.51.100.{i}"})).status_code
            for i in range(5)
        ]
    assert answers == [401, 401, 401, 429, 429]
    keys = await throttle_keys(db)
    assert "address:203.0.113.9" in keys
    assert not any("198.51.100." in k for k in keys)


async def test_the_trusted_proxys_x_forwarded_for_names_the_client(db: Database, settings: Settings) -> None:
    """Issue 14, Medium 7: the proxy's own header (from KH_TRUSTED_PROXIES, default 127.0.0.1) is believed."""
    app = create_app(settings.model_copy(update={"trusted_proxies": "127.0.0.1,10.0.0.0/8"}), db=db)
    for proxy in ("127.0.0.1", "10.1.2.3"):
        async with client_at(app, proxy) as c:
            r = await sign_in(c, "khong-co-ai", "sai", **{"X-Forwarded-For": "192.0.2.77"})
        assert r.status_code == 401
    keys = await throttle_keys(db)
    assert "address:192.0.2.77" in keys
    assert "address:127.0.0.1" not in keys and "address:10.1.2.3" not in keys


async def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out(
    db: Database, settings: Settings, make_account: MakeAccount
) -> None:
    """Issue 14, Low: five wrong passwords from anywhere locked the account for everyone."""
    victim = await make_account("viewer", "01")
    app = create_app(settings, db=db)
    async with client_at(app, "203.0.113.50") as attacker:
        for _ in range(settings.login_max_failures_account):
            assert (await sign_in(attacker, victim.user.username, "doan-mo")).status_code == 401
        assert (await sign_in(attacker, victim.user.username, PASSWORD)).status_code == 429
    async with client_at(app, "192.0.2.10") as owner:
        r = await sign_in(owner, victim.user.username, PASSWORD)
    assert r.status_code == 200, r.text


def test_the_shipped_deployment_trusts_no_forwarding_header_from_everyone() -> None:
    """Issue 14, Medium 7: compose.yaml set FORWARDED_ALLOW_IPS='*', so uvicorn believed any client's header."""
    compose = yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text())
    env = compose["services"]["app"]["environment"]
    assert "FORWARDED_ALLOW_IPS" not in env
    assert "*" not in str(env["KH_TRUSTED_PROXIES"])
    assert "FORWARDED_ALLOW_IPS='*'" not in (PROJECT_ROOT / "docs" / "deploy.md").read_text()
    assert "proxy_headers=False" in (PROJECT_ROOT / "api" / "ops" / "serving.py").read_text()
