"""The registrations list filters by village (the dashboard's list and verification inbox of one thôn)."""

from __future__ import annotations

from tests.recognition.conftest import API, WARD, YEAR, Team


async def test_registrations_filter_by_village(team: Team) -> None:
    a = await team.register("Nguyễn Văn A", village="Thôn Đông")
    b = await team.register("Trần Thị B", village="Thôn Tây")
    r = await team.scorer.get(f"{API}/registrations", params={"unit": WARD, "year": YEAR, "village": "Thôn Đông"})
    assert r.status_code == 200, r.text
    ids = [x["id"] for x in r.json()["items"]]
    assert a["id"] in ids
    assert b["id"] not in ids
    r = await team.scorer.get(f"{API}/registrations", params={"village": "x" * 201})
    assert r.status_code == 422
