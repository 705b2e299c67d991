"""Exports that statistics tools read, made from the public indicators (api/public/service.py):

- **SDMX-CSV 2.0** (``application/vnd.sdmx.data+csv; version=2.0.0``), against the data structure
  definition ``KHVN:DSD_KHUYEN_HOC(1.0.0)`` published at /api/v1/public/exports/sdmx/structure;
- **DHIS2 dataValueSets** JSON: the report figures as data elements (``KH_`` + the figure's name, upper case),
  so a rate's numerator and denominator are separate values; the rates are DHIS2 indicators over them
  (``DHIS2_INDICATORS``; docs/open-data.md). Import with ``dataElementIdScheme=CODE&orgUnitIdScheme=CODE``;
- **CSV for Vietnamese Excel**: ``;`` between fields, a decimal comma, Vietnamese headers, UTF-8 with a BOM
  (what Excel in Vietnamese opens as columns), beside the machine CSV of ``?format=csv``.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from api.core.representation import csv_cell
from api.reports.fields import LABELS
from api.stats.indicators import INDICATORS
from api.stats.schemas import IndicatorsOut, Rate

SDMX_MEDIA_TYPE = "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8"
AGENCY, DSD_ID, DSD_VERSION = "KHVN", "DSD_KHUYEN_HOC", "1.0.0"
STRUCTURE_ID = f"{AGENCY}:{DSD_ID}({DSD_VERSION})"
DIMENSIONS = ("REF_AREA", "INDICATOR", "MEASURE", "TIME_PERIOD")
ATTRIBUTES = ("UNIT_MEASURE", "OBS_STATUS", "COVERAGE_COMMUNES", "COVERAGE_EXPECTED")
MEASURES = {"VALUE": "Giá trị", "NUMERATOR": "Tử số", "DENOMINATOR": "Mẫu số"}
UNIT_MEASURES = {"PURE_NUMB": "Số lượng", "RATIO": "Tỷ lệ (0–1)", "VND": "Đồng Việt Nam"}
OBS_STATUSES = {"A": "Số liệu bình thường (báo cáo đã phê duyệt)"}


def _unit_measure(name: str, kind: str) -> str:
    if kind == "rate":
        return "RATIO"
    return "VND" if name.endswith("_vnd") else "PURE_NUMB"


def structure() -> dict[str, Any]:
    """The data structure definition and its code lists, as an SDMX-JSON structure message (2.0)."""

    def codelist(cid: str, name: str, codes: dict[str, str]) -> dict[str, Any]:
        return {
            "id": cid,
            "agencyID": AGENCY,
            "version": DSD_VERSION,
            "name": name,
            "codes": [{"id": k, "name": v} for k, v in codes.items()],
        }

    def urn(kind: str, cid: str) -> str:
        return f"urn:sdmx:org.sdmx.infomodel.codelist.{kind}={AGENCY}:{cid}({DSD_VERSION})"

    dims = [
        {"id": "REF_AREA", "position": 0, "name": "Đơn vị hành chính (mã GSO)", "format": {"dataType": "String"}},
        {"id": "INDICATOR", "position": 1, "name": "Chỉ tiêu", "enumeration": urn("Codelist", "CL_INDICATOR")},
        {"id": "MEASURE", "position": 2, "name": "Thành phần", "enumeration": urn("Codelist", "CL_MEASURE")},
    ]
    return {
        "meta": {"schema": "https://json.sdmx.org/2.0.0/sdmx-json-structure-schema.json", "contentLanguages": ["vi"]},
        "data": {
            "dataStructures": [
                {
                    "id": DSD_ID,
                    "agencyID": AGENCY,
                    "version": DSD_VERSION,
                    "name": "Số liệu khuyến học, khuyến tài, xây dựng xã hội học tập (báo cáo năm đã phê duyệt)",
                    "dataStructureComponents": {
                        "dimensionList": {
                            "dimensions": dims,
                            "timeDimension": {
                                "id": "TIME_PERIOD",
                                "position": 3,
                                "format": {"dataType": "GregorianYear"},
                            },
                        },
                        "attributeList": {
                            "attributes": [
                                {"id": "UNIT_MEASURE", "enumeration": urn("Codelist", "CL_UNIT_MEASURE")},
                                {"id": "OBS_STATUS", "enumeration": urn("Codelist", "CL_OBS_STATUS")},
                                {"id": "COVERAGE_COMMUNES", "format": {"dataType": "Integer"}},
                                {"id": "COVERAGE_EXPECTED", "format": {"dataType": "Integer"}},
                            ]
                        },
                        "measureList": {"measures": [{"id": "OBS_VALUE", "format": {"dataType": "Double"}}]},
                    },
                }
            ],
            "codelists": [
                codelist("CL_INDICATOR", "Chỉ tiêu", {i.name.upper(): i.label for i in INDICATORS}),
                codelist("CL_MEASURE", "Thành phần của chỉ tiêu", MEASURES),
                codelist("CL_UNIT_MEASURE", "Đơn vị tính", UNIT_MEASURES),
                codelist("CL_OBS_STATUS", "Trạng thái số liệu", OBS_STATUSES),
            ],
        },
    }


def _csv(rows: list[list[Any]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(rows)
    return buf.getvalue()


def _number(value: float | int) -> str:
    return str(value) if isinstance(value, int) else repr(float(value))


def sdmx_csv(result: IndicatorsOut) -> str:
    """SDMX-CSV 2.0: one observation per unit, indicator, component and year."""
    rows: list[list[Any]] = [["STRUCTURE", "STRUCTURE_ID", "ACTION", *DIMENSIONS, "OBS_VALUE", *ATTRIBUTES]]
    for r in result.items:
        parts: list[tuple[str, float | int | None]]
        if isinstance(r.value, Rate):
            parts = [("VALUE", r.value.value), ("NUMERATOR", r.value.numerator), ("DENOMINATOR", r.value.denominator)]
        else:
            parts = [("VALUE", r.value)]
        for measure, value in parts:
            if value is None:
                continue
            unit = _unit_measure(r.indicator, r.kind) if measure == "VALUE" else "PURE_NUMB"
            rows.append(
                [
                    "datastructure",
                    STRUCTURE_ID,
                    "I",
                    r.unit_code,
                    r.indicator.upper(),
                    measure,
                    str(r.year),
                    _number(value),
                    unit,
                    "A",
                    r.coverage.counted,
                    r.coverage.expected,
                ]
            )
    return _csv(rows)


def data_elements() -> dict[str, tuple[str, str]]:
    """The DHIS2 data elements (code → the report figure and its Vietnamese label)."""
    names: list[str] = []
    for ind in INDICATORS:
        for name in (ind.numerator, ind.denominator):
            if name and name not in names:
                names.append(name)
    return {f"KH_{n.upper()}": (n, LABELS.get(n, n)) for n in names}


# The rates as DHIS2 indicators: numerator and denominator expressions over the data elements.
DHIS2_INDICATORS = {
    ind.name: (f"#{{KH_{ind.numerator.upper()}}}", f"#{{KH_{(ind.denominator or '').upper()}}}")
    for ind in INDICATORS
    if ind.kind in ("rate", "per_capita")
}


def dhis2(result: IndicatorsOut) -> dict[str, Any]:
    """A dataValueSets document: every figure behind the indicators, per unit, for the year."""
    by_figure = {ind.name: ind for ind in INDICATORS}
    values: dict[tuple[str, str], int] = {}
    for r in result.items:
        ind = by_figure[r.indicator]
        if isinstance(r.value, Rate):
            values[(r.unit_code, ind.numerator)] = r.value.numerator
            values[(r.unit_code, ind.denominator or "")] = r.value.denominator
        elif isinstance(r.value, int) and ind.kind == "total":
            values[(r.unit_code, ind.numerator)] = r.value
    period = str(result.year)
    return {
        "dataSet": "KH_ANNUAL",
        "period": period,
        "completeDate": f"{result.year}-12-31",
        "dataValues": [
            {
                "dataElement": f"KH_{name.upper()}",
                "period": period,
                "orgUnit": unit,
                "categoryOptionCombo": "HllvX50cXC0",  # DHIS2's default category option combination
                "value": str(value),
                "comment": "Báo cáo năm đã phê duyệt (dữ liệu mở)",
            }
            for (unit, name), value in sorted(values.items())
        ],
    }


VI_HEADERS = (
    "Mã đơn vị",
    "Tên đơn vị",
    "Năm",
    "Chỉ tiêu",
    "Tên chỉ tiêu",
    "Đơn vị tính",
    "Giá trị",
    "Tử số",
    "Mẫu số",
    "Chỉ tiêu đề ra",
    "Đạt chỉ tiêu",
    "Thay đổi so với năm trước",
    "Số xã có số liệu",
    "Số xã",
)


def _vi(value: float | int | None, digits: int = 2) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}".rstrip("0").rstrip(".").replace(".", ",")


def excel_vi_csv(result: IndicatorsOut) -> bytes:
    """The indicators for Excel in Vietnamese: ``;``, decimal comma, rates in per cent, a UTF-8 BOM."""
    rows: list[list[Any]] = [list(VI_HEADERS)]
    for r in result.items:
        rate = isinstance(r.value, Rate)
        value = r.value.value if isinstance(r.value, Rate) else r.value
        unit = "%" if rate else ("đồng" if r.indicator.endswith("_vnd") else "")
        met = "" if r.meets_target is None else ("Đạt" if r.meets_target else "Chưa đạt")
        rows.append(
            [
                r.unit_code,
                csv_cell(r.unit_name),
                r.year,
                r.indicator,
                csv_cell(r.label),
                unit,
                _vi(value * 100 if rate and value is not None else value),
                _vi(r.value.numerator) if isinstance(r.value, Rate) else "",
                _vi(r.value.denominator) if isinstance(r.value, Rate) else "",
                _vi(r.target * 100 if rate and r.target is not None else r.target),
                met,
                _vi(r.change_vs_previous_year),
                r.coverage.counted,
                r.coverage.expected,
            ]
        )
    return b"\xef\xbb\xbf" + _csv(rows, delimiter=";").encode()
