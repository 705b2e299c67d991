"""Registries behind the figures: associations, commendations, inspections, partnerships, activities.

Every record belongs to a unit; ``unit_path`` copies that unit's path (paths never change) so the
scope filter needs no join on the largest tables. ``partner`` + ``external_id`` identify a record a
partner system sent (partner sync).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from api.db.base import Base, TimestampMixin, VersionMixin


class RegistryMixin(TimestampMixin, VersionMixin):
    """Unit, scope path and partner identity, shared by every registry record."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    unit_path: Mapped[str] = mapped_column(String(200))
    partner: Mapped[str | None] = mapped_column(String(64))
    external_id: Mapped[str | None] = mapped_column(String(100))

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:  # noqa: N805 - SQLAlchemy passes the class
        name = cls.__tablename__  # type: ignore[attr-defined]
        return (
            UniqueConstraint("partner", "external_id", name=f"uq_{name}_partner_external_id"),
            Index(f"ix_{name}_unit_path", "unit_path", postgresql_ops={"unit_path": "varchar_pattern_ops"}),
            Index(f"ix_{name}_unit_id", "unit_id"),
            *getattr(cls, "extra_table_args", ()),
        )


class Association(RegistryMixin, Base):
    """The association at a level (hội), a branch (chi hội) or a study-promotion board (ban khuyến học)."""

    __tablename__ = "associations"

    kind: Mapped[str] = mapped_column(String(16))  # association, branch, board
    name: Mapped[str] = mapped_column(String(300))
    host_kind: Mapped[str | None] = mapped_column(String(32))  # village, school, agency, enterprise, clan, …
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("associations.id", ondelete="RESTRICT"))
    founded_on: Mapped[dt.date | None] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)


class AssociationYear(Base):
    """An association's members and rating in a year (e.g. "Vững mạnh", "Khá": ratings are data)."""

    __tablename__ = "association_years"
    __table_args__ = (UniqueConstraint("association_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    association_id: Mapped[int] = mapped_column(ForeignKey("associations.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    members: Mapped[int | None] = mapped_column(Integer)
    rating: Mapped[str | None] = mapped_column(String(60))


class Commendation(RegistryMixin, Base):
    """An honour (thi đua khen thưởng) granted to a unit, an association or a person."""

    __tablename__ = "commendations"

    form: Mapped[str] = mapped_column(String(32))  # emulation_flag, medal, certificate_of_merit, …
    year: Mapped[int] = mapped_column(Integer, index=True)
    issuing_level: Mapped[str] = mapped_column(String(32))  # central, province, district, state
    issuing_body: Mapped[str] = mapped_column(String(300), default="")
    decision_number: Mapped[str] = mapped_column(String(100), default="")
    decision_date: Mapped[dt.date | None] = mapped_column(Date)
    recipient_kind: Mapped[str] = mapped_column(String(16))  # unit, association, person
    recipient_name: Mapped[str] = mapped_column(String(300))


class Inspection(RegistryMixin, Base):
    """An inspection (kiểm tra) of a unit or of a model family, clan or citizen, under a plan."""

    __tablename__ = "inspections"

    year: Mapped[int] = mapped_column(Integer, index=True)
    plan_number: Mapped[str] = mapped_column(String(100), default="")  # e.g. 19/KH-HKH
    plan_date: Mapped[dt.date | None] = mapped_column(Date)
    inspecting_body: Mapped[str] = mapped_column(String(300), default="")
    subject_kind: Mapped[str] = mapped_column(String(16))  # unit, family, clan, citizen, association
    subject_name: Mapped[str] = mapped_column(String(300))
    inspected_on: Mapped[dt.date | None] = mapped_column(Date)
    findings: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(String(100), default="")


class Partnership(RegistryMixin, Base):
    """A cooperation agreement (ký kết phối hợp) with party committees, departments, other associations."""

    __tablename__ = "partnerships"

    title: Mapped[str] = mapped_column(String(300))
    parties: Mapped[list[str]] = mapped_column(JSON, default=list)
    signed_on: Mapped[dt.date | None] = mapped_column(Date)
    year: Mapped[int] = mapped_column(Integer, index=True)
    scope: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(32), default="active")  # active, ended, planned
    documents: Mapped[list[str]] = mapped_column(JSON, default=list)  # links


class Activity(RegistryMixin, Base):
    """Communication campaigns, publications, research projects, trainings (the rest of the annual summary)."""

    __tablename__ = "activities"

    kind: Mapped[str] = mapped_column(String(32))  # communication, publication, research, training, other
    title: Mapped[str] = mapped_column(String(300))
    year: Mapped[int] = mapped_column(Integer, index=True)
    held_on: Mapped[dt.date | None] = mapped_column(Date)
    articles: Mapped[int | None] = mapped_column(Integer)
    participants: Mapped[int | None] = mapped_column(Integer)
    links: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
