"""Shapes of annual reports."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    create_model,
    model_validator,
)

from api.core.errors import ErrorItem, validation_items
from api.models import ReportStatus
from api.reports.fields import FIGURES

MAX_FIGURE = 10**15  # a quadrillion đồng: far above any real figure, far below BIGINT

_figure_fields: dict[str, Any] = {
    f.name: (int | None, Field(default=None, strict=True, ge=0, le=MAX_FIGURE, description=f.label)) for f in FIGURES
}

ReportFigures: type[BaseModel] = create_model(
    "ReportFigures",
    __config__=ConfigDict(extra="forbid"),
    __doc__="The figures of an annual report; each a non-negative integer, optional in a draft, required to submit.",
    **_figure_fields,
)


class ReportIn(ReportFigures):
    """The figures to store as the draft (fields left out are empty)."""

    _shape_errors: list[ErrorItem] = PrivateAttr(default_factory=list)

    @model_validator(mode="wrap")
    @classmethod
    def _keep_the_good_fields(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        """A field of the wrong type does not stop the others: they are kept so that the report's rules
        run on them too, and every error, of shape or of rule, is answered at once."""
        try:
            return handler(data)
        except ValidationError as exc:
            if not isinstance(data, dict):
                raise
            bad = {e["loc"][0] for e in exc.errors() if e["loc"]}
            try:
                model = handler({k: v for k, v in data.items() if k not in bad})
            except ValidationError:
                raise exc from None
            model._shape_errors = [
                item.model_copy(update={"loc": ["body", *item.loc]}) for item in validation_items(exc.errors())
            ]
            return model

    @property
    def shape_errors(self) -> list[ErrorItem]:
        return list(self._shape_errors)


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
    approval_reason: str | None = Field(default=None, description="The approver's note, if one was given.")
    reopen_reason: str | None = Field(
        default=None, description="Why it was last reopened (kept until it is approved again)."
    )
    updated_at: dt.datetime = Field(description="Last change.")
    version: int = Field(description="Changes with every change; the ETag is built from it.")


class ReportOut(ReportMeta, ReportFigures):
    """An annual report (báo cáo thống kê năm) with its workflow state."""

    model_config = ConfigDict(extra="ignore")


class ReportHistoryEntry(BaseModel):
    at: dt.datetime = Field(description="When.")
    actor_name: str = Field(description="Who (username or API key name).")
    action: str = Field(description="create, update, submit, approve, reopen.")
    reason: str | None = Field(default=None, description="The reason given to approve or reopen.")
    changes: dict[str, Any] = Field(description="Changed fields as {field: [old, new]}.")


Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class ApproveIn(BaseModel):
    """An optional note kept with the approval."""

    model_config = ConfigDict(extra="forbid")

    reason: Reason | None = Field(default=None, description="Why it is approved, or a note for the unit.")


class ReopenIn(BaseModel):
    """Why the report goes back to a draft: required, and shown to the unit."""

    model_config = ConfigDict(extra="forbid")

    reason: Reason = Field(description="Why it is reopened (what the unit should correct).")


class ImportResult(BaseModel):
    """What an import did (or, with dry_run, would do)."""

    year: int = Field(description="Year of the reports.")
    dry_run: bool = Field(description="true: checked only, nothing saved.")
    rows: int = Field(description="Data rows read.")
    created: int = Field(description="Draft reports created (or that would be).")
    updated: int = Field(description="Draft reports replaced (or that would be).")
