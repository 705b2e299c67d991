"""Recognition of learning families, clans, communities, units and citizens (QĐ 387, QĐ 677, QĐ 448).

A registration (đăng ký) is one household, clan, village, agency or person registered for a title in a
year, in a unit (village or commune). Its score sheet (points per index of a criteria set version),
its verification by the level above and its recognition decision live on it; evidence files beside it.
Personal data is kept to the minimum: a name and the village, never an identity number.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.db.base import Base, UTCDateTime, utcnow
from api.models.registry import RegistryMixin


class CriteriaSet(Base):
    """A published version (2, 3, …) of a title's criteria set; version 1 is the shipped data file."""

    __tablename__ = "recognition_criteria_sets"
    __table_args__ = (UniqueConstraint("title", "target_group", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(16))
    target_group: Mapped[str] = mapped_column(String(16), default="")  # "" except for citizens
    version: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer)  # first year it applies to
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_by: Mapped[str] = mapped_column(String(200), default="")
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecognitionDecision(RegistryMixin, Base):
    """A recognition decision (quyết định công nhận) for a batch of registrations of one title and year."""

    __tablename__ = "recognition_decisions"

    title: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer, index=True)
    authority: Mapped[str] = mapped_column(String(300))  # e.g. UBND xã Vũ Thắng
    number: Mapped[str] = mapped_column(String(100))  # e.g. 15/QĐ-UBND
    decided_on: Mapped[dt.date] = mapped_column(Date)
    recognised: Mapped[int] = mapped_column(Integer, default=0)


class Registration(RegistryMixin, Base):
    """A registrant for a title in a year, with its score sheet, verification and recognition."""

    __tablename__ = "recognition_registrations"
    extra_table_args = (Index("ix_recognition_registrations_year_title_status", "year", "title", "status"),)

    title: Mapped[str] = mapped_column(String(16))  # gia_dinh, dong_ho, cong_dong, don_vi, cong_dan, cong_dong_xa
    target_group: Mapped[str | None] = mapped_column(String(16))  # citizens: nong_dan, cong_nhan, can_bo
    year: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    village: Mapped[str] = mapped_column(String(200), default="")
    # registered → scored → verified (or returned → scored again) → recognised
    status: Mapped[str] = mapped_column(String(16), default="registered")
    criteria_version: Mapped[int | None] = mapped_column(Integer)
    scores: Mapped[dict[str, int] | None] = mapped_column(JSON)
    total: Mapped[int | None] = mapped_column(Integer)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    rating: Mapped[str | None] = mapped_column(String(16))  # the rating rule's band (Thông tư 44), if any
    scored_by_kind: Mapped[str | None] = mapped_column(String(16))
    scored_by_id: Mapped[int | None] = mapped_column(Integer)
    scored_by_unit_path: Mapped[str | None] = mapped_column(String(200))
    scored_on: Mapped[dt.date | None] = mapped_column(Date)
    verified_by_kind: Mapped[str | None] = mapped_column(String(16))
    verified_by_id: Mapped[int | None] = mapped_column(Integer)
    verified_on: Mapped[dt.date | None] = mapped_column(Date)
    return_reason: Mapped[str | None] = mapped_column(Text)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("recognition_decisions.id", ondelete="RESTRICT"))
    erased: Mapped[bool] = mapped_column(Boolean, default=False)


class EvidenceFile(Base):
    """A photo or scanned sheet (minh chứng) attached to a registration's score, held by the file store."""

    __tablename__ = "recognition_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("recognition_registrations.id", ondelete="CASCADE"), index=True
    )
    index_code: Mapped[str] = mapped_column(String(16), default="")
    filename: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
