"""Two real service processes on one database: a registration and a recognition decision made through one are
in the very next statistics answer of the other (issue 16: "a recognition changes the statistics on the next
request, like an approval does"), on SQLite and PostgreSQL. The decision writes the approved report's figure
(api/reports/derived.py), so the change counters that serve approvals serve it too."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from tests.conftest import DatabaseFactory
from tests.ops.conftest import Service, khuyenhoc, service_env, sign_in
from tests.recognition.conftest import PASS
from tests.reports.conftest import COMPLETE

PASSWORD = "mật-khẩu-hai-tiến-trình-2"
COMMUNE, YEAR = "12433", 2024
REPORT = f"/api/v1/reports/{COMMUNE}/{YEAR}"
API = "/api/v1/recognition"


async def recognised(c: httpx.AsyncClient, unit: str) -> int:
    params = {"unit": unit, "year": YEAR, "indicator": "learning_citizen_rate"}
    r = await c.get("/api/v1/stats/indicators", params=params)
    assert r.status_code == 200, r.text
    return int(r.json()["items"][0]["value"]["numerator"])


async def test_a_decision_through_one_worker_is_in_the_next_answer_of_the_other(
    databases: DatabaseFactory, services: list[Service], tmp_path: Path
) -> None:
    env = service_env(await databases.create(), KH_ADMIN_PASSWORD=PASSWORD)
    for args in (["migrate"], ["units", "load"], ["users", "create-admin", "--username", "hai.tien.trinh"]):
        await asyncio.to_thread(khuyenhoc, *args, env=env)
    writer, reader = Service(env, tmp_path / "writer.log"), Service(env, tmp_path / "reader.log")
    services.extend((writer, reader))
    await asyncio.gather(asyncio.to_thread(writer.start), asyncio.to_thread(reader.start))
    token = await asyncio.to_thread(sign_in, writer.base_url, "hai.tien.trinh", PASSWORD)
    async with (
        httpx.AsyncClient(base_url=writer.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as w,
        httpx.AsyncClient(base_url=reader.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as r,
    ):
        user = {"username": "xa.12433", "password": PASSWORD, "display_name": "Cán bộ xã", "role": "editor"}
        made = await w.post("/api/v1/users", json=user | {"unit_code": COMMUNE, "unit_as_of": "2024-12-31"})
        assert made.status_code == 201, made.text
        signed = await asyncio.to_thread(sign_in, writer.base_url, "xa.12433", PASSWORD)
        commune = {"Authorization": f"Bearer {signed}"}
        assert (await w.put(REPORT, json=COMPLETE)).status_code == 201
        assert (await w.post(f"{REPORT}/submit", headers=commune)).status_code == 200
        assert (await w.post(f"{REPORT}/approve")).status_code == 200
        assert await recognised(r, "34") == COMPLETE["learning_citizens"]

        body = {"unit_code": COMMUNE, "title": "cong_dan", "target_group": "nong_dan", "year": YEAR, "name": "Ông A"}
        reg = await w.post(f"{API}/registrations", json=body, headers=commune)
        assert reg.status_code == 201, reg.text
        assert await recognised(r, "34") == 0  # the commune keeps citizens' records now: none recognised yet
        rid = reg.json()["id"]
        scored = await w.put(f"{API}/registrations/{rid}/scores", json={"scores": PASS}, headers=commune)
        assert scored.status_code == 200, scored.text
        assert (await w.post(f"{API}/registrations/{rid}/verify", json={"accept": True})).status_code == 200
        decision = {"unit_code": COMMUNE, "title": "cong_dan", "year": YEAR, "authority": "UBND phường"}
        decision |= {"number": "7/QĐ-UBND", "decided_on": "2024-12-20"}
        made = await w.post(f"{API}/decisions", json=decision, headers=commune)
        assert made.status_code == 201, made.text
        assert await recognised(r, "34") == 1
        assert await recognised(r, COMMUNE) == 1
        assert (await r.get(REPORT)).json()["status"] == "approved"
