"""Separation of duties in the report workflow (issue 14, Medium 6).

A report is submitted by its own unit (its editors, or a partner key of that unit), approved and
reopened from a unit strictly above it on the map of its 31 December, never by its submitter; approve
and reopen take a reason (required to reopen) that the report and its history show.
"""

from __future__ import annotations

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Unit, User
from tests.conftest import MakeAccount
from tests.reports.conftest import COMPLETE, OLD

COMMUNE = "12433"  # in district 336 of old Thái Bình (34)
URL = f"/api/v1/reports/{COMMUNE}/2024"
PROVINCE_URL = "/api/v1/reports/34/2024"  # old Thái Bình's own report, read on 31 December 2024
NOT_OWN = "urn:khuyenhoc:problem:report-submit-not-own-unit"
NOT_ABOVE = "urn:khuyenhoc:problem:report-approver-not-above"
SELF = "urn:khuyenhoc:problem:report-self-approval"


async def test_a_province_editor_cannot_submit_what_it_drafted_for_a_commune(
    anon: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    """Finding: one province editor drafted, submitted and approved a commune report (submitted_by = approved_by)."""
    province = await make_account("editor", "34", as_of=OLD)
    assert (await anon.put(URL, json=COMPLETE, headers=province.headers)).status_code == 201
    r = await anon.post(f"{URL}/submit", headers=province.headers)
    assert r.status_code == 403 and r.json()["type"] == NOT_OWN
    assert (await anon.get(URL, headers=province.headers)).json()["status"] == "draft"


async def test_the_submitter_never_approves_even_after_moving_above(
    anon: httpx.AsyncClient, make_account: MakeAccount, session: AsyncSession
) -> None:
    """Finding: submitted_by = approved_by; a submitter later placed above its unit still may not approve."""
    editor = await make_account("editor", COMMUNE, as_of=OLD)
    assert (await anon.put(URL, json=COMPLETE, headers=editor.headers)).status_code == 201
    assert (await anon.post(f"{URL}/submit", headers=editor.headers)).status_code == 200
    district = await session.scalar(select(Unit.id).where(Unit.code == "336", Unit.source == "vn-pre-2025"))
    await session.execute(update(User).where(User.id == editor.user.id).values(unit_id=district))
    r = await anon.post(f"{URL}/approve", headers=editor.headers)
    assert r.status_code == 403 and r.json()["type"] == SELF
    other = await make_account("editor", "336", as_of=OLD)
    approved = await anon.post(f"{URL}/approve", headers=other.headers)
    assert approved.status_code == 200 and approved.json()["approved_by"] == other.user.username


async def test_a_unit_cannot_approve_its_own_report(anon: httpx.AsyncClient, make_account: MakeAccount) -> None:
    """Approvers sit strictly above: a province editor submits the province's report, and may not approve it."""
    province = await make_account("editor", "34", as_of=OLD)
    body = COMPLETE | {"communes": 260, "communes_rated_learning_community": 200}
    assert (await anon.put(PROVINCE_URL, json=body, headers=province.headers)).status_code == 201
    assert (await anon.post(f"{PROVINCE_URL}/submit", headers=province.headers)).status_code == 200
    r = await anon.post(f"{PROVINCE_URL}/approve", headers=province.headers)
    assert r.status_code == 403 and r.json()["type"] == NOT_ABOVE


async def test_the_successor_province_cannot_approve_its_predecessors_report(
    anon: httpx.AsyncClient, client: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    """Finding: the editor of new Hưng Yên (33) approved old Thái Bình's (34) province report: a predecessor,
    not a unit above it on the report's map. It still sees the report; a national approver may approve it."""
    old_thai_binh = await make_account("editor", "34", as_of=OLD)
    new_hung_yen = await make_account("editor", "33")
    body = COMPLETE | {"communes": 260, "communes_rated_learning_community": 200}
    assert (await anon.put(PROVINCE_URL, json=body, headers=old_thai_binh.headers)).status_code == 201
    assert (await anon.post(f"{PROVINCE_URL}/submit", headers=old_thai_binh.headers)).status_code == 200
    assert (await anon.get(PROVINCE_URL, headers=new_hung_yen.headers)).status_code == 200
    r = await anon.post(f"{PROVINCE_URL}/approve", headers=new_hung_yen.headers)
    assert r.status_code == 403 and r.json()["type"] == NOT_ABOVE
    assert (await anon.get(PROVINCE_URL, headers=new_hung_yen.headers)).json()["status"] == "submitted"
    assert (await client.post(f"{PROVINCE_URL}/approve")).status_code == 200
    reopen = await anon.post(f"{PROVINCE_URL}/reopen", json={"reason": "Sửa lại"}, headers=new_hung_yen.headers)
    assert reopen.status_code == 403 and reopen.json()["type"] == NOT_ABOVE


async def test_a_partner_key_of_the_unit_submits_and_one_outside_does_not(
    anon: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """submit is for the unit's own editors or a partner key whose scope holds the unit."""
    keys = {}
    for code in ("336", "12427"):  # the commune's district, and a commune of another district
        r = await client.post(
            "/api/v1/api-keys",
            json={"name": f"Hệ thống {code}", "role": "partner", "unit_code": code, "unit_as_of": str(OLD)},
        )
        assert r.status_code == 201, r.text
        keys[code] = {"Authorization": f"Bearer {r.json()['secret']}"}
    assert (await client.put(URL, json=COMPLETE)).status_code == 201
    assert (await anon.post(f"{URL}/submit", headers=keys["12427"])).status_code == 404
    assert (await anon.post(f"{URL}/submit", headers=keys["336"])).status_code == 200


async def test_reasons_are_required_to_reopen_and_kept_in_the_report_and_its_history(
    anon: httpx.AsyncClient, client: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    """Approve takes an optional reason, reopen a required one; both show in the report and its history."""
    editor = await make_account("editor", COMMUNE, as_of=OLD)
    assert (await anon.put(URL, json=COMPLETE, headers=editor.headers)).status_code == 201
    assert (await anon.post(f"{URL}/submit", headers=editor.headers)).status_code == 200
    approved = await client.post(f"{URL}/approve", json={"reason": "Số liệu khớp sổ sách"})
    assert approved.status_code == 200 and approved.json()["approval_reason"] == "Số liệu khớp sổ sách"
    for body in (None, {}, {"reason": "   "}, {"reason": "x" * 501}):
        r = await client.post(f"{URL}/reopen", json=body)
        assert r.status_code == 422, (body, r.text)
        assert ["body", "reason"] in [e["loc"] for e in r.json()["errors"]] or body is None
    assert (await client.get(URL)).json()["status"] == "approved"
    reopened = await client.post(f"{URL}/reopen", json={"reason": "  Thiếu số quỹ khuyến học  "})
    assert reopened.status_code == 200
    assert reopened.json()["reopen_reason"] == "Thiếu số quỹ khuyến học"
    assert reopened.json()["approval_reason"] is None and reopened.json()["submitted_by"] is None
    assert (await anon.post(f"{URL}/submit", headers=editor.headers)).status_code == 200
    assert (await client.get(URL)).json()["reopen_reason"] == "Thiếu số quỹ khuyến học"  # until approved again
    again = await client.post(f"{URL}/approve")
    assert again.json()["reopen_reason"] is None and again.json()["approval_reason"] is None
    history = (await anon.get(f"{URL}/history", headers=editor.headers)).json()["items"]
    steps = [(h["action"], h["reason"]) for h in history]
    assert steps == [
        ("create", None),
        ("submit", None),
        ("approve", "Số liệu khớp sổ sách"),
        ("reopen", "Thiếu số quỹ khuyến học"),
        ("submit", None),
        ("approve", None),
    ]
