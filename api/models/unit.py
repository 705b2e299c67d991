"""Administrative units (đơn vị hành chính), versioned by date, with successor links."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.db.base import Base, TimestampMixin, VersionMixin


class UnitLevel(enum.StrEnum):
    province = "province"
    district = "district"
    commune = "commune"
    village = "village"


# Ordered from the top; a child is always one or more steps below its parent.
LEVEL_RANK = {UnitLevel.province: 0, UnitLevel.district: 1, UnitLevel.commune: 2, UnitLevel.village: 3}


class UnitSource(enum.StrEnum):
    pre_2025 = "vn-pre-2025"  # 63 provinces, districts, communes; valid until 2025-06-30
    from_2025 = "vn-2025"  # 34 provinces, communes; valid from 2025-07-01
    local = "local"  # villages and residential groups added here


class Unit(TimestampMixin, VersionMixin, Base):
    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("source", "code"),
        CheckConstraint("level IN ('province', 'district', 'commune', 'village')", name="level"),
        CheckConstraint("valid_to IS NULL OR valid_from IS NULL OR valid_from <= valid_to", name="validity"),
        Index("ix_units_code_valid", "code", "valid_from"),
        Index("ix_units_depth_code", "depth", "code"),
        Index("ix_units_path", "path", postgresql_ops={"path": "varchar_pattern_ops"}),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16), index=True)
    depth: Mapped[int] = mapped_column(Integer)  # 0 province … 3 village: lists show the larger units first
    division_type: Mapped[str] = mapped_column(String(50), default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    # Ids of the unit and its ancestors, "/12/345/6789/": a subtree is a prefix (scopes and roll-ups).
    path: Mapped[str] = mapped_column(String(200))
    # Lower-case name without diacritics ("tinh thai binh"), for ?q= search.
    search_name: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(20))


class UnitSuccession(Base):
    """An old unit's successor after a reorganisation (a province merged into another, a commune merged)."""

    __tablename__ = "unit_successions"
    __table_args__ = (UniqueConstraint("predecessor_id", "successor_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    predecessor_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    successor_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    effective: Mapped[dt.date] = mapped_column(Date)
