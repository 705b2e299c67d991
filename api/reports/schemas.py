"""Shapes of annual reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from api.models import ReportStatus
from api.reports.fields import FIGURES

MAX_FIGURE = 10**15  # a quadrillion đồng: far above any real figure, far below BIGINT

_figure_fields: dict[str, Any] = {
    f.name: (int | None, Field(default=None, ge=0, le=MAX_FIGURE, description=f.label)) for f in FIGURES
}

ReportFigures: type[BaseModel] = create_model(
    "ReportFigures",
    __config__=ConfigDict(extra="forbid"),
    __doc__="The figures of an annual report; each a non-negative integer, optional in a draft, required to submit.",
    **_figure_fields,
)


class ReportIn(ReportFigures):
    """The figures to store as the draft (fields left out are empty)."""


class ReportMeta(BaseModel):
    unit_code: str = Field(description="Code of the unit the report is for.")
    unit_name: str = Field(description="Name of the unit.")
    unit_level: str = Field(description="Level of the unit.")
    year: int = Field(description="Year of the figures.")
    status: ReportStatus = Field(description="draft, submitted or approved.")
    submitted_at: dt.datetime | None = Field(description="When it was submitted.")
    submitted_by: str | None = Field(description="Who submitted it.")
    approved_at: dt.datetime | None = Field(description="When it was approved.")
    approved_by: str | None = Field(description="Who approved it.")
    updated_at: dt.datetime = Field(description="Last change.")
    version: int = Field(description="Changes with every change; the ETag is built from it.")


class ReportOut(ReportMeta, ReportFigures):
    """An annual report (báo cáo thống kê năm) with its workflow state."""

    model_config = ConfigDict(extra="ignore")


class ReportHistoryEntry(BaseModel):
    at: dt.datetime = Field(description="When.")
    actor_name: str = Field(description="Who (username or API key name).")
    action: str = Field(description="create, update, submit, approve, reopen.")
    changes: dict[str, Any] = Field(description="Changed fields as {field: [old, new]}.")


class ImportResult(BaseModel):
    """What an import did (or, with dry_run, would do)."""

    year: int = Field(description="Year of the reports.")
    dry_run: bool = Field(description="true: checked only, nothing saved.")
    rows: int = Field(description="Data rows read.")
    created: int = Field(description="Draft reports created (or that would be).")
    updated: int = Field(description="Draft reports replaced (or that would be).")
