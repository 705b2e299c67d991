"""Helpers for the journal's tests: read the feed as a partner does, and GET each record as the API shows it."""

from __future__ import annotations

from typing import Any

import httpx

API = "/api/v1"
# Registry record types: feed type → the path of their GET.
REGISTRY_PATHS = {
    "association": "associations",
    "fund": "funds",
    "commendation": "commendations",
    "inspection": "inspections",
    "partnership": "partnerships",
    "activity": "activities",
    "award": "awards",
    "recognition_registration": "recognition/registrations",
    "recognition_decision": "recognition/decisions",
}


async def cursor(client: httpx.AsyncClient) -> str:
    """The feed's current end: changes made after this are the test's own."""
    since = "0"
    while True:
        page = (await client.get(f"{API}/sync/changes", params={"since": since, "limit": 1000})).json()
        if not page["items"]:
            return since
        since = page["next_cursor"]


async def changes(client: httpx.AsyncClient, since: str = "0", types: str | None = None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    params: dict[str, Any] = {"since": since, "limit": 1000} | ({"types": types} if types else {})
    while True:
        page = (await client.get(f"{API}/sync/changes", params=params)).json()
        out += page["items"]
        if not page["items"]:
            return out
        params["since"] = page["next_cursor"]


def latest(items: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    """The last change of each record."""
    return {(c["type"], c["id"]): c for c in items}


async def shown(client: httpx.AsyncClient, change: dict[str, Any]) -> dict[str, Any] | None:
    """What GET answers for the record a change names (None: not found)."""
    kind, data = change["type"], change["data"] or {}
    if kind in REGISTRY_PATHS:
        r = await client.get(f"{API}/{REGISTRY_PATHS[kind]}/{change['id']}")
        return r.json() if r.status_code == 200 else None
    if kind == "report":
        r = await client.get(f"{API}/reports/{data['unit_code']}/{data['year']}")
        return r.json() if r.status_code == 200 else None
    if kind == "fund_entry":
        return await _listed(client, f"{API}/funds/{data['fund_id']}/entries", "id", change["id"])
    if kind == "association_year":
        r = await client.get(f"{API}/associations/{data['association_id']}/years")
        return next((y for y in r.json() if y["year"] == data["year"]), None) if r.status_code == 200 else None
    raise AssertionError(f"no GET known for feed type {kind}")


async def _listed(client: httpx.AsyncClient, url: str, key: str, value: Any) -> dict[str, Any] | None:
    params: dict[str, Any] = {"limit": 1000}
    while True:
        page = (await client.get(url, params=params)).json()
        found = next((i for i in page["items"] if i[key] == value), None)
        if found is not None or not page["next_cursor"]:
            return found
        params["cursor"] = page["next_cursor"]
