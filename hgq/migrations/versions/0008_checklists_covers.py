"""weekly checklists, covers, notification links

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28

每周清单: ``weekly_checklists`` (one per officer and ISO week, with its deadline and
outcome) and ``checklist_items``; 顶岗: ``covers`` (an officer standing in for a
colleague over a period); on ``notifications`` a nullable ``link`` for notifications
that are not about a case. New tables only and one nullable column, so existing rows
need no default.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "covers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("colleague_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_covers_end_not_before_start")),
        sa.CheckConstraint("officer_id <> colleague_id", name=op.f("ck_covers_not_self")),
        sa.ForeignKeyConstraint(
            ["colleague_id"], ["users.id"], name=op.f("fk_covers_colleague_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_covers_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["users.id"], name=op.f("fk_covers_officer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_covers")),
    )
    with op.batch_alter_table("covers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_covers_colleague_id"), ["colleague_id"], unique=False)
        batch_op.create_index(
            "ix_covers_officer_period", ["officer_id", "start_date", "end_date"], unique=False
        )

    op.create_table(
        "weekly_checklists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "submitted",
                name="checklist_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "on_time",
                "late",
                "missing",
                name="checklist_outcome",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("review_comment", sa.Text(), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["users.id"], name=op.f("fk_weekly_checklists_reviewed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_weekly_checklists_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weekly_checklists")),
        sa.UniqueConstraint("user_id", "week_start", name="uq_weekly_checklists_user_week"),
    )
    with op.batch_alter_table("weekly_checklists", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_weekly_checklists_outcome"), ["outcome"], unique=False)
        batch_op.create_index(batch_op.f("ix_weekly_checklists_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_weekly_checklists_week_start"), ["week_start"], unique=False
        )

    op.create_table(
        "checklist_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checklist_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "case",
                "contact",
                "carried",
                "own",
                name="checklist_item_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "origin",
            sa.Enum(
                "case",
                "contact",
                "carried",
                "own",
                name="checklist_item_origin",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("carried_from_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("progress", sa.Text(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["carried_from_id"],
            ["checklist_items.id"],
            name=op.f("fk_checklist_items_carried_from_id_checklist_items"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_checklist_items_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["checklist_id"],
            ["weekly_checklists.id"],
            name=op.f("fk_checklist_items_checklist_id_weekly_checklists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_checklist_items_enterprise_id_enterprises"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_items")),
    )
    with op.batch_alter_table("checklist_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_checklist_items_carried_from_id"), ["carried_from_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_checklist_items_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_checklist_items_checklist_id"), ["checklist_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_checklist_items_enterprise_id"), ["enterprise_id"], unique=False
        )

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("link", sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("link")

    with op.batch_alter_table("checklist_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checklist_items_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_checklist_items_checklist_id"))
        batch_op.drop_index(batch_op.f("ix_checklist_items_case_id"))
        batch_op.drop_index(batch_op.f("ix_checklist_items_carried_from_id"))

    op.drop_table("checklist_items")
    with op.batch_alter_table("weekly_checklists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_weekly_checklists_week_start"))
        batch_op.drop_index(batch_op.f("ix_weekly_checklists_user_id"))
        batch_op.drop_index(batch_op.f("ix_weekly_checklists_outcome"))

    op.drop_table("weekly_checklists")
    with op.batch_alter_table("covers", schema=None) as batch_op:
        batch_op.drop_index("ix_covers_officer_period")
        batch_op.drop_index(batch_op.f("ix_covers_colleague_id"))

    op.drop_table("covers")
