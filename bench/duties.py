"""A unit's own editor for the benchmarks: reports are submitted by their unit and approved from above
(separation of duties), so a scenario that cycles a report needs both accounts."""

from __future__ import annotations

import httpx

PASSWORD = "bench-unit-editor-password-1"


def unit_editor(client: httpx.Client, code: str, as_of: str) -> dict[str, str]:
    """Headers of an editor of unit ``code`` (read on ``as_of``), made by the signed-in admin if missing."""
    username = f"bench.editor.{code}"
    made = client.post(
        "/api/v1/users",
        json={
            "username": username,
            "password": PASSWORD,
            "display_name": f"Biên tập {code}",
            "role": "editor",
            "unit_code": code,
            "unit_as_of": as_of,
        },
    )
    if made.status_code != 409:
        made.raise_for_status()
    token = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    token.raise_for_status()
    return {"Authorization": f"Bearer {token.json()['access_token']}"}
