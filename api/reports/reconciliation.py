"""Reconciliation: a report's figures beside what the registries say, and pre-filling a draft from them."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field
from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.funds.summary import figures as fund_figures
from api.models import Association, AssociationYear, Award, Commendation, Inspection
from api.recognition.service import FIGURE_NAMES as RECOGNITION_FIGURES
from api.recognition.service import figures as recognition_figures
from api.reports.fields import LABELS

FORMS = {"emulation_flags": "emulation_flag", "medals": "medal", "certificates_of_merit": "certificate_of_merit"}
DERIVED = (
    "members",
    "branches",
    "boards",
    "fund_raised_vnd",
    "fund_balance_vnd",
    "awards_count",
    "awards_vnd",
    *FORMS,
    "inspections",
)
# Derived only where the unit keeps recognition records (api/recognition).
RECOGNITION = tuple(n for n in LABELS if n in set(RECOGNITION_FIGURES))


class ReconciliationItem(BaseModel):
    field: str = Field(description="Report field.")
    label: str = Field(description="Vietnamese label.")
    report: int | None = Field(description="The report's figure (null: no report or empty).")
    registry: int = Field(description="What the registries add up to.")
    difference: int | None = Field(description="report − registry.")
    agrees: bool = Field(description="Whether they are equal.")


class Reconciliation(BaseModel):
    """A report beside its registries."""

    unit_code: str
    year: int
    report_status: str | None = Field(description="The report's state, or null when there is none.")
    items: list[ReconciliationItem]
    next_cursor: str | None = None


async def registry_figures(session: AsyncSession, path: str, year: int) -> dict[str, int]:
    under = Association.unit_path.like(f"{path}%")
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    active = and_(
        or_(Association.founded_on.is_(None), Association.founded_on <= end),
        or_(Association.closed_on.is_(None), Association.closed_on >= start),
    )
    members = await session.scalar(
        select(func.coalesce(func.sum(AssociationYear.members), 0))
        .join(Association, Association.id == AssociationYear.association_id)
        .where(under, AssociationYear.year == year)
    )
    kinds = dict(
        (
            await session.execute(
                select(Association.kind, func.count()).where(under, active).group_by(Association.kind)
            )
        ).all()
    )
    awards = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(Award.amount_vnd + Award.gift_value_vnd), 0)).where(
                Award.unit_path.like(f"{path}%"), Award.year == year
            )
        )
    ).one()
    forms = dict(
        (
            await session.execute(
                select(Commendation.form, func.count())
                .where(Commendation.unit_path.like(f"{path}%"), Commendation.year == year)
                .group_by(Commendation.form)
            )
        ).all()
    )
    inspections = await session.scalar(
        select(func.count()).where(Inspection.unit_path.like(f"{path}%"), Inspection.year == year)
    )
    funds = await fund_figures(session, [path], year)
    # Registered and recognised counts, where the unit keeps recognition records (else it types them).
    recognition = await recognition_figures(session, [path], year) or {}
    return {
        "members": int(members or 0),
        "branches": int(kinds.get("branch", 0)),
        "boards": int(kinds.get("board", 0)),
        "fund_raised_vnd": funds["raised_vnd"],
        "fund_balance_vnd": funds["balance_vnd"],
        "awards_count": int(awards[0]),
        "awards_vnd": int(awards[1]),
        **{name: int(forms.get(form, 0)) for name, form in FORMS.items()},
        "inspections": int(inspections or 0),
        **recognition,
    }


def compare(report: dict[str, int | None], registry: dict[str, int]) -> list[ReconciliationItem]:
    items = []
    for name in (*DERIVED, *(n for n in RECOGNITION if n in registry)):
        value = report.get(name)
        items.append(
            ReconciliationItem(
                field=name,
                label=LABELS[name],
                report=value,
                registry=registry[name],
                difference=None if value is None else value - registry[name],
                agrees=value == registry[name],
            )
        )
    return items
