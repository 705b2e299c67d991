"""Registries: associations, funds and their append-only ledger, awards, import jobs, commendations,
inspections, partnerships, activities; award categories seeded.

Revision ID: d68f25879d18
Revises: e28529883289
Create Date: 2026-11-27 16:21:41.504898
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import api.db.base

revision: str = "d68f25879d18"
down_revision: str | None = "e28529883289"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "award_categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_categories")),
        sa.UniqueConstraint("code", name=op.f("uq_award_categories_code")),
    )
    op.create_table(
        "import_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("total_rows", sa.Integer(), nullable=False),
        sa.Column("done_rows", sa.Integer(), nullable=False),
        sa.Column("created_rows", sa.Integer(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("duplicates", sa.JSON(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("unit_path", sa.String(length=200), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", api.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", api.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", api.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_jobs")),
    )
    op.create_table(
        "activities",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("articles", sa.Integer(), nullable=True),
        sa.Column("participants", sa.Integer(), nullable=True),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("unit_path", sa.String(length=200), nullable=False),
        sa.Column("partner", sa.String(length=64), nullable=True),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column(
            "created_at",
            api.db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            api.db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_activities_unit_id_units"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
        sa.UniqueConstraint("partner", "external_id", name="uq_activities_partner_external_id"),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index("ix_activities_unit_id", ["unit_id"], unique=False)
        batch_op.create_index(
            "ix_activities_unit_path", ["unit_path"], unique=False, postgresql_ops={"unit_path": "varchar_pattern_ops"}
        )
        batch_op.create_index(batch_op.f("ix_activities_year"), ["year"], unique=False)

    op.create_table(
        "associations",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("host_kind", sa.String(length=32), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("founded_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("unit_path", sa.String(length=200), nullable=False),
        sa.Column("partner", sa.String(length=64), nullable=True),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column(
            "created_at",
            api.db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            api.db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["associations.id"], name=op.f("fk_associations_parent_id_associations"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_associations_unit_id_units"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_associations")),
        sa.UniqueConstraint("partner", "external_id", name="uq_associations_partner_external_id"),
    )
    with op.batch_alter_table("associations", schema=None) as batch_op:
        batch_op.create_index("ix_associations_unit_id", ["unit_id"], unique=False)
        batch_op.create_index(
            "ix_associations_unit_path",
            ["unit_path"],
            unique=False,
            postgresql_ops={"unit_path": "varchar_pattern_ops"},
        )

    op.create_table(
        "commendations",
        sa.Column("form", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("issuing_level", sa.String(length=32), nullable=False),
        sa.Column("issuing_body", sa.String(length=300), nullable=False),
        sa.Column("decision_number", sa.String(length=100), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("recipient_kind", sa.String(length=16), nullable=False),
        sa.Column("recipient_name", sa.String(length=300), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("unit_path", sa.String(length=200), nullable=False),
        sa.Column("partner", sa.String(length=64), nullable=True),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column(
            "created_at",
            api.db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            api.db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_commendations_unit_id_units"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commendations")),
        sa.UniqueConstraint("partner", "external_id", name="uq_commendations_partner_external_id"),
    )
    with op.batch_alter_table("commendations", schema=None) as batch_op:
        batch_op.create_index("ix_commendations_unit_id", ["unit_id"], unique=False)
        batch_op.create_index(
            "ix_commendations_unit_path",
            ["unit_path"],
            unique=False,
            postgresql_ops={"unit_path": "varchar_pattern_ops"},
        )
        batch_op.create_index(batch_op.f("ix_commendations_year"), ["year"], unique=False)

    op.create_table(
        "inspections",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("plan_number", sa.String(length=100), nullable=False),
        sa.Column("plan_date", sa.Date(), nullable=True),
        sa.Column("inspecting_body", sa.String(length=300), nullable=False),
        sa.Column("subject_kind", sa.String(length=16), nullable=False),
        sa.Column("subject_name", sa.String(length=300), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=True),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("result", sa.String(length=100), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("unit_path", sa.String(length=200), nullable=False),
        sa.Column("partner", sa.String(length=64), nullable=True),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column(
            "created_at",
            api.db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            api.db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_inspections_unit_id_units"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspections")),
        sa.UniqueConstraint("partner", "external_id", name="uq_inspections_partner_external_id"),
    )
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.create_index("ix_inspections_unit_id", ["unit_id"], unique=False)
        batch_op.create_index(
            "ix_inspections_unit_path", ["unit_path"], unique=False, postgresql_ops={"unit_path": "varchar_pattern_ops"}
        )
        batch_op.create_index(batch_op.f("ix_inspections_year"), ["year"], unique=False)

    op.create_table(
        "partnerships",
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("parties", sa.JSON(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("unit_path", sa.String(length=200), nullable=False),
        sa.Column("partner", sa.String(length=64), nullable=True),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column(
            "created_at",
            api.db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            api.db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_partnerships_unit_id_units"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnerships")),
        sa.UniqueConstraint("partner", "external_id", name="uq_partnerships_partner_external_id"),
    )
    with op.batch_alter_table("partnerships", schema=None) as batch_op:
        batch_op.create_index("ix_partnerships_unit_id", ["unit_id"], unique=False)
        batch_op.create_index(
            "ix_partnerships_unit_path",
            ["unit_path"],
            unique=False,
            postgresql_ops={"unit_path": "varchar_pattern_ops"},
        )
        batch_op.create_index(batch_op.f("ix_partnerships_year"), ["year"], unique=False)

    op.create_table(
        "association_years",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=True),
        sa.Column("rating", sa.String(length=60), nullable=True),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["associations.id"],
            name=op.f("fk_association_years_association_id_associations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_association_years")),
        sa.UniqueConstraint("association_id", "year", name=op.f("uq_association_years_association_id_year")),
    )
    op.create_table(
        "funds",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("owner_kind", sa.String(length=16), nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=True),
        sa.Column("balance_vnd", sa.BigInteger(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("unit_path", sa.String(length=200), nullable=False),
        sa.Column("partner", sa.String(length=64), nullable=True),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column(
            "created_at",
            api.db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            api.db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("balance_vnd >= 0", name=op.f("ck_funds_balance_not_negative")),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["associations.id"],
            name=op.f("fk_funds_association_id_associations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_funds_unit_id_units"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funds")),
        sa.UniqueConstraint("partner", "external_id", name="uq_funds_partner_external_id"),
    )
    with op.batch_alter_table("funds", schema=None) as batch_op:
        batch_op.create_index("ix_funds_unit_id", ["unit_id"], unique=False)
        batch_op.create_index(
            "ix_funds_unit_path", ["unit_path"], unique=False, postgresql_ops={"unit_path": "varchar_pattern_ops"}
        )

    op.create_table(
        "awards",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("awarded_on", sa.Date(), nullable=True),
        sa.Column("recipient_name", sa.String(length=200), nullable=False),
        sa.Column("recipient_kind", sa.String(length=16), nullable=False),
        sa.Column("school", sa.String(length=300), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("amount_vnd", sa.BigInteger(), nullable=False),
        sa.Column("gift_value_vnd", sa.BigInteger(), nullable=False),
        sa.Column("fund_id", sa.Integer(), nullable=True),
        sa.Column("import_job_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("unit_path", sa.String(length=200), nullable=False),
        sa.Column("partner", sa.String(length=64), nullable=True),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column(
            "created_at",
            api.db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            api.db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["award_categories.id"],
            name=op.f("fk_awards_category_id_award_categories"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(["fund_id"], ["funds.id"], name=op.f("fk_awards_fund_id_funds"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_awards_unit_id_units"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_awards")),
        sa.UniqueConstraint("partner", "external_id", name="uq_awards_partner_external_id"),
    )
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_awards_import_job_id"), ["import_job_id"], unique=False)
        batch_op.create_index("ix_awards_unit_id", ["unit_id"], unique=False)
        batch_op.create_index(
            "ix_awards_unit_path", ["unit_path"], unique=False, postgresql_ops={"unit_path": "varchar_pattern_ops"}
        )
        batch_op.create_index(batch_op.f("ix_awards_year"), ["year"], unique=False)

    op.create_table(
        "fund_entries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("fund_id", sa.Integer(), nullable=False),
        sa.Column("unit_path", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount_vnd", sa.BigInteger(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("counterpart_fund_id", sa.Integer(), nullable=True),
        sa.Column("reverses_entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("award_id", sa.Integer(), nullable=True),
        sa.Column("created_at", api.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("partner", sa.String(length=64), nullable=True),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.CheckConstraint(
            "kind IN ('contribution', 'disbursement', 'transfer_in', 'transfer_out', 'reversal')",
            name=op.f("ck_fund_entries_kind"),
        ),
        sa.CheckConstraint("amount_vnd <> 0", name=op.f("ck_fund_entries_amount_nonzero")),
        sa.ForeignKeyConstraint(
            ["counterpart_fund_id"],
            ["funds.id"],
            name=op.f("fk_fund_entries_counterpart_fund_id_funds"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["funds.id"], name=op.f("fk_fund_entries_fund_id_funds"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["reverses_entry_id"],
            ["fund_entries.id"],
            name=op.f("fk_fund_entries_reverses_entry_id_fund_entries"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_entries")),
        sa.UniqueConstraint("partner", "external_id", name=op.f("uq_fund_entries_partner_external_id")),
        sa.UniqueConstraint("reverses_entry_id", name=op.f("uq_fund_entries_reverses_entry_id")),
    )
    with op.batch_alter_table("fund_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fund_entries_award_id"), ["award_id"], unique=False)
        batch_op.create_index("ix_fund_entries_fund_id_year", ["fund_id", "year"], unique=False)
        batch_op.create_index(
            "ix_fund_entries_unit_path",
            ["unit_path"],
            unique=False,
            postgresql_ops={"unit_path": "varchar_pattern_ops"},
        )

    _append_only_ledger()
    _seed_award_categories()


def _append_only_ledger() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """CREATE FUNCTION fund_entries_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'fund_entries is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
            END
            $$ LANGUAGE plpgsql"""
        )
        op.execute(
            "CREATE TRIGGER fund_entries_no_update_delete BEFORE UPDATE OR DELETE ON fund_entries "
            "FOR EACH ROW EXECUTE FUNCTION fund_entries_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER fund_entries_no_{event.lower()} BEFORE {event} ON fund_entries "
                f"BEGIN SELECT RAISE(ABORT, 'fund_entries is append-only: {event} refused'); END"
            )


def _drop_append_only_ledger() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS fund_entries_no_update_delete ON fund_entries")
        op.execute("DROP FUNCTION IF EXISTS fund_entries_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS fund_entries_no_update")
        op.execute("DROP TRIGGER IF EXISTS fund_entries_no_delete")


# Typical categories (domain.md); admins add more through /award-categories.
AWARD_CATEGORIES = [
    ("hoc_bong_vuot_kho", "Học bổng học sinh nghèo vượt khó"),
    ("hoc_sinh_gioi_quoc_gia", "Thưởng học sinh giỏi quốc gia"),
    ("hoc_sinh_gioi_tinh", "Thưởng học sinh giỏi cấp tỉnh"),
    ("giao_vien_gioi", "Thưởng giáo viên dạy giỏi"),
    ("tan_sinh_vien", "Thưởng tân sinh viên, thủ khoa"),
    ("sinh_vien_xuat_sac", "Học bổng sinh viên học tập xuất sắc"),
    ("hoc_bong_mang_ten", "Học bổng mang tên (Tô Hiệu, …)"),
    ("khac", "Khen thưởng khác"),
]


def _seed_award_categories() -> None:
    table = sa.table("award_categories", sa.column("code", sa.String), sa.column("name", sa.String))
    op.bulk_insert(table, [{"code": c, "name": n} for c, n in AWARD_CATEGORIES])


def downgrade() -> None:
    _drop_append_only_ledger()
    with op.batch_alter_table("fund_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_fund_entries_unit_path", postgresql_ops={"unit_path": "varchar_pattern_ops"})
        batch_op.drop_index("ix_fund_entries_fund_id_year")
        batch_op.drop_index(batch_op.f("ix_fund_entries_award_id"))

    op.drop_table("fund_entries")
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_awards_year"))
        batch_op.drop_index("ix_awards_unit_path", postgresql_ops={"unit_path": "varchar_pattern_ops"})
        batch_op.drop_index("ix_awards_unit_id")
        batch_op.drop_index(batch_op.f("ix_awards_import_job_id"))

    op.drop_table("awards")
    with op.batch_alter_table("funds", schema=None) as batch_op:
        batch_op.drop_index("ix_funds_unit_path", postgresql_ops={"unit_path": "varchar_pattern_ops"})
        batch_op.drop_index("ix_funds_unit_id")

    op.drop_table("funds")
    op.drop_table("association_years")
    with op.batch_alter_table("partnerships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partnerships_year"))
        batch_op.drop_index("ix_partnerships_unit_path", postgresql_ops={"unit_path": "varchar_pattern_ops"})
        batch_op.drop_index("ix_partnerships_unit_id")

    op.drop_table("partnerships")
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspections_year"))
        batch_op.drop_index("ix_inspections_unit_path", postgresql_ops={"unit_path": "varchar_pattern_ops"})
        batch_op.drop_index("ix_inspections_unit_id")

    op.drop_table("inspections")
    with op.batch_alter_table("commendations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commendations_year"))
        batch_op.drop_index("ix_commendations_unit_path", postgresql_ops={"unit_path": "varchar_pattern_ops"})
        batch_op.drop_index("ix_commendations_unit_id")

    op.drop_table("commendations")
    with op.batch_alter_table("associations", schema=None) as batch_op:
        batch_op.drop_index("ix_associations_unit_path", postgresql_ops={"unit_path": "varchar_pattern_ops"})
        batch_op.drop_index("ix_associations_unit_id")

    op.drop_table("associations")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activities_year"))
        batch_op.drop_index("ix_activities_unit_path", postgresql_ops={"unit_path": "varchar_pattern_ops"})
        batch_op.drop_index("ix_activities_unit_id")

    op.drop_table("activities")
    op.drop_table("import_jobs")
    op.drop_table("award_categories")
