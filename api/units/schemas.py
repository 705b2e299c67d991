"""Shapes of administrative units in the API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

from api.core.text import UNIT_CODE_PATTERN
from api.models import UnitLevel

UnitCodePath = Annotated[
    str,
    Path(
        pattern=UNIT_CODE_PATTERN,
        description='Official code, zero-padded ("34", "336", "12460"); villages "12460-01".',
        examples=["34"],
    ),
]


class UnitRow(BaseModel):
    """An administrative unit as one row of the CSV list (its columns are the public CSV contract)."""

    code: str = Field(description="Official code, zero-padded; villages get the commune code plus a suffix.")
    name: str = Field(description='Full Vietnamese name, e.g. "Tỉnh Thái Bình".')
    level: UnitLevel = Field(description="province, district (until 2025-06-30), commune or village.")
    division_type: str = Field(description='Vietnamese kind of unit ("tỉnh", "huyện", "phường", "xã", …).')
    parent_code: str | None = Field(description="Code of the unit above, null for provinces.")
    valid_from: dt.date | None = Field(description="First day the unit exists (null: before records began).")
    valid_to: dt.date | None = Field(description="Last day the unit exists (null: still exists).")
    successor_codes: list[str] = Field(
        description="Units that took it over in a reorganisation (for districts and communes the province's, "
        "until a commune mapping is loaded)."
    )
    predecessor_codes: list[str] = Field(description="Units it was formed from in a reorganisation.")


class UnitOut(UnitRow):
    """An administrative unit (đơn vị hành chính) as valid on a date."""

    parent_names: list[str] = Field(
        description="Names of the units above, nearest first (commune, district, province): tells apart "
        "units of the same name."
    )


class VillageCreate(BaseModel):
    """A village or residential group (thôn, tổ dân phố) to add below a commune."""

    model_config = ConfigDict(extra="forbid")

    parent_code: str = Field(pattern=r"^\d{5}$", description="Code of the commune (valid today).")
    name: str = Field(min_length=1, max_length=200, description='Full name, e.g. "Thôn Đông".')
    division_type: str = Field(
        default="thôn", min_length=1, max_length=50, description="thôn, tổ dân phố, khu phố, ấp, bản, xóm, …"
    )
    code_suffix: str | None = Field(
        default=None,
        pattern=r"^[0-9A-Za-z]{1,12}$",
        description="Suffix of the code (commune code + '-' + suffix); default the next free number.",
    )
