"""One scope rule (issue 13, item 2): every finding of the issue's second bullet, one test each.

Outside the caller's scope a record does not exist (404), ids in bodies included; the rule lives in
api/auth/scope.py alone, and records are owned by principal kind and id, never by a name.
"""

from __future__ import annotations

import ast
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import FundEntry, ImportJob
from tests.conftest import MakeAccount

API = Path(__file__).resolve().parents[2] / "api"
SCOPE_MODULE = API / "auth" / "scope.py"
# Where principals are built: the only other modules that may touch the raw prefixes.
BUILDERS = {API / "auth" / "principal.py", API / "auth" / "service.py"}
OLD = "2023-12-31"


def _scope_bypasses(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        func = node.func if isinstance(node, ast.Call) else None
        if isinstance(func, ast.Attribute) and func.attr in {"path_filter", "covers"}:
            found.append(f"{path.relative_to(API.parent)}:{node.lineno} .{func.attr}(…)")
        if isinstance(node, ast.Attribute) and node.attr == "unit_prefixes" and path not in BUILDERS:
            found.append(f"{path.relative_to(API.parent)}:{node.lineno} .unit_prefixes")
    return found


def test_only_the_scope_module_turns_a_principal_into_a_scope_check() -> None:
    """Finding: unit scope was checked by hand at 23 places in 15 files (``path_filter``/``covers``)."""
    found = [hit for path in sorted(API.rglob("*.py")) if path != SCOPE_MODULE for hit in _scope_bypasses(path)]
    assert not found, "scope checks outside api/auth/scope.py:\n" + "\n".join(found)


def test_the_scan_sees_a_hand_written_check(tmp_path: Path) -> None:
    """The scan above is not vacuous: it flags each form it forbids."""
    sample = API / "_sample_for_scan.py"
    code = "a = p.covers(x)\nb = p.path_filter(c)\nc = p.unit_prefixes\n"
    try:
        sample.write_text(code)
        assert len(_scope_bypasses(sample)) == 3
    finally:
        sample.unlink()


async def _key(
    client: httpx.AsyncClient, *, name: str, role: str, unit: str, as_of: str | None = None
) -> dict[str, str]:
    body: dict[str, Any] = {"name": name, "role": role, "unit_code": unit}
    if as_of:
        body["unit_as_of"] = as_of
    r = await client.post("/api/v1/api-keys", json=body)
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['secret']}"}


async def _first_child(anon: httpx.AsyncClient, headers: dict[str, str], code: str, as_of: str | None = None) -> str:
    params = {"as_of": as_of} if as_of else {}
    r = await anon.get(f"/api/v1/units/{code}/children", params=params, headers=headers)
    return str(r.json()["items"][0]["code"])


@pytest.fixture
async def thai_binh(client: httpx.AsyncClient, anon: httpx.AsyncClient) -> dict[str, Any]:
    """An association and a fund with money in a Thái Bình ward, recorded by the national admin."""
    ward = "12433"  # a ward of TP Thái Bình, on the 2024 map
    assoc = await client.post(
        "/api/v1/associations",
        json={"unit_code": ward, "unit_as_of": OLD, "kind": "association", "name": "Hội Khuyến học phường"},
    )
    fund = await client.post(
        "/api/v1/funds", json={"unit_code": ward, "unit_as_of": OLD, "name": "Quỹ phường", "owner_kind": "unit"}
    )
    assert assoc.status_code == fund.status_code == 201, assoc.text + fund.text
    entry = await client.post(
        f"/api/v1/funds/{fund.json()['id']}/entries", json={"kind": "contribution", "amount_vnd": 500_000}
    )
    assert entry.status_code == 201, entry.text
    return {"association": assoc.json()["id"], "fund": fund.json()["id"], "entry": entry.json()["id"]}


@pytest.fixture
async def ha_nam(client: httpx.AsyncClient, anon: httpx.AsyncClient) -> tuple[dict[str, str], str]:
    """A Hà Nam partner key and one of its communes (2023 map)."""
    key = await _key(client, name="Hà Nam", role="partner", unit="35", as_of=OLD)
    return key, await _first_child(anon, key, "35", OLD)


def _names_field(r: httpx.Response, field: str) -> bool:
    return [e["loc"] for e in r.json().get("errors", [])] == [["body", field]]


async def test_a_ha_nam_key_cannot_attach_a_fund_to_a_thai_binh_association(
    anon: httpx.AsyncClient, thai_binh: dict[str, Any], ha_nam: tuple[dict[str, str], str]
) -> None:
    """Finding: a Hà Nam key attached a fund to a Thái Bình association (201), and 201 vs 409 told which
    association ids exist. Now an out-of-scope id and an unknown id get the same 404 naming the field."""
    key, commune = ha_nam
    body = {"unit_code": commune, "unit_as_of": OLD, "name": "Quỹ xã", "owner_kind": "association"}
    hidden = await anon.post("/api/v1/funds", json=body | {"association_id": thai_binh["association"]}, headers=key)
    unknown = await anon.post("/api/v1/funds", json=body | {"association_id": 987_654_321}, headers=key)
    assert hidden.status_code == unknown.status_code == 404, hidden.text
    assert _names_field(hidden, "association_id") and _names_field(unknown, "association_id")
    assert hidden.json()["errors"][0]["type"] == unknown.json()["errors"][0]["type"]
    own = await anon.post("/api/v1/funds", json=body, headers=key)
    assert own.status_code == 201
    patched = await anon.patch(
        f"/api/v1/funds/{own.json()['id']}", json={"association_id": thai_binh["association"]}, headers=key
    )
    assert patched.status_code == 404 and _names_field(patched, "association_id")
    synced = await anon.put(
        f"/api/v1/sync/funds/{uuid.uuid4().hex}", json=body | {"association_id": thai_binh["association"]}, headers=key
    )
    assert synced.status_code == 404 and _names_field(synced, "association_id")


async def test_a_branch_cannot_hang_below_an_association_outside_the_scope(
    anon: httpx.AsyncClient, thai_binh: dict[str, Any], ha_nam: tuple[dict[str, str], str]
) -> None:
    """Finding: ``parent_id`` of another province's association was accepted."""
    key, commune = ha_nam
    body = {"unit_code": commune, "unit_as_of": OLD, "kind": "branch", "name": "Chi hội thôn"}
    r = await anon.post("/api/v1/associations", json=body | {"parent_id": thai_binh["association"]}, headers=key)
    assert r.status_code == 404 and _names_field(r, "parent_id"), r.text


async def test_an_association_cannot_be_its_own_parent_or_ancestor(client: httpx.AsyncClient) -> None:
    """Finding: an association could be its own parent. Now a cycle is a 422 naming parent_id."""
    base = {"unit_code": "12433", "unit_as_of": OLD, "name": "Hội"}
    top = (await client.post("/api/v1/associations", json=base | {"kind": "association"})).json()["id"]
    mid = (await client.post("/api/v1/associations", json=base | {"kind": "branch", "parent_id": top})).json()["id"]
    low = (await client.post("/api/v1/associations", json=base | {"kind": "board", "parent_id": mid})).json()["id"]
    itself = await client.patch(f"/api/v1/associations/{top}", json={"parent_id": top})
    assert itself.status_code == 422 and _names_field(itself, "parent_id"), itself.text
    assert itself.json()["errors"][0]["type"] == "cycle"
    below = await client.patch(f"/api/v1/associations/{top}", json={"parent_id": low})
    assert below.status_code == 422 and _names_field(below, "parent_id")
    assert (await client.get(f"/api/v1/associations/{top}")).json()["parent_id"] is None  # left as it was
    moved = await client.patch(f"/api/v1/associations/{low}", json={"parent_id": top})
    assert moved.status_code == 200 and moved.json()["parent_id"] == top


async def test_money_cannot_move_to_or_from_records_outside_the_scope(
    anon: httpx.AsyncClient,
    client: httpx.AsyncClient,
    thai_binh: dict[str, Any],
    ha_nam: tuple[dict[str, str], str],
) -> None:
    """Finding: ids of out-of-scope records inside bodies (fund ids, award ``fund_id``, ``to_fund_id``,
    reversal entry ids) must answer as for an id that does not exist, naming the field."""
    key, commune = ha_nam
    fund = await anon.post(
        "/api/v1/funds",
        json={"unit_code": commune, "unit_as_of": OLD, "name": "Quỹ xã", "owner_kind": "unit"},
        headers=key,
    )
    own = fund.json()["id"]
    assert (
        await anon.post(f"/api/v1/funds/{own}/entries", json={"kind": "contribution", "amount_vnd": 1000}, headers=key)
    ).status_code == 201
    transfer = {"kind": "transfer", "amount_vnd": 1, "to_fund_id": thai_binh["fund"]}
    r = await anon.post(f"/api/v1/funds/{own}/entries", json=transfer, headers=key)
    assert r.status_code == 404 and _names_field(r, "to_fund_id"), r.text
    reversal = {"kind": "reversal", "reverses_entry_id": thai_binh["entry"]}
    r = await anon.post(f"/api/v1/funds/{own}/entries", json=reversal, headers=key)
    assert r.status_code == 404 and _names_field(r, "reverses_entry_id"), r.text
    award = {
        "unit_code": commune,
        "unit_as_of": OLD,
        "year": 2023,
        "recipient_name": "Lý Thị Mơ",
        "recipient_kind": "pupil",
        "category": "khac",
        "amount_vnd": 1000,
        "fund_id": thai_binh["fund"],
    }
    r = await anon.post("/api/v1/awards", json=award, headers=key)
    assert r.status_code == 404 and _names_field(r, "fund_id"), r.text
    assert (await client.get(f"/api/v1/funds/{thai_binh['fund']}")).json()["balance_vnd"] == 500_000


async def test_a_unit_code_outside_the_scope_is_404_naming_the_field(
    anon: httpx.AsyncClient, ha_nam: tuple[dict[str, str], str]
) -> None:
    """Finding: outside scope was 404 in some places and 403 in others (writes in another unit were 403)."""
    key, _ = ha_nam
    body = {"unit_code": "12433", "unit_as_of": OLD, "name": "Quỹ", "owner_kind": "unit"}
    r = await anon.post("/api/v1/funds", json=body, headers=key)
    assert r.status_code == 404 and _names_field(r, "unit_code"), r.text
    report = await anon.put(
        f"/api/v1/sync/reports/{uuid.uuid4().hex}",
        json={"unit_code": "12433", "year": 2023, "status": "draft", "population": 10},
        headers=key,
    )
    assert report.status_code == 404 and _names_field(report, "unit_code"), report.text


async def test_inspection_coverage_answers_only_inside_the_scope(
    anon: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    """Finding: /inspections/coverage answered for units outside the caller's scope."""
    viewer = await make_account("viewer", "33")
    inside = await anon.get("/api/v1/inspections/coverage?unit=33&year=2026", headers=viewer.headers)
    assert inside.status_code == 200, inside.text
    formed_from = await anon.get("/api/v1/inspections/coverage?unit=34&year=2023", headers=viewer.headers)
    assert formed_from.status_code == 200  # old Thái Bình became part of the new Hưng Yên
    outside = await anon.get("/api/v1/inspections/coverage?unit=01&year=2026", headers=viewer.headers)
    assert outside.status_code == 404 and outside.json()["errors"][0]["loc"] == ["query", "unit"]


async def test_a_fund_summary_answers_only_inside_the_scope(anon: httpx.AsyncClient, make_account: MakeAccount) -> None:
    """Same rule as coverage: a commune's staff asking for their province got the province's name over
    their own commune's sums; a place outside the scope is 404."""
    communes = (await anon.get("/api/v1/units/33/children", headers=(await make_account("viewer")).headers)).json()
    editor = await make_account("editor", communes["items"][0]["code"])
    own = await anon.get(f"/api/v1/funds/summary?unit={communes['items'][0]['code']}&year=2026", headers=editor.headers)
    assert own.status_code == 200, own.text
    wider = await anon.get("/api/v1/funds/summary?unit=33&year=2026", headers=editor.headers)
    assert wider.status_code == 404 and wider.json()["errors"][0]["loc"] == ["query", "unit"]


async def test_an_import_is_owned_by_kind_and_id_not_by_the_name(
    anon: httpx.AsyncClient,
    client: httpx.AsyncClient,
    make_account: MakeAccount,
    admin: Any,
    session: AsyncSession,
) -> None:
    """Finding: /awards/imports/{id} matched the creator's name: a province admin could name a key after the
    national admin and read its import, recipients included."""
    csv_text = "unit_code,recipient_name,recipient_kind,category,year\n12433,Đỗ Thị Hoa,pupil,khac,2023\n"
    files = {"file": ("awards.csv", csv_text.encode(), "text/csv")}
    done = await client.post("/api/v1/awards/imports?wait=true", files=files)
    assert done.status_code == 201, done.text
    url = done.headers["location"]

    province_admin = await make_account("admin", "37")
    r = await anon.post(
        "/api/v1/api-keys",
        json={"name": admin.user.username, "role": "admin", "unit_code": "37"},
        headers=province_admin.headers,
    )
    assert r.status_code == 201, r.text
    namesake = {"Authorization": f"Bearer {r.json()['secret']}"}
    assert (await anon.get(url, headers=namesake)).status_code == 404
    assert (await anon.get(url, headers=province_admin.headers)).status_code == 404
    assert (await client.get(url)).status_code == 200
    job = await session.scalar(select(ImportJob).where(ImportJob.id == done.json()["id"]))
    assert job is not None and (job.created_by_kind, job.created_by_id) == ("user", admin.user.id)


async def test_ledger_entries_record_their_owner_by_kind_and_id(
    client: httpx.AsyncClient, admin: Any, session: AsyncSession, thai_binh: dict[str, Any]
) -> None:
    """Records created by a principal (here ledger entries) are owned by its kind and id."""
    entry = await session.scalar(select(FundEntry).where(FundEntry.id == thai_binh["entry"]))
    assert entry is not None and (entry.created_by_kind, entry.created_by_id) == ("user", admin.user.id)
