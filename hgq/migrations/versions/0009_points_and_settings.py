"""points and settings

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28

积分考核: ``point_rules`` (points per kind of event, effective from a date),
``point_entries`` (append-only; one per scoring event, unique ``source_key``) and
``point_appeals``; ``settings`` (run-time settings as JSON, e.g. the composite score).
New tables only.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "point_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("monthly_cap", sa.Integer(), nullable=True),
        sa.Column("active_from", sa.Date(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_point_rules_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_point_rules")),
        sa.UniqueConstraint("code", "active_from", name="uq_point_rules_code_from"),
    )
    with op.batch_alter_table("point_rules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_point_rules_code"), ["code"], unique=False)

    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_settings_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "point_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("rule_code", sa.String(length=40), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column(
            "source_type",
            sa.Enum(
                "case",
                "visit",
                "checklist",
                "manual",
                name="point_source_type",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("source_key", sa.String(length=120), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            ["point_entries.id"],
            name=op.f("fk_point_entries_corrects_id_point_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_point_entries_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"], ["point_rules.id"], name=op.f("fk_point_entries_rule_id_point_rules")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_point_entries_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_point_entries")),
        sa.UniqueConstraint("source_key", name=op.f("uq_point_entries_source_key")),
    )
    with op.batch_alter_table("point_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_point_entries_corrects_id"), ["corrects_id"], unique=False
        )
        batch_op.create_index(
            "ix_point_entries_period_user", ["period", "user_id", "points"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_point_entries_user_id"), ["user_id"], unique=False)

    op.create_table(
        "point_appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "upheld",
                "reversed",
                name="appeal_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("correction_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["correction_id"],
            ["point_entries.id"],
            name=op.f("fk_point_appeals_correction_id_point_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_point_appeals_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["point_entries.id"], name=op.f("fk_point_appeals_entry_id_point_entries")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_point_appeals_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_point_appeals")),
    )
    with op.batch_alter_table("point_appeals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_point_appeals_entry_id"), ["entry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_point_appeals_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_point_appeals_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("point_appeals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_point_appeals_user_id"))
        batch_op.drop_index(batch_op.f("ix_point_appeals_status"))
        batch_op.drop_index(batch_op.f("ix_point_appeals_entry_id"))

    op.drop_table("point_appeals")
    with op.batch_alter_table("point_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_point_entries_user_id"))
        batch_op.drop_index("ix_point_entries_period_user")
        batch_op.drop_index(batch_op.f("ix_point_entries_corrects_id"))

    op.drop_table("point_entries")
    op.drop_table("settings")
    with op.batch_alter_table("point_rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_point_rules_code"))

    op.drop_table("point_rules")
