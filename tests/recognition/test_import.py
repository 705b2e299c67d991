"""Issue 16: the scored sheet template and its import — all rows or none, bad cells named by row and column,
a dry run — and the feed of what it wrote."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from api.recognition import service
from tests.journal.conftest import changes, cursor
from tests.recognition.conftest import API, INDICES, WARD, YEAR, Team

PARAMS = {"title": "cong_dan", "target_group": "nong_dan", "year": YEAR}
HEAD = "unit_code,village,name,external_id," + ",".join(INDICES)


def sheet(*rows: str) -> bytes:
    return ("\n".join([HEAD, *rows]) + "\n").encode()


def row(name: str, points: str = "8,8,8,8,8,8,8,8,8,8", unit: str = WARD) -> str:
    return f"{unit},Tổ 2,{name},,{points}"


async def upload(c: httpx.AsyncClient, data: bytes, **params: object) -> httpx.Response:
    return await c.post(f"{API}/imports", params=PARAMS | params, files={"file": ("phieu.csv", data, "text/csv")})


async def _newest_entry(c: httpx.AsyncClient) -> list[dict[str, Any]]:
    r = await c.get("/api/v1/audit", params={"entity": "recognition_registration", "order": "desc", "limit": 1})
    return list(r.json()["items"])


async def _count(c: httpx.AsyncClient) -> int:
    r = await c.get(f"{API}/figures", params={"unit": WARD, "year": YEAR})
    return int(r.json()["figures"]["citizens_registered"])


async def test_template_has_one_column_per_index(team: Team) -> None:
    r = await team.scorer.get(f"{API}/templates/cong_dan", params={"year": YEAR, "target_group": "nong_dan"})
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws is not None
    head = [c.value for c in next(ws.iter_rows(max_row=1))]
    assert [str(h).split(" ")[0] for h in head] == ["unit_code", "village", "name", "external_id", *INDICES]
    assert "tối đa 10" in str(head[4])
    csv = await team.scorer.get(f"{API}/templates/gia_dinh", params={"year": YEAR, "format": "csv"})
    assert csv.status_code == 200 and "1.1 (tối đa 10" in csv.text


async def test_bad_cells_are_named_and_nothing_is_written(team: Team) -> None:
    before = await _count(team.scorer)
    data = sheet(
        row("Hộ tốt"), row("Điểm quá", "11,8,8,8,8,8,8,8,8,8"), row("", unit="99999"), row("Chữ", "a,8,8,8,8,8,8,8,8,8")
    )
    r = await upload(team.scorer, data)
    assert r.status_code == 422
    errors = {(e["row"], e["column"].split(" ")[1]) for e in r.json()["errors"]}
    assert errors == {(3, "1.1"), (4, "unit_code"), (4, "name"), (5, "1.1")}
    assert r.json()["errors"][0]["column"].startswith("E ")
    assert await _count(team.scorer) == before
    r = await upload(team.scorer, b"unit_code,name\n" + WARD.encode() + b",A\n")
    assert r.status_code == 422 and {e["type"] for e in r.json()["errors"]} == {"missing_column"}


async def test_dry_run_then_import(team: Team) -> None:
    before = await _count(team.scorer)
    data = sheet(row("Nguyễn Văn Một"), row("Nguyễn Văn Hai", "4,8,8,8,8,9,9,9,9,8"), row("Lê Thị Ba"))
    dry = await upload(team.scorer, data, dry_run="true")
    assert dry.status_code == 200 and dry.json() | {"errors": []} == {
        "dry_run": True,
        "total_rows": 3,
        "created_rows": 0,
        "passed_rows": 2,
        "errors": [],
    }
    assert await _count(team.scorer) == before
    done = await upload(team.scorer, data)
    assert done.status_code == 200 and done.json()["created_rows"] == 3
    assert await _count(team.scorer) == before + 3
    items = (await team.scorer.get(f"{API}/registrations", params={"unit": WARD, "year": YEAR, "limit": 1000})).json()
    two = next(i for i in items["items"] if i["name"] == "Nguyễn Văn Hai")
    assert (two["status"], two["total"], two["passed"], two["scores"]["1.1"]) == ("scored", 80, False, 4)
    # The province verifies what the ward imported.
    assert (
        await team.province.post(f"{API}/registrations/{two['id']}/verify", json={"accept": True})
    ).status_code == 200


async def test_the_level_above_cannot_import_scores(team: Team) -> None:
    assert (await upload(team.province, sheet(row("A")))).status_code == 403


async def test_the_serializer_runs_once_per_import_and_the_feed_is_get(
    client: httpx.AsyncClient, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16's 100,000 citizens (bench `recognition-import`: 0.09 x COPY before): the feed data of a sheet's
    rows is made from one serialized row, not an ORM object and a model per row and per journal stream; each
    row's feed data is still what GET answers for it, key for key and in GET's order."""
    calls: list[int] = []
    real = service.registration_row

    def counted(r: Any, code: str) -> Any:
        calls.append(1)
        return real(r, code)

    monkeypatch.setattr(service, "registration_row", counted)
    since = await cursor(client)  # the feed, read as the national admin
    names = [f"Đếm Lượt {i}" for i in range(30)]
    points = ["8,8,8,8,8,8,8,8,8,8", "4,8,8,8,8,9,9,9,9,8", "10,10,10,10,10,10,10,10,10,10"]
    r = await upload(team.scorer, sheet(*(row(n, points[i % 3]) for i, n in enumerate(names))))
    assert r.status_code == 200 and r.json()["created_rows"] == 30
    assert len(calls) == 1  # 60 before on PostgreSQL (30 on SQLite)
    monkeypatch.setattr(service, "registration_row", real)
    fed = [c for c in await changes(client, since) if c["type"] == "recognition_registration"]
    assert sorted(c["data"]["name"] for c in fed) == sorted(names)
    for change in fed:
        shown = (await team.scorer.get(f"{API}/registrations/{change['id']}")).json()
        assert list(change["data"].items()) == list(shown.items())


async def test_short_rows_and_a_sheet_without_the_optional_columns(team: Team) -> None:
    """Each column's place is read once from the header: a row shorter than the header has its missing
    index cells named, and a sheet without the optional village and external id columns imports."""
    short = sheet(row("Thiếu hai ô", "8,8,8,8,8,8,8,8"))
    r = await upload(team.scorer, short)
    assert r.status_code == 422
    assert [(e["row"], e["column"].split(" ")[1], e["type"]) for e in r.json()["errors"]] == [
        (2, "3.2", "out_of_range"),
        (2, "3.3", "out_of_range"),
    ]
    before = await _count(team.scorer)
    bare = ("name,unit_code," + ",".join(INDICES) + "\n" + f"Chỉ tên,{WARD}," + ",".join(["9"] * 10) + "\n").encode()
    r = await upload(team.scorer, bare)
    assert r.status_code == 200 and (r.json()["created_rows"], r.json()["passed_rows"]) == (1, 1)
    assert await _count(team.scorer) == before + 1


async def test_rows_taken_in_before_a_late_bad_cell_are_not_kept(client: httpx.AsyncClient, team: Team) -> None:
    """On PostgreSQL the rows go in as they are checked (bench `recognition-import`): a bad cell after 40 good rows
    stops the writing and what was written is rolled back, with every later bad cell still named; nothing reaches
    the registrations, the feed or the trail, and the same transaction's next good import writes what it should."""
    before = await _count(team.scorer)
    since = await cursor(client)
    trail = await _newest_entry(client)
    good = [row(f"Trước lỗi {i}") for i in range(40)]
    bad = row("Sai", "8,8,8,8,8,8,8,8,8,x")
    r = await upload(team.scorer, sheet(*good, bad, row("Sau lỗi"), row("Sai nữa", "11,8,8,8,8,8,8,8,8,8")))
    assert r.status_code == 422
    assert [(e["row"], e["column"].split(" ")[1]) for e in r.json()["errors"]] == [(42, "3.3"), (44, "1.1")]
    assert await _count(team.scorer) == before
    assert [c for c in await changes(client, since) if c["type"] == "recognition_registration"] == []
    assert await _newest_entry(client) == trail
    r = await upload(team.scorer, sheet(*good[:5]))
    assert r.status_code == 200 and r.json()["created_rows"] == 5
    assert await _count(team.scorer) == before + 5
    assert len([c for c in await changes(client, since) if c["type"] == "recognition_registration"]) == 5
