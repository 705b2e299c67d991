"""Exports for statistics tools: SDMX-CSV 2.0 checked against its own published structure (rules of the
SDMX-CSV 2.0 field guide), the DHIS2 dataValueSets shape, and the CSV dialect of Vietnamese Excel."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import httpx

from api.public import exports

SDMX = "/api/v1/public/exports/sdmx?unit=34&year=2023&breakdown=children"
STRUCTURE = "/api/v1/public/exports/sdmx/structure"
ACTIONS = {"I", "A", "R", "M", "D"}  # SDMX-CSV 2.0: information, append, replace, merge, delete
STRUCTURE_TYPES = {"dataflow", "datastructure", "dataprovisionagreement"}
URN = re.compile(r"^urn:sdmx:org\.sdmx\.infomodel\.codelist\.Codelist=([^:]+):([^(]+)\(([^)]+)\)$")


def check_sdmx_csv(text: str, message: dict[str, Any]) -> list[dict[str, str]]:
    """Validate an SDMX-CSV 2.0 document against a DSD of an SDMX-JSON structure message; returns the rows."""
    dsd = message["data"]["dataStructures"][0]
    comps = dsd["dataStructureComponents"]
    dims = sorted(comps["dimensionList"]["dimensions"], key=lambda d: d["position"])
    time_dim = comps["dimensionList"]["timeDimension"]
    dim_ids = [d["id"] for d in dims] + [time_dim["id"]]
    assert [d["position"] for d in dims] + [time_dim["position"]] == list(range(len(dim_ids)))
    measures = [m["id"] for m in comps["measureList"]["measures"]]
    attributes = [a["id"] for a in comps["attributeList"]["attributes"]]
    codelists = {c["id"]: {code["id"] for code in c["codes"]} for c in message["data"]["codelists"]}

    def codes_of(component: dict[str, Any]) -> set[str] | None:
        if "enumeration" not in component:
            return None
        found = URN.match(component["enumeration"])
        assert found, component["enumeration"]
        return codelists[found.group(2)]

    enumerated = {c["id"]: codes_of(c) for c in [*dims, *comps["attributeList"]["attributes"]]}
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    # The first three columns, then every dimension in order, the measures, then attributes (field guide 2.0).
    assert header[:3] == ["STRUCTURE", "STRUCTURE_ID", "ACTION"]
    assert header[3 : 3 + len(dim_ids)] == dim_ids
    rest = header[3 + len(dim_ids) :]
    assert rest[: len(measures)] == measures and set(rest[len(measures) :]) <= set(attributes)
    structure_id = f"{dsd['agencyID']}:{dsd['id']}({dsd['version']})"
    rows, keys = [], set()
    for line in reader:
        assert len(line) == len(header), line
        row = dict(zip(header, line, strict=True))
        assert row["STRUCTURE"] in STRUCTURE_TYPES and row["STRUCTURE_ID"] == structure_id
        assert row["ACTION"] in ACTIONS
        for cid, allowed in enumerated.items():
            if allowed is not None and row.get(cid):
                assert row[cid] in allowed, f"{cid}={row[cid]} is not in its code list"
        assert re.fullmatch(r"\d{4}", row[time_dim["id"]]), "TIME_PERIOD must be a Gregorian year"
        for m in measures:
            float(row[m])  # numeric (dataType Double)
        key = tuple(row[d] for d in dim_ids)
        assert key not in keys, f"duplicate observation {key}"
        keys.add(key)
        rows.append(row)
    return rows


async def test_sdmx_csv_validates_against_its_structure(anon: httpx.AsyncClient) -> None:
    structure = await anon.get(STRUCTURE)
    assert structure.status_code == 200 and structure.headers["cache-control"].startswith("public")
    r = await anon.get(SDMX)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.sdmx.data+csv")
    rows = check_sdmx_csv(r.text, structure.json())
    found = {(x["REF_AREA"], x["INDICATOR"], x["MEASURE"]): x["OBS_VALUE"] for x in rows}
    assert found[("34", "MEMBERS", "VALUE")] == "662525"
    assert found[("34", "MEMBERSHIP_RATE", "NUMERATOR")] == "662525"
    assert round(float(found[("34", "MEMBERSHIP_RATE", "VALUE")]) * 100, 1) == 34.9
    assert len({x["REF_AREA"] for x in rows}) == 9  # the province and its 8 districts


def check_data_value_set(doc: dict[str, Any]) -> None:
    """The shape DHIS2's /api/dataValueSets import reads (JSON): dataValues of dataElement, period, orgUnit, value."""
    assert isinstance(doc.get("dataValues"), list) and doc["dataValues"]
    assert re.fullmatch(r"\d{4}", doc["period"]) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc["completeDate"])
    seen = set()
    for v in doc["dataValues"]:
        assert set(v) <= {
            "dataElement",
            "period",
            "orgUnit",
            "categoryOptionCombo",
            "attributeOptionCombo",
            "value",
            "comment",
            "followup",
            "storedBy",
            "created",
            "lastUpdated",
        }
        assert {"dataElement", "period", "orgUnit", "value"} <= set(v)
        assert all(isinstance(v[k], str) for k in ("dataElement", "period", "orgUnit", "value"))
        assert re.fullmatch(r"-?\d+", v["value"]), v  # integer figures
        assert re.fullmatch(r"[0-9A-Za-z]{11}", v["categoryOptionCombo"])  # a DHIS2 uid
        key = (v["dataElement"], v["period"], v["orgUnit"], v.get("categoryOptionCombo"))
        assert key not in seen
        seen.add(key)


async def test_dhis2_data_value_set(anon: httpx.AsyncClient) -> None:
    r = await anon.get("/api/v1/public/exports/dhis2?unit=34&year=2023")
    assert r.status_code == 200, r.text
    doc = r.json()
    check_data_value_set(doc)
    values = {v["dataElement"]: v["value"] for v in doc["dataValues"] if v["orgUnit"] == "34"}
    assert set(values) <= set(exports.data_elements())
    assert values["KH_MEMBERS"] == "662525" and values["KH_POPULATION"] == "1898352"  # numerator, denominator
    assert values["KH_AWARDS_COUNT"] == "224729" and values["KH_FUND_RAISED_VND"] == "163250000000"
    numerator, denominator = exports.DHIS2_INDICATORS["membership_rate"]
    assert (numerator, denominator) == ("#{KH_MEMBERS}", "#{KH_POPULATION}")


async def test_csv_for_vietnamese_excel(anon: httpx.AsyncClient) -> None:
    r = await anon.get("/api/v1/public/exports/excel-vi?unit=34&year=2023")
    assert r.status_code == 200, r.text
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Mã đơn vị", "Tên đơn vị", "Năm", "Chỉ tiêu"]
    by = {row[3]: row for row in rows[1:]}
    assert by["membership_rate"][5:9] == ["%", "34,9", "662525", "1898352"]
    assert by["members"][6] == "662525"


async def test_exports_of_unpublished_years_are_not_found(anon: httpx.AsyncClient) -> None:
    for path in ("sdmx", "dhis2", "excel-vi"):
        r = await anon.get(f"/api/v1/public/exports/{path}?unit=35&year=2023")
        assert r.status_code == 404, r.text
