"""The associations registry's declaration: fields, shapes and the Registry (its router is router.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.core.text import IsoDate
from api.models import Association
from api.registries.kit import RecordIn, RecordOut, Registry, partial
from api.registries.routing import ListFilters

Kind = Literal["association", "branch", "board"]
Host = Literal["village", "school", "agency", "enterprise", "clan", "religious", "armed_forces", "other"]


class AssociationFields(BaseModel):
    kind: Kind = Field(description="association (hội cấp tỉnh/huyện/xã), branch (chi hội) or board (ban khuyến học).")
    name: str = Field(min_length=1, max_length=300, description="Name, e.g. “Chi hội thôn Đông”.")
    host_kind: Host | None = Field(
        default=None,
        description="Where a branch or board sits: village, school, agency, enterprise, clan, religious, "
        "armed_forces, other.",
    )
    parent_id: int | None = Field(default=None, description="The association it belongs to.")
    founded_on: IsoDate | None = Field(default=None, description="Founding date.")
    closed_on: IsoDate | None = Field(default=None, description="Closing date (null: active).")


class AssociationIn(RecordIn, AssociationFields):
    """An association, branch or board to record."""


AssociationUpdate = partial(AssociationFields, "AssociationUpdate")


class AssociationOut(RecordOut, AssociationFields):
    """An association, branch (chi hội) or board (ban khuyến học)."""


class Filters(ListFilters):
    kind: Kind | None = Field(default=None, description="Only this kind.")
    host_kind: Host | None = Field(default=None, description="Only this host.")


REGISTRY = Registry(
    entity="association",
    label="tổ chức hội",
    model=Association,
    out=AssociationOut,
    fields=tuple(AssociationFields.model_fields),
    filters={"kind": "kind", "host_kind": "host_kind"},
    references={"parent_id": (Association, "tổ chức hội")},
)
