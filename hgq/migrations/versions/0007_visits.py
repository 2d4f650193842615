"""visits

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28

定期联络: the ``visits`` table (a staff member's contact with an enterprise); on
``cases`` a nullable ``visit_id`` naming the visit a case was found during; on
``tags`` a nullable ``contact_interval_days`` (None: the CONTACT_INTERVAL_DAYS
default). The new columns are nullable, so existing rows need no default.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("visitor_id", sa.Integer(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "onsite",
                "phone",
                "video",
                "meeting",
                name="visit_method",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("people_met", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprises.id"], name=op.f("fk_visits_enterprise_id_enterprises")
        ),
        sa.ForeignKeyConstraint(
            ["visitor_id"], ["users.id"], name=op.f("fk_visits_visitor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visits")),
    )
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.create_index(
            "ix_visits_enterprise_visited_on", ["enterprise_id", "visited_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_visits_visited_on"), ["visited_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_visits_visitor_id"), ["visitor_id"], unique=False)

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("visit_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_cases_visit_id"), ["visit_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_cases_visit_id_visits"), "visits", ["visit_id"], ["id"]
        )

    with op.batch_alter_table("tags", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_interval_days", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("tags", schema=None) as batch_op:
        batch_op.drop_column("contact_interval_days")

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_cases_visit_id_visits"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_cases_visit_id"))
        batch_op.drop_column("visit_id")

    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visits_visitor_id"))
        batch_op.drop_index(batch_op.f("ix_visits_visited_on"))
        batch_op.drop_index("ix_visits_enterprise_visited_on")

    op.drop_table("visits")
