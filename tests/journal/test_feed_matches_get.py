"""The property behind the feed's promise ("the record as the API shows it"): for every syncable record
type, a record's latest change on the feed equals, key for key, what GET answers for it — after creates,
updates and deletes, a ledger entry, a reversal, a transfer, an award paid from a fund and an import."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from api import journal
from tests.journal.conftest import API, changes, cursor, latest, shown
from tests.recognition.conftest import PASS, Team, team
from tests.recognition.conftest import WARD as RECOGNITION_WARD
from tests.recognition.test_import import row, sheet
from tests.recognition.test_import import upload as upload_sheet
from tests.registries.test_award_import import GOOD, csv_file, upload

__all__ = ["team"]  # the recognition workflow's accounts, as a fixture here too

WARD = "12442"
OLD = "2024-12-31"
AT = {"unit_code": WARD, "unit_as_of": OLD}


async def _post(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = await client.post(f"{API}/{path}", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def _registries(client: httpx.AsyncClient) -> None:
    hội = await _post(client, "associations", AT | {"kind": "association", "name": "Hội Khuyến học thử"})
    branch = await _post(client, "associations", AT | {"kind": "branch", "name": "Chi hội 1", "parent_id": hội["id"]})
    await client.patch(f"{API}/associations/{branch['id']}", json={"name": "Chi hội số 1"})
    await client.put(f"{API}/associations/{branch['id']}/years/2024", json={"members": 12, "rating": "Khá"})
    await client.put(f"{API}/associations/{branch['id']}/years/2024", json={"members": 13, "rating": "Khá"})
    medal = {"form": "medal", "year": 2024, "issuing_level": "central", "recipient_kind": "person"}
    made = await _post(client, "commendations", AT | medal | {"recipient_name": "Nguyễn Văn A"})
    await client.patch(f"{API}/commendations/{made['id']}", json={"recipient_name": "Nguyễn Văn B"})
    gone = await _post(client, "commendations", AT | medal | {"recipient_name": "Xoá đi"})
    assert (await client.delete(f"{API}/commendations/{gone['id']}")).status_code == 204
    await _post(client, "inspections", AT | {"year": 2024, "subject_kind": "association", "subject_name": "Hội"})
    await _post(client, "partnerships", AT | {"title": "Phối hợp", "year": 2024, "parties": ["Sở Giáo dục"]})
    await _post(client, "activities", AT | {"kind": "training", "title": "Tập huấn", "year": 2024})


async def _ledger(client: httpx.AsyncClient) -> None:
    fund = await _post(client, "funds", AT | {"name": "Quỹ A", "owner_kind": "association"})
    other = await _post(client, "funds", AT | {"name": "Quỹ B", "owner_kind": "clan"})
    entries = f"funds/{fund['id']}/entries"
    given = await _post(client, entries, {"kind": "contribution", "amount_vnd": 5_000_000})
    await _post(client, entries, {"kind": "disbursement", "amount_vnd": 700_000})
    await _post(client, entries, {"kind": "reversal", "reverses_entry_id": given["id"] + 1})
    await _post(client, entries, {"kind": "transfer", "amount_vnd": 1_000_000, "to_fund_id": other["id"]})
    award = await _post(
        client,
        "awards",
        AT
        | {
            "year": 2024,
            "recipient_name": "Trần Thị Hoa",
            "recipient_kind": "pupil",
            "category": "khac",
            "amount_vnd": 300_000,
            "fund_id": fund["id"],
        },
    )
    await client.patch(f"{API}/awards/{award['id']}", json={"school": "THCS Kỳ Bá"})
    assert (await client.delete(f"{API}/awards/{award['id']}")).status_code == 204  # its money goes back


async def _import(client: httpx.AsyncClient) -> None:
    assert (await upload(client, csv_file(GOOD), wait="true")).status_code in (200, 201)


async def _report(client: httpx.AsyncClient) -> None:
    assert (await client.put(f"{API}/reports/{WARD}/2024", json={"population": 9000})).status_code in (200, 201)
    assert (await client.put(f"{API}/reports/{WARD}/2024", json={"population": 9100})).status_code == 200


Scenario = Callable[[httpx.AsyncClient], Awaitable[None]]


async def _check(client: httpx.AsyncClient, since: str) -> set[str]:
    items = await changes(client, since)
    assert items, "the writes left nothing on the feed"
    for change in latest(items).values():
        now = await shown(client, change)
        if change["op"] == "delete":
            assert now is None and change["data"] is None, change
        else:
            assert change["data"] == now, change["type"]
    return {c["type"] for c in items}


@pytest.mark.parametrize(
    ("scenario", "types"),
    [
        (
            _registries,
            {"association", "association_year", "commendation", "inspection", "partnership", "activity"},
        ),
        (_ledger, {"fund", "fund_entry", "award"}),
        (_import, {"award"}),
        (_report, {"report"}),
    ],
    ids=["registries", "ledger", "import", "report"],
)
async def test_every_change_on_the_feed_is_what_get_answers(
    client: httpx.AsyncClient, scenario: Scenario, types: set[str]
) -> None:
    """Issue 13: the feed change of a record equals, key for key, what GET returns for it at that version."""
    since = await cursor(client)
    await scenario(client)
    assert await _check(client, since) == types


async def test_every_record_type_of_the_journal_is_covered() -> None:
    """A record type added to the journal without a GET known to these tests fails here, not silently."""
    covered = {"association", "association_year", "commendation", "inspection", "partnership", "activity"}
    covered |= {"fund", "fund_entry", "award", "report", "recognition_registration", "recognition_decision"}
    assert set(journal.kinds()) == covered


async def test_recognition_changes_on_the_feed_are_what_get_answers(client: httpx.AsyncClient, team: Team) -> None:
    """Issue 16: registrations (created, scored, returned, verified in bulk, recognised, imported, erased) and
    decisions on the feed equal GET, on both databases (the import goes by COPY on PostgreSQL)."""
    since = await cursor(client)
    first = await team.scored("Hoàng Văn Feed", PASS)
    url = f"{API}/recognition/registrations/{first['id']}"
    assert (await team.scorer.patch(url, json={"village": "Tổ 9"})).status_code == 200
    assert (await team.province.post(f"{url}/verify", json={"accept": False, "reason": "Xem lại"})).status_code == 200
    assert (await team.scorer.put(f"{url}/scores", json={"scores": PASS})).status_code == 200
    assert (await upload_sheet(team.scorer, sheet(row("Nhập Một"), row("Nhập Hai")))).status_code == 200
    sel = {"unit_code": RECOGNITION_WARD, "title": "cong_dan", "year": 2024, "accept": True}
    assert (await team.province.post(f"{API}/recognition/verifications", json=sel)).json()["done"] >= 3
    decision = {
        "unit_code": RECOGNITION_WARD,
        "title": "cong_dan",
        "year": 2024,
        "authority": "UBND phường",
        "number": "1/QĐ-UBND",
        "decided_on": "2024-12-20",
    }
    assert (await team.scorer.post(f"{API}/recognition/decisions", json=decision)).status_code == 201
    assert (await client.post(f"{url}/erase")).status_code == 200
    gone = await team.register("Xoá hẳn")
    assert (await team.scorer.delete(f"{API}/recognition/registrations/{gone['id']}")).status_code == 204
    assert await _check(client, since) == {"recognition_registration", "recognition_decision"}
