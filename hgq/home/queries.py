"""Reads behind the landing pages: workloads and coverage."""

from __future__ import annotations

import sqlalchemy as sa

from hgq.accounts.models import Role, User, UserRole
from hgq.enterprises.models import Assignment


def select_workload(role: Role) -> sa.Select[tuple[User, int]]:
    """Active users holding ``role`` with how many enterprises each currently covers
    in that capacity, fewest first (so idle officers and overloaded ones both stand out)."""
    column = Assignment.officer_id if role is Role.OFFICER else Assignment.leader_id
    covered = (
        sa.select(column.label("user_id"), sa.func.count().label("n"))
        .where(Assignment.end_date.is_(None))
        .group_by(column)
        .subquery()
    )
    n = sa.func.coalesce(covered.c.n, 0)
    return (
        sa.select(User, n)
        .join(UserRole, sa.and_(UserRole.user_id == User.id, UserRole.role == role))
        .outerjoin(covered, covered.c.user_id == User.id)
        .where(User.active.is_(True))
        .order_by(n, User.name)
    )
