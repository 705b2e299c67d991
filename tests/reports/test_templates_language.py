"""Issue 19, items left: the import templates' drop-downs and hints, import messages in the dashboard's
language (Accept-Language), and asking for a unit's report of a year without a 404 (?exact=true)."""

from __future__ import annotations

import io
import re
from typing import Any

import httpx
from openpyxl import Workbook, load_workbook

from api.core import language
from tests.conftest import MakeAccount
from tests.reports.conftest import COMPLETE, OLD

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EN = {"Accept-Language": "en-GB,en;q=0.9,vi;q=0.5"}
VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I)


def validations(data: bytes) -> dict[str, Any]:
    """The first sheet's data validations by their first column letter; and the workbook."""
    wb = load_workbook(io.BytesIO(data))
    out = {
        str(dv.sqref).split(":")[0].rstrip("0123456789"): dv for dv in wb.worksheets[0].data_validations.dataValidation
    }
    return {"wb": wb, **out}


def xlsx(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_accept_language_picks_english_only_when_ranked_above_vietnamese() -> None:
    assert language.choose(None) == "vi"
    assert language.choose("") == "vi"
    assert language.choose("*") == "vi"
    assert language.choose("en") == "en"
    assert language.choose("en-US,en;q=0.9") == "en"
    assert language.choose("vi,en;q=0.8") == "vi"
    assert language.choose("en;q=0.3,vi;q=0.9") == "vi"
    assert language.choose("vi;q=0.2, en-GB;q=0.5") == "en"
    assert language.choose("en;q=abc") == "vi"
    assert language.choose("x" * 10_000) == "vi"


def test_known_messages_turn_english_and_unknown_ones_stay() -> None:
    assert language.english("Phải từ 0 đến 1.000.000.000.000 đồng") == "Must be from 0 to 1,000,000,000,000 đồng"
    assert language.english("Số hội viên: Phải là một số nguyên, không phải “ba”") == (
        "Số hội viên: Must be a whole number, not “ba”"
    )
    assert language.english(
        "Kiểm tra xong 3.000 dòng, không có lỗi (chưa ghi gì); 3.000 dòng trùng sẽ được bỏ qua."
    ) == ("Checked 3,000 rows, no errors (nothing saved); 3,000 duplicate rows will be skipped.")
    assert language.english("Một câu chưa có bản dịch") == "Một câu chưa có bản dịch"
    assert language.localize("Không được để trống", "vi") == "Không được để trống"


async def test_report_template_offers_the_callers_units_and_checks_figures(
    anon: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    district = await make_account("editor", "336", as_of=OLD)
    r = await anon.get("/api/v1/reports/template.xlsx", params={"year": 2024}, headers=district.headers)
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    got = validations(r.content)
    lists = got["wb"]["Danh mục"]
    codes = [row[0] for row in lists.iter_rows(min_row=2, values_only=True)]
    names = {row[0]: row[1] for row in lists.iter_rows(min_row=2, values_only=True)}
    assert codes[0] == "336" and "12433" in codes and "12427" not in codes  # its district and communes only
    assert "Lê Hồng Phong" in names["12433"] and "—" in names["12433"]  # the name and its parent's
    assert got["A"].type == "list" and got["A"].formula1 == f"'Danh mục'!$A$2:$A${len(codes) + 1}"
    assert str(got["A"].sqref).startswith("A3:") and got["A"].prompt
    assert got["B"].type == "whole" and (got["B"].formula1, got["B"].operator) == ("0", "between")
    assert "Dân số" in got["B"].prompt
    # Filled as a person would (text codes from the list), it imports.
    ws = got["wb"].worksheets[0]
    names_in_row1 = [c.value for c in ws[1]]
    ws.cell(row=3, column=1, value="12433")
    for col, name in enumerate(names_in_row1[1:], 2):
        ws.cell(row=3, column=col, value=COMPLETE[name])
    buf = io.BytesIO()
    got["wb"].save(buf)
    files = {"file": ("mau.xlsx", buf.getvalue(), XLSX)}
    done = await anon.post("/api/v1/reports/imports", params={"year": 2024}, files=files, headers=district.headers)
    assert done.status_code == 200, done.text
    assert done.json()["created"] == 1


async def test_a_national_template_has_no_unit_list_but_a_hint(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/reports/template.xlsx")
    got = validations(r.content)
    assert got["A"].type is None and "mã" in got["A"].prompt.lower()


async def test_award_template_lists_units_categories_kinds_and_years(
    anon: httpx.AsyncClient, make_account: MakeAccount, client: httpx.AsyncClient
) -> None:
    district = await make_account("editor", "33", scopes=["registries:read", "registries:write"])
    r = await anon.get("/api/v1/awards/imports/template.xlsx", headers=district.headers)
    assert r.status_code == 200, r.text
    got = validations(r.content)
    ws = got["wb"].worksheets[0]
    header = [c.value for c in ws[1]]
    assert header[:6] == ["Mã đơn vị", "Họ và tên", "Đối tượng", "Trường", "Loại khen thưởng", "Năm"]
    assert got["C"].formula1 == '"học sinh,sinh viên,giáo viên,khác"'
    categories = (await client.get("/api/v1/award-categories")).json()["items"]
    listed = [row[2] for row in got["wb"]["Danh mục"].iter_rows(min_row=2, values_only=True) if row[2]]
    assert sorted(listed) == sorted(c["name"] for c in categories)
    assert got["E"].formula1.startswith("'Danh mục'!$C$2")
    assert got["F"].type == "list" and got["F"].errorStyle == "warning"  # other years allowed, with a warning
    assert got["H"].type == "whole" and got["A"].type == "list"
    # Filled with the lists' values, the file imports (Vietnamese headers, a category by its name).
    unit = next(row[0] for row in got["wb"]["Danh mục"].iter_rows(min_row=2, values_only=True) if row[0] != "33")
    for col, value in enumerate(
        [unit, "Phạm Văn Dũng", "học sinh", "THCS A", listed[0], 2026, "05/09/2026", 100000], 1
    ):
        ws.cell(row=2, column=col, value=value)
    buf = io.BytesIO()
    got["wb"].save(buf)
    files = {"file": ("mau.xlsx", buf.getvalue(), XLSX)}
    done = await anon.post(
        "/api/v1/awards/imports", params={"wait": "true", "dry_run": "true"}, files=files, headers=district.headers
    )
    assert done.status_code == 201, done.text
    assert done.json()["total_rows"] == 1 and done.json()["status"] == "succeeded"


async def test_award_import_errors_in_english_when_asked(client: httpx.AsyncClient) -> None:
    header = "Mã đơn vị,Họ và tên,Đối tượng,Trường,Loại khen thưởng,Năm,Ngày trao,Số tiền (đồng)"
    body = (
        f"{header}\n12442,An,robot,THCS,không có loại này,1800,31/02/2024,-5\n,,,,,,,\n99999,Bình,học sinh,,x,2024,,\n"
    )
    files = {"file": ("a.csv", body.encode(), "text/csv")}
    vi = await client.post("/api/v1/awards/imports", params={"wait": "true"}, files=files)
    en = await client.post("/api/v1/awards/imports", params={"wait": "true"}, files=files, headers=EN)
    assert vi.status_code == en.status_code == 422
    vi_errors, en_errors = vi.json()["errors"], en.json()["errors"]
    assert [(e["type"], e["row"], e["column"]) for e in vi_errors] == [
        (e["type"], e["row"], e["column"]) for e in en_errors
    ]
    assert len(en_errors) >= 5
    for e in en_errors:  # English, every one (a category name quoted from the file aside)
        assert not VIETNAMESE_LETTERS.search(
            e["msg"]
            .replace("không có loại này", "")
            .replace("học sinh", "")
            .replace("sinh viên", "")
            .replace("giáo viên", "")
            .replace("khác", "")
            .replace("đồng", "")
        ), e
    assert all(VIETNAMESE_LETTERS.search(e["msg"]) for e in vi_errors)
    assert not VIETNAMESE_LETTERS.search(en.json()["detail"])
    # A job's message too, answered and read again in English; Vietnamese without the header.
    good = f"{header}\n12442,An,học sinh,THCS,hoc_bong_vuot_kho,2024,,5\n".encode()
    ok = await client.post(
        "/api/v1/awards/imports",
        params={"wait": "true", "dry_run": "true"},
        files={"file": ("g.csv", good)},
        headers=EN,
    )
    assert ok.status_code == 201 and ok.headers["content-language"] == "en", ok.text
    assert ok.json()["message"] == "Checked 1 row, no errors (nothing saved)."
    again = await client.get(ok.headers["location"], headers=EN)
    assert again.json()["message"] == ok.json()["message"]
    assert (await client.get(ok.headers["location"])).json()["message"].startswith("Kiểm tra xong 1 dòng")


async def test_report_import_errors_in_english_when_asked(client: httpx.AsyncClient) -> None:
    rows = [["unit_code", "population", "members"], ["12433", "ba", 5], ["abc", 1, 1], ["12433", 10, 99]]
    files = {"file": ("r.xlsx", xlsx(rows), XLSX)}
    en = await client.post("/api/v1/reports/imports", params={"year": 2024}, files=files, headers=EN)
    assert en.status_code == 422
    msgs = {e["type"]: e["msg"] for e in en.json()["errors"]}
    assert msgs["unit_code"] == "Not a valid unit code"
    assert msgs["int_parsing"].endswith("Must be a whole number, not “ba”")
    assert msgs["duplicate"] == "Code 12433 is already on row 2"
    assert en.json()["detail"].startswith("The file has 2 errors") or en.json()["detail"].startswith("The file has")


async def test_exact_report_lookup_answers_an_empty_list_instead_of_a_404(
    anon: httpx.AsyncClient, make_account: MakeAccount, client: httpx.AsyncClient
) -> None:
    commune = await make_account("editor", "12433", as_of=OLD)
    url = "/api/v1/reports?unit=12433&year=2024&exact=true"
    none = await anon.get(url, headers=commune.headers)
    assert none.status_code == 200 and none.json() == {"items": [], "next_cursor": None}
    put = await anon.put("/api/v1/reports/12433/2024", json=COMPLETE, headers=commune.headers)
    assert put.status_code == 201, put.text
    # The district's report of the same year is not the commune's: exact means that unit's own.
    district = (await anon.get("/api/v1/reports?unit=336&year=2024&exact=true", headers=commune.headers)).json()
    assert district["items"] == []
    one = (await anon.get(url, headers=commune.headers)).json()["items"]
    assert [(r["unit_code"], r["year"], r["members"]) for r in one] == [("12433", 2024, COMPLETE["members"])]
    assert one == [(await client.get("/api/v1/reports/12433/2024")).json()]
    # A code that names no unit that year, a unit outside the caller's scope: none either, no 404.
    assert (await anon.get("/api/v1/reports?unit=12433&year=2026&exact=true", headers=commune.headers)).json()[
        "items"
    ] == []
    other = await make_account("editor", "12436", as_of=OLD)
    assert (await anon.get(url, headers=other.headers)).json()["items"] == []
    bad = await anon.get("/api/v1/reports?unit=12433&exact=true", headers=commune.headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["query", "year"]
