"""GET /api/v1/awards/export: the paginated list's CSV in one streamed file, byte for byte the same
rows (the database writes it on PostgreSQL), inside the caller's scope and filters."""

from __future__ import annotations

import httpx

from api.awards import export
from tests.registries.test_award_import import csv_file, upload

ROWS = [
    '12442,Nguyễn Thị An,pupil,"THCS Kỳ Bá, ""cơ sở 2""",hoc_bong_vuot_kho,2024,05/09/2024,"1.000.000",0',
    "12442,Trần Văn Bình,học sinh,,hoc_sinh_gioi_tinh,2024,2024-09-05,500000,200000",
    "12445,Lê Thị Chi,giáo viên,THPT Nguyễn Đức Cảnh,giao_vien_gioi,2024,,800000,",
    "12445,Hà Văn Dũng,student,ĐH Y,tan_sinh_vien,2023,,0,0",
]


async def listed(client: httpx.AsyncClient, **params: object) -> bytes:
    """Every page of the list as CSV, joined into one file (one header, one BOM)."""
    out, cursor = b"", None
    while True:
        r = await client.get("/api/v1/awards", params={**params, "format": "csv", "limit": 2, "cursor": cursor or ""})
        assert r.status_code == 200, r.text
        header, _, body = r.content.partition(b"\r\n")
        out = out or header + b"\r\n"
        out += body
        cursor = r.headers.get("x-next-cursor")
        if not cursor:
            return out


async def test_the_export_is_the_list_without_pages(client: httpx.AsyncClient) -> None:
    done = await upload(client, csv_file(ROWS), wait="true")
    assert done.status_code == 201, done.text
    r = await client.patch(
        f"/api/v1/awards/{(await client.get('/api/v1/awards', params={'year': 2024})).json()['items'][0]['id']}",
        json={"school": "Trường có\ndòng mới"},
    )
    assert r.status_code == 200, r.text
    for params in ({"year": 2024}, {"unit": "12445"}, {"year": 2024, "category": "hoc_bong_vuot_kho"}, {}):
        exported = await client.get("/api/v1/awards/export", params=params)
        assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
        assert exported.content == await listed(client, **params), params
    assert (await client.get("/api/v1/awards/export", params={"year": 2024})).content.count(b"\r\n") == 4


def test_line_ends_change_outside_quotes_only() -> None:
    text = b'a,"b\nc",d\ne,"f""\n'
    whole, _ = export._crlf(text, False)
    assert whole == b'a,"b\nc",d\r\ne,"f""\n'
    first, state = export._crlf(text[:4], False)
    rest, _ = export._crlf(text[4:], state)
    assert first + rest == whole
