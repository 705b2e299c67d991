"""Shapes of targets."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from api.core.text import ADMIN_CODE_PATTERN, IsoDate


class TargetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: float = Field(
        ge=0,
        strict=True,  # JSON true/false or "0.7" is no target value (a number, whole or not)
        allow_inf_nan=False,
        description="Rates as a fraction (0.70 = 70 %); totals in their unit (đồng for *_vnd).",
    )
    unit_code: str | None = Field(
        default=None, pattern=ADMIN_CODE_PATTERN, description="A unit's own target; null = national."
    )
    unit_as_of: IsoDate | None = Field(default=None, description="Date unit_code is read on (default today).")
    variant: str = Field(
        default="", max_length=40, description='"" for the general target; e.g. "disadvantaged", "staff".'
    )
    source: str = Field(default="", max_length=300, description="Where it comes from (decision, plan).")


class TargetOut(BaseModel):
    """A target (chỉ tiêu phấn đấu) for an indicator in a year."""

    indicator: str = Field(description="Indicator name.")
    year: int = Field(description="Target year.")
    unit_code: str | None = Field(description="Unit whose own target it is; null = national.")
    unit_name: str | None = Field(description="Name of that unit.")
    variant: str = Field(description='"" general, or the variant name.')
    value: float = Field(description="Target value.")
    source: str = Field(description="Where it comes from.")
    version: int = Field(description="Changes with every update.")


class TargetsOut(BaseModel):
    """The targets of an indicator for a year: national and units' own."""

    indicator: str
    year: int
    items: list[TargetOut]
    next_cursor: str | None = None
