"""A bulk creation's audit entries keep who, when, which record and which request, and take their values from the
feed version written with them (``{"$feed": seq}``), instead of a second copy of every record (issues 15 and 16:
the imports' journal cost). Read through the API, an entry is what it was: ``{field: [null, value]}``, a person's
data masked. On both databases (SQLite: ``write_created``; PostgreSQL: ``copy_created``, binary COPY)."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import AuditEntry, Award, Change
from tests.conftest import MakeAccount
from tests.recognition.conftest import API, CITIZEN, INDICES, OLD, WARD, _client
from tests.security.test_data_imports import HEADER, upload


async def test_imported_awards_are_audited_each_with_the_values_of_their_feed_version(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    rows = [
        f"12442,Trần Văn Nhập {i},pupil,THCS Kỳ Bá,hoc_bong_vuot_kho,2024,05/09/2024,{(i + 1) * 100_000},0,trail-{i}"
        for i in range(3)
    ]
    r = await upload(client, ("\n".join([HEADER, *rows]) + "\n").encode())
    assert r.status_code in (200, 201), r.text
    awards = (await session.scalars(select(Award).where(Award.external_id.like("trail-%")).order_by(Award.id))).all()
    assert len(awards) == 3
    for award in awards:
        change = await session.scalar(select(Change).where(Change.type == "award", Change.record_id == award.id))
        entry = await session.scalar(
            select(AuditEntry).where(AuditEntry.entity == "award", AuditEntry.entity_id == str(award.id))
        )
        assert change is not None and entry is not None
        assert entry.changes == {"$feed": change.seq}  # stored once, in the feed
        assert (entry.action, entry.unit_path) == ("import", award.unit_path)
        shown = (await client.get("/api/v1/audit", params={"entity": "award", "id": str(award.id)})).json()["items"]
        assert [e["action"] for e in shown] == ["import"]
        assert shown[0]["changes"] == {k: [None, v] for k, v in sorted((change.data or {}).items()) if v is not None}
        got = (await client.get(f"/api/v1/awards/{award.id}")).json()
        assert shown[0]["changes"]["recipient_name"] == [None, got["recipient_name"]]
        assert shown[0]["changes"]["amount_vnd"] == [None, got["amount_vnd"]]
    # The trail's CSV holds the same values, as the JSON of each entry's changes (the column was empty before).
    csv = await client.get("/api/v1/audit", params={"entity": "award", "id": str(awards[0].id), "format": "csv"})
    assert csv.status_code == 200 and '""recipient_name"": [null, ""Trần Văn Nhập 0""]' not in csv.text
    assert '""recipient_name"":[null,""Trần Văn Nhập 0""]' in csv.text, csv.text


async def test_imported_registrations_show_that_the_name_was_set_never_the_name(
    app: FastAPI, make_account: MakeAccount, client: httpx.AsyncClient
) -> None:
    scorer = _client(app, await make_account("editor", WARD, as_of=OLD))
    head = ",".join(["unit_code", "name", "village", *INDICES])
    body = "\n".join([head, *(",".join([WARD, f"Hộ Nhậptệp {i}", "Thôn 2", *["8"] * len(INDICES)]) for i in range(2))])
    params = {"title": CITIZEN["title"], "target_group": CITIZEN["target_group"], "year": CITIZEN["year"]}
    r = await scorer.post(
        f"{API}/imports", params=params, files={"file": ("c.csv", (body + "\n").encode(), "text/csv")}
    )
    assert r.status_code == 200 and r.json()["created_rows"] == 2, r.text
    listed = (await scorer.get(f"{API}/registrations", params={"village": "Thôn 2", "limit": 1000})).json()["items"]
    reg = next(x for x in listed if x["name"] == "Hộ Nhậptệp 0")
    entry = await client.get("/api/v1/audit", params={"entity": "recognition_registration", "id": str(reg["id"])})
    changes = entry.json()["items"][0]["changes"]
    assert changes["name"] == [None, "***"] and changes["village"] == [None, "***"]
    assert changes["total"] == [None, reg["total"]] and "Nhậptệp" not in entry.text
