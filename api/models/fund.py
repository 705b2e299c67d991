"""Study-promotion funds (quỹ khuyến học) and their ledger; awards and scholarships."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from api.db.base import Base, UTCDateTime
from api.models.registry import RegistryMixin


class Fund(RegistryMixin, Base):
    """A fund of an association, a unit, a clan, a school or an enterprise.

    Money moves only through entries; ``balance_vnd`` is their sum, kept by a conditional UPDATE in
    the same transaction as each entry, so two disbursements at once can never overdraw it.
    """

    __tablename__ = "funds"
    extra_table_args = (CheckConstraint("balance_vnd >= 0", name="balance_not_negative"),)

    name: Mapped[str] = mapped_column(String(300))
    owner_kind: Mapped[str] = mapped_column(String(16))  # association, unit, clan, school, enterprise
    association_id: Mapped[int | None] = mapped_column(ForeignKey("associations.id", ondelete="RESTRICT"))
    balance_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)


class FundEntry(Base):
    """One movement of money; never changed or deleted (the database refuses)."""

    __tablename__ = "fund_entries"
    __table_args__ = (
        CheckConstraint("amount_vnd <> 0", name="amount_nonzero"),
        CheckConstraint(
            "kind IN ('contribution', 'disbursement', 'transfer_in', 'transfer_out', 'reversal')", name="kind"
        ),
        UniqueConstraint("partner", "external_id"),
        Index("ix_fund_entries_fund_id_year", "fund_id", "year"),
        # The commit-time check that a balance is the sum of its entries reads this index only (PostgreSQL).
        Index("ix_fund_entries_fund_id_amount", "fund_id", postgresql_include=["amount_vnd"]),
        Index("ix_fund_entries_unit_path", "unit_path", postgresql_ops={"unit_path": "varchar_pattern_ops"}),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="RESTRICT"))
    unit_path: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    amount_vnd: Mapped[int] = mapped_column(BigInteger)  # + into the fund, − out of it
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    year: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    counterpart_fund_id: Mapped[int | None] = mapped_column(ForeignKey("funds.id", ondelete="RESTRICT"))
    reverses_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("fund_entries.id", ondelete="RESTRICT"), unique=True
    )
    award_id: Mapped[int | None] = mapped_column(Integer, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))  # the name shown; the owner is kind and id
    created_by_kind: Mapped[str | None] = mapped_column(String(16))
    created_by_id: Mapped[int | None] = mapped_column(Integer)
    partner: Mapped[str | None] = mapped_column(String(64))
    external_id: Mapped[str | None] = mapped_column(String(100))


class AwardCategory(Base):
    """A kind of award or scholarship; admins add more (named scholarships, local prizes)."""

    __tablename__ = "award_categories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(300))


class Award(RegistryMixin, Base):
    """An award or scholarship (khen thưởng, học bổng) given to a person."""

    __tablename__ = "awards"

    year: Mapped[int] = mapped_column(Integer, index=True)
    awarded_on: Mapped[dt.date | None] = mapped_column(Date)
    recipient_name: Mapped[str] = mapped_column(String(200))
    recipient_kind: Mapped[str] = mapped_column(String(16))  # pupil, student, teacher, other
    school: Mapped[str] = mapped_column(String(300), default="")
    category_id: Mapped[int] = mapped_column(ForeignKey("award_categories.id", ondelete="RESTRICT"))
    amount_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    gift_value_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    fund_id: Mapped[int | None] = mapped_column(ForeignKey("funds.id", ondelete="RESTRICT"))
    import_job_id: Mapped[int | None] = mapped_column(Integer, index=True)


class ImportJob(Base):
    """A bulk import running in the background, with progress for the dashboard."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # awards
    status: Mapped[str] = mapped_column(String(16))  # pending, running, succeeded, failed
    dry_run: Mapped[bool] = mapped_column(default=False)
    filename: Mapped[str] = mapped_column(String(300), default="")
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    done_rows: Mapped[int] = mapped_column(Integer, default=0)
    created_rows: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    duplicates: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    # How many duplicates there were in all: the list above keeps only the first thousand.
    duplicate_rows: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    message: Mapped[str] = mapped_column(Text, default="")
    unit_path: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(200))  # the name shown; the owner is kind and id
    # Its owner (api/auth/scope.py::owns): names are chosen by whoever makes a key, ids are not.
    created_by_kind: Mapped[str | None] = mapped_column(String(16))
    created_by_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
