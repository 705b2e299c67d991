"""Shapes of statistics."""

from __future__ import annotations

import enum

from pydantic import BaseModel, Field

from api.stats.indicators import INDICATORS

IndicatorName = enum.StrEnum("IndicatorName", {i.name: i.name for i in INDICATORS})  # type: ignore[misc]


class Rate(BaseModel):
    """A rate: numerator over denominator, summed over places (never an average of percentages)."""

    numerator: int = Field(description="Sum of the numerators.")
    denominator: int = Field(description="Sum of the denominators.")
    value: float | None = Field(description="numerator / denominator; null when the denominator is 0.")


class Coverage(BaseModel):
    """How much of the place the figures cover, in communes."""

    counted: int = Field(
        description="Communes whose figures are included (a province report covers all of its communes)."
    )
    expected: int = Field(description="Communes that existed in the place on 31 December of the year.")
    reports: int = Field(description="Reports summed.")


class IndicatorRow(BaseModel):
    unit_code: str = Field(description='Code of the place ("VN" for the whole country).')
    unit_name: str = Field(description="Name of the place.")
    year: int = Field(description="Year.")
    indicator: str = Field(description="Indicator name.")
    label: str = Field(description="Vietnamese label.")
    kind: str = Field(description="rate, total or per_capita.")
    value: Rate | int | None = Field(description="A rate object, or an integer (đồng for *_vnd).")
    target: float | None = Field(description="The target in force (rates as a fraction), or null.")
    meets_target: bool | None = Field(description="value ≥ target; null without a target or a value.")
    gap: float | None = Field(description="value − target (percentage points for rates).")
    change_vs_previous_year: float | None = Field(
        description="Change against the previous year (percentage points for rates), or null."
    )
    coverage: Coverage = Field(description="Communes covered by the figures.")
    computed_from: list[str] = Field(description="Codes of the units the figures were summed from.")


class IndicatorsOut(BaseModel):
    """Indicators of a place, or of each of its children."""

    unit_code: str = Field(description='Code of the place ("VN": the whole country).')
    unit_name: str = Field(description="Name of the place.")
    year: int = Field(description="Year.")
    status: str = Field(description="approved (approved reports only) or all (drafts you may see too).")
    computed_from: list[str] = Field(
        description="Units the place's figures come from: itself, or for a year before it existed, its predecessors."
    )
    items: list[IndicatorRow] = Field(description="One row per unit and indicator.")
    next_cursor: str | None = Field(default=None, description="Always null: statistics come whole.")


class IndicatorCsvRow(BaseModel):
    """One indicator row, flat, for CSV."""

    unit_code: str
    unit_name: str
    year: int
    indicator: str
    label: str
    kind: str
    value: float | int | None
    numerator: int | None
    denominator: int | None
    target: float | None
    meets_target: bool | None
    gap: float | None
    change_vs_previous_year: float | None
    coverage_counted: int
    coverage_expected: int
    coverage_reports: int


class SeriesPoint(BaseModel):
    year: int = Field(description="Year.")
    value: Rate | int | None = Field(description="The indicator's value that year.")
    coverage: Coverage = Field(description="Communes covered.")
    computed_from: list[str] = Field(description="Units summed.")


class SeriesOut(BaseModel):
    """One indicator of one place over years."""

    unit_code: str
    unit_name: str
    indicator: str
    label: str
    kind: str
    items: list[SeriesPoint]
    next_cursor: str | None = None


class SeriesCsvRow(BaseModel):
    unit_code: str
    indicator: str
    year: int
    value: float | int | None
    numerator: int | None
    denominator: int | None
    coverage_counted: int
    coverage_expected: int


class Highlight(BaseModel):
    key: str = Field(description="Indicator name.")
    label: str = Field(description="Vietnamese label.")
    kind: str = Field(description="rate, total or per_capita.")
    value: Rate | int | None = Field(description="This year's value.")
    previous: Rate | int | None = Field(description="Last year's value.")
    change_vs_previous_year: float | None = Field(description="Change (percentage points for rates).")
    target: float | None = Field(description="Target in force, if any.")
    meets_target: bool | None = Field(description="Whether it is met.")


class HighlightsOut(BaseModel):
    """The year's headline figures (as in the provincial association's annual summary)."""

    unit_code: str
    unit_name: str
    year: int
    computed_from: list[str]
    coverage: Coverage
    items: list[Highlight]
    next_cursor: str | None = None


class HighlightCsvRow(BaseModel):
    key: str
    label: str
    kind: str
    value: float | int | None
    numerator: int | None
    denominator: int | None
    previous: float | int | None
    change_vs_previous_year: float | None
    target: float | None
    meets_target: bool | None
