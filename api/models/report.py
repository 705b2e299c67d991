"""Annual reports (báo cáo thống kê năm): the official figures of a unit for a year."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.db.base import Base, TimestampMixin, UTCDateTime, VersionMixin


class ReportStatus(enum.StrEnum):
    draft = "draft"
    submitted = "submitted"
    approved = "approved"


class Figures:
    """The 30 figures of a report (api/reports/fields.py), integers (đồng for *_vnd); null when not given.
    Reports hold them, and the roll-ups hold their sums."""

    population: Mapped[int | None] = mapped_column(BigInteger)
    households: Mapped[int | None] = mapped_column(BigInteger)
    members: Mapped[int | None] = mapped_column(BigInteger)
    branches: Mapped[int | None] = mapped_column(BigInteger)
    boards: Mapped[int | None] = mapped_column(BigInteger)
    learning_citizens: Mapped[int | None] = mapped_column(BigInteger)
    citizens_assessed: Mapped[int | None] = mapped_column(BigInteger)
    citizens_registered: Mapped[int | None] = mapped_column(BigInteger)
    learning_families: Mapped[int | None] = mapped_column(BigInteger)
    families_assessed: Mapped[int | None] = mapped_column(BigInteger)
    families_registered: Mapped[int | None] = mapped_column(BigInteger)
    learning_clans: Mapped[int | None] = mapped_column(BigInteger)
    clans: Mapped[int | None] = mapped_column(BigInteger)
    clans_registered: Mapped[int | None] = mapped_column(BigInteger)
    learning_communities: Mapped[int | None] = mapped_column(BigInteger)
    communities: Mapped[int | None] = mapped_column(BigInteger)
    communities_registered: Mapped[int | None] = mapped_column(BigInteger)
    learning_units: Mapped[int | None] = mapped_column(BigInteger)
    units_assessed: Mapped[int | None] = mapped_column(BigInteger)
    units_registered: Mapped[int | None] = mapped_column(BigInteger)
    communes_rated_learning_community: Mapped[int | None] = mapped_column(BigInteger)
    communes: Mapped[int | None] = mapped_column(BigInteger)
    fund_raised_vnd: Mapped[int | None] = mapped_column(BigInteger)
    fund_balance_vnd: Mapped[int | None] = mapped_column(BigInteger)
    awards_count: Mapped[int | None] = mapped_column(BigInteger)
    awards_vnd: Mapped[int | None] = mapped_column(BigInteger)
    emulation_flags: Mapped[int | None] = mapped_column(BigInteger)
    medals: Mapped[int | None] = mapped_column(BigInteger)
    certificates_of_merit: Mapped[int | None] = mapped_column(BigInteger)
    inspections: Mapped[int | None] = mapped_column(BigInteger)


class Report(Figures, TimestampMixin, VersionMixin, Base):
    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("unit_id", "year"),
        UniqueConstraint("partner", "external_id"),
        CheckConstraint("status IN ('draft', 'submitted', 'approved')", name="status"),
        CheckConstraint("year BETWEEN 1990 AND 2100", name="year"),
        Index("ix_reports_year_status", "year", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=ReportStatus.draft.value)

    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    submitted_by: Mapped[str | None] = mapped_column(String(200))
    # "user:12" or "api_key:3": names are shown, but two keys may share one; identity decides who may approve.
    submitted_by_key: Mapped[str | None] = mapped_column(String(80))
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approval_reason: Mapped[str | None] = mapped_column(String(500))
    reopen_reason: Mapped[str | None] = mapped_column(String(500))
    partner: Mapped[str | None] = mapped_column(String(64))
    external_id: Mapped[str | None] = mapped_column(String(100))


class Target(TimestampMixin, VersionMixin, Base):
    """A target for an indicator in a year: national (unit null) or a unit's own, which overrides it."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("indicator", "year", "unit_id", "variant"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator: Mapped[str] = mapped_column(String(60))
    year: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    # "" for the general target; e.g. "disadvantaged" for areas with a lower target.
    variant: Mapped[str] = mapped_column(String(40), default="")
    # Rates as a fraction (0.70 = 70 %), totals in their own unit (đồng for *_vnd).
    value: Mapped[float] = mapped_column()
    source: Mapped[str] = mapped_column(String(300), default="")


class ReportRollup(Figures, Base):
    """The approved reports of a unit's subtree summed for a year, "deepest wins" (api/stats/rollup.py),
    kept so that statistics read a few rows instead of every report.

    Maintained on write by PostgreSQL: a trigger on ``reports`` marks the rows of every ancestor of a
    changed report ``dirty`` and moves their ``gen``; the next statistics request sums the dirty rows
    again and stores them only if their ``gen`` did not move meanwhile. SQLite sums on every request.
    """

    __tablename__ = "report_rollups"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(String(200), primary_key=True)
    gen: Mapped[int] = mapped_column(BigInteger, default=0)
    dirty: Mapped[bool] = mapped_column(default=False)
    reports: Mapped[int] = mapped_column(Integer, default=0)
    commune_reports: Mapped[int] = mapped_column(Integer, default=0)
    village_communes: Mapped[int] = mapped_column(Integer, default=0)
    high: Mapped[str | None] = mapped_column(Text)  # paths of the district and province reports counted


class Publication(Base):
    """A unit's year made public (open data): its approved figures, and those of the units under it down to
    the communes, are answered by /api/v1/public without an account. Deleting the row unpublishes."""

    __tablename__ = "publications"
    __table_args__ = (UniqueConstraint("unit_id", "year", name="uq_publications_unit_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    unit_path: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer, index=True)
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    published_by: Mapped[str] = mapped_column(String(200))
