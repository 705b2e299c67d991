"""The associations registry's declaration: fields, shapes and the Registry (its router is router.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from api import journal
from api.core.text import IsoDate
from api.models import Association, AssociationYear
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
    parent_id: int | None = Field(strict=True, default=None, description="The association it belongs to.")
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


# The association's years: declared beside it, so whoever loads the registry (the API, demo, sync) also
# registers their feed type.
class AssociationYearIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    members: int | None = Field(strict=True, default=None, ge=0, le=100_000_000, description="Members that year.")
    rating: str | None = Field(default=None, max_length=60, description='Rating that year, e.g. "Vững mạnh", "Khá".')


class AssociationYearOut(AssociationYearIn):
    association_id: int = Field(description="The association.")
    year: int = Field(description="Year.")


def year_out(row: AssociationYear) -> AssociationYearOut:
    return AssociationYearOut(association_id=row.association_id, year=row.year, members=row.members, rating=row.rating)


async def _years(session: AsyncSession, rows: Sequence[AssociationYear]) -> list[AssociationYearOut]:
    return [year_out(r) for r in rows]


# An association's year is a record of its own on the feed (type association_year, id: the row's id).
journal.register("association_year", _years)
