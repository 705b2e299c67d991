"""The approval inbox, GET /reports?awaiting=me (issue 19, item 6).

Finding: there was no list of the reports waiting for my approval; the district user filtered by
status and got its own and its predecessors' reports mixed with those it may decide on.
"""

from __future__ import annotations

import httpx

from tests.conftest import MakeAccount
from tests.reports.conftest import COMPLETE, OLD

COMMUNE = "12433"  # in district 336 of old Thái Bình (34)
OTHER = "12436"  # same district
PROVINCE_URL = "/api/v1/reports/34/2024"
INBOX = "/api/v1/reports?awaiting=me&year=2024"


async def _submit(anon: httpx.AsyncClient, url: str, headers: dict[str, str], body: dict[str, int]) -> None:
    assert (await anon.put(url, json=body, headers=headers)).status_code == 201
    assert (await anon.post(f"{url}/submit", headers=headers)).status_code == 200


async def _codes(anon: httpx.AsyncClient, headers: dict[str, str]) -> list[str]:
    r = await anon.get(INBOX, headers=headers)
    assert r.status_code == 200, r.text
    return sorted(item["unit_code"] for item in r.json()["items"])


async def test_inbox_lists_submitted_reports_strictly_below_the_approver(
    anon: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    """Finding 6: the district sees its communes' submitted reports, not drafts and not its own unit's report."""
    commune = await make_account("editor", COMMUNE, as_of=OLD)
    other = await make_account("editor", OTHER, as_of=OLD)
    district = await make_account("editor", "336", as_of=OLD)
    await _submit(anon, f"/api/v1/reports/{COMMUNE}/2024", commune.headers, COMPLETE)
    assert (await anon.put(f"/api/v1/reports/{OTHER}/2024", json=COMPLETE, headers=other.headers)).status_code == 201
    await _submit(anon, "/api/v1/reports/336/2024", district.headers, COMPLETE | {"communes": 20})
    assert await _codes(anon, district.headers) == [COMMUNE]
    province = await make_account("editor", "34", as_of=OLD)
    assert await _codes(anon, province.headers) == [COMMUNE, "336"]


async def test_inbox_leaves_out_what_the_approver_submitted_and_what_it_may_not_approve(
    anon: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    """Finding 6: never the submitter's own report; a successor province (not above on the report's map) sees none;
    a viewer without reports:approve gets an empty inbox."""
    old_thai_binh = await make_account("editor", "34", as_of=OLD)
    await _submit(anon, PROVINCE_URL, old_thai_binh.headers, COMPLETE | {"communes": 260})
    commune = await make_account("editor", COMMUNE, as_of=OLD)
    await _submit(anon, f"/api/v1/reports/{COMMUNE}/2024", commune.headers, COMPLETE)
    assert await _codes(anon, old_thai_binh.headers) == [COMMUNE]
    new_hung_yen = await make_account("editor", "33")
    assert await _codes(anon, new_hung_yen.headers) == []
    viewer = await make_account("viewer", "34", as_of=OLD)
    assert await _codes(anon, viewer.headers) == []


async def test_national_inbox_and_an_approved_report_leaves_it(
    anon: httpx.AsyncClient, client: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    """Finding 6: the national admin sees every submitted report; approving one takes it out of the inbox."""
    commune = await make_account("editor", COMMUNE, as_of=OLD)
    url = f"/api/v1/reports/{COMMUNE}/2024"
    await _submit(anon, url, commune.headers, COMPLETE)
    assert [i["unit_code"] for i in (await client.get(INBOX)).json()["items"]] == [COMMUNE]
    assert (await client.post(f"{url}/approve", json={})).status_code == 200
    assert (await client.get(INBOX)).json()["items"] == []
    assert (await client.get("/api/v1/reports?awaiting=you")).status_code == 422
