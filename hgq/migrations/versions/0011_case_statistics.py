"""case statistics

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28

The statistics rollup (hgq.stats, DESIGN §5) that makes the dashboards fast:
``case_stats`` (counters of the cases per month, category, 首问 officer, leader and
department), ``case_stat_days`` and ``case_stat_zone_days`` (resolved cases by whole
days to resolve, for the median, per cell and for the zone) and
``case_stat_awaiting`` (open unanswered cases by response deadline),
stored in key order on SQLite (WITHOUT ROWID). New tables, empty here: after
upgrading a database that has cases, run ``flask --app app stats rebuild`` once
(``flask --app app demo`` does it by itself); from then on every case change keeps
them up to date.

``cases`` gains ``leader_id`` (the enterprise's 包保领导 at submission) and
``department_id`` (the first owner's department at submission), added in place
(plain indexed ids, no foreign keys, so no table rebuild on SQLite). Existing cases
are backfilled with set-based UPDATEs: the leader of the assignment in force on the
case's local submission date; the first owner's current department (departments
keep no history).

"""

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op
from flask import current_app, has_app_context

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


cases = sa.table(
    "cases",
    sa.column("id", sa.Integer),
    sa.column("enterprise_id", sa.Integer),
    sa.column("first_owner_id", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("leader_id", sa.Integer),
    sa.column("department_id", sa.Integer),
)
users = sa.table("users", sa.column("id", sa.Integer), sa.column("department_id", sa.Integer))
assignments = sa.table(
    "assignments",
    sa.column("enterprise_id", sa.Integer),
    sa.column("leader_id", sa.Integer),
    sa.column("start_date", sa.Date),
    sa.column("end_date", sa.Date),
)


def _local_date(dialect: str) -> sa.ColumnElement:
    """The local date of ``cases.created_at`` (stored in UTC)."""
    name = current_app.config.get("TIME_ZONE") if has_app_context() else None
    zone = ZoneInfo(name or "Asia/Shanghai")
    if dialect == "postgresql":
        return sa.cast(sa.func.timezone(zone.key, cases.c.created_at), sa.Date)
    # SQLite: the zone's present offset (Asia/Shanghai has no daylight saving time).
    offset = zone.utcoffset(datetime.now(zone))
    minutes = int(offset.total_seconds() // 60) if offset else 0
    return sa.func.date(cases.c.created_at, f"{minutes:+d} minutes")


def _backfill() -> None:
    bind = op.get_bind()
    department = (
        sa.select(users.c.department_id)
        .where(users.c.id == cases.c.first_owner_id)
        .scalar_subquery()
    )
    bind.execute(
        sa.update(cases).where(cases.c.first_owner_id.is_not(None)).values(department_id=department)
    )
    day = _local_date(bind.dialect.name)
    leader = (
        sa.select(assignments.c.leader_id)
        .where(
            assignments.c.enterprise_id == cases.c.enterprise_id,
            assignments.c.start_date <= day,
            sa.or_(assignments.c.end_date.is_(None), assignments.c.end_date > day),
        )
        .order_by(assignments.c.start_date.desc())
        .limit(1)
        .scalar_subquery()
    )
    bind.execute(sa.update(cases).values(leader_id=leader))


def upgrade():
    op.create_table(
        "case_stat_awaiting",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("category_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("officer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("leader_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("department_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("response_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "month",
            "category_id",
            "officer_id",
            "leader_id",
            "department_id",
            "response_due_at",
            name=op.f("pk_case_stat_awaiting"),
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "case_stat_days",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("category_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("officer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("leader_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("department_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("days", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "month",
            "category_id",
            "officer_id",
            "leader_id",
            "department_id",
            "days",
            name=op.f("pk_case_stat_days"),
        ),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("case_stat_days", schema=None) as batch_op:
        batch_op.create_index(
            "ix_case_stat_days_leader_month", ["leader_id", "month"], unique=False
        )
        batch_op.create_index(
            "ix_case_stat_days_officer_month", ["officer_id", "month"], unique=False
        )

    op.create_table(
        "case_stat_zone_days",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("category_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("days", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "month", "category_id", "days", name=op.f("pk_case_stat_zone_days")
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "case_stats",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("category_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("officer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("leader_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("department_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("status_submitted", sa.Integer(), nullable=False),
        sa.Column("status_accepted", sa.Integer(), nullable=False),
        sa.Column("status_in_progress", sa.Integer(), nullable=False),
        sa.Column("status_resolved", sa.Integer(), nullable=False),
        sa.Column("status_closed", sa.Integer(), nullable=False),
        sa.Column("status_rejected", sa.Integer(), nullable=False),
        sa.Column("status_withdrawn", sa.Integer(), nullable=False),
        sa.Column("level1", sa.Integer(), nullable=False),
        sa.Column("level2", sa.Integer(), nullable=False),
        sa.Column("level3", sa.Integer(), nullable=False),
        sa.Column("due_for_response", sa.Integer(), nullable=False),
        sa.Column("responded_on_time", sa.Integer(), nullable=False),
        sa.Column("escalated", sa.Integer(), nullable=False),
        sa.Column("resolved", sa.Integer(), nullable=False),
        sa.Column("rated", sa.Integer(), nullable=False),
        sa.Column("solved", sa.Integer(), nullable=False),
        sa.Column("satisfied", sa.Integer(), nullable=False),
        sa.Column("unsatisfied", sa.Integer(), nullable=False),
        sa.Column("reopened", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "month",
            "category_id",
            "officer_id",
            "leader_id",
            "department_id",
            name=op.f("pk_case_stats"),
        ),
        sqlite_with_rowid=False,
    )

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("leader_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("department_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_cases_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_leader_id"), ["leader_id"], unique=False)

    _backfill()


def downgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_leader_id"))
        batch_op.drop_index(batch_op.f("ix_cases_department_id"))
        batch_op.drop_column("department_id")
        batch_op.drop_column("leader_id")

    op.drop_table("case_stats")
    op.drop_table("case_stat_zone_days")
    with op.batch_alter_table("case_stat_days", schema=None) as batch_op:
        batch_op.drop_index("ix_case_stat_days_officer_month")
        batch_op.drop_index("ix_case_stat_days_leader_month")

    op.drop_table("case_stat_days")
    op.drop_table("case_stat_awaiting")
