"""The report workflow as tests drive it: a report is submitted by its own unit and approved from above.

A national admin may approve and reopen anything, but only a unit's own people submit its report
(issue 14, separation of duties), so tests that move a report through its workflow ask for an editor
of that unit, made through the API so that the helper also works against a served instance.
"""

from __future__ import annotations

import datetime as dt
import uuid

import httpx

PASSWORD = "mật-khẩu-cán-bộ-đơn-vị"


async def unit_editor(admin: httpx.AsyncClient, code: str, as_of: dt.date | str | None = None) -> dict[str, str]:
    """Headers of a new editor of unit CODE (read on AS_OF), created and signed in by the admin client."""
    username = f"bien-tap-{uuid.uuid4().hex[:8]}"
    body = {"username": username, "password": PASSWORD, "display_name": "Cán bộ đơn vị", "role": "editor"}
    r = await admin.post("/api/v1/users", json=body | {"unit_code": code, "unit_as_of": as_of and str(as_of)})
    assert r.status_code == 201, r.text
    token = await admin.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


async def submit_and_approve(
    admin: httpx.AsyncClient, code: str, year: int, *, as_of: dt.date | str | None = None, approve: bool = True
) -> None:
    """Submit the draft of CODE for YEAR as the unit's own editor, then (approve) approve it as the admin."""
    url = f"/api/v1/reports/{code}/{year}"
    r = await admin.post(f"{url}/submit", headers=await unit_editor(admin, code, as_of))
    assert r.status_code == 200, r.text
    if approve:
        r = await admin.post(f"{url}/approve")
        assert r.status_code == 200, r.text


REOPEN = {"reason": "Cần sửa lại số liệu"}
