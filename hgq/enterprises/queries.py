"""Reads of enterprises, projects, tags and assignments."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import aliased, contains_eager, selectinload

from hgq.accounts.models import User
from hgq.enterprises.models import Assignment, Enterprise, Tag, enterprise_tags
from hgq.extensions import db


def with_coverage(stmt: sa.Select[tuple[Enterprise]]) -> sa.Select[tuple[Enterprise]]:
    """Eager-load each enterprise's current officer and leader (no query per row)."""
    return stmt.options(
        selectinload(Enterprise.current_assignment).selectinload(Assignment.officer),
        selectinload(Enterprise.current_assignment).selectinload(Assignment.leader),
    )


def filter_enterprises(
    stmt: sa.Select[tuple[Enterprise]],
    *,
    q: str = "",
    tag_id: int | None = None,
    covered: bool | None = None,
    active: bool | None = True,
) -> sa.Select[tuple[Enterprise]]:
    """Narrow an enterprise Select by search text (name, credit code, industry), tag,
    coverage (has a current assignment or not) and active flag; ordered by name."""
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(
            sa.or_(
                Enterprise.name.ilike(like),
                Enterprise.credit_code.ilike(like),
                Enterprise.industry.ilike(like),
            )
        )
    if tag_id is not None:
        stmt = stmt.where(
            sa.exists().where(
                enterprise_tags.c.enterprise_id == Enterprise.id, enterprise_tags.c.tag_id == tag_id
            )
        )
    if covered is not None:
        has_current = sa.exists().where(
            Assignment.enterprise_id == Enterprise.id, Assignment.end_date.is_(None)
        )
        stmt = stmt.where(has_current if covered else ~has_current)
    if active is not None:
        stmt = stmt.where(Enterprise.is_active.is_(active))
    return stmt.order_by(Enterprise.name, Enterprise.id)


def select_tags() -> sa.Select[tuple[Tag]]:
    return sa.select(Tag).order_by(Tag.id)


def select_assignment_history(enterprise_id: int) -> sa.Select[tuple[Assignment]]:
    """All assignments of an enterprise, current first, then newest to oldest."""
    return (
        sa.select(Assignment)
        .where(Assignment.enterprise_id == enterprise_id)
        .options(
            selectinload(Assignment.officer),
            selectinload(Assignment.leader),
            selectinload(Assignment.created_by),
        )
        .order_by(
            Assignment.end_date.is_not(None), Assignment.start_date.desc(), Assignment.id.desc()
        )
    )


def select_current_assignments_of(user_id: int) -> sa.Select[tuple[Assignment]]:
    """Current assignments in which ``user_id`` is the officer or the leader."""
    return (
        sa.select(Assignment)
        .where(
            Assignment.end_date.is_(None),
            sa.or_(Assignment.officer_id == user_id, Assignment.leader_id == user_id),
        )
        .options(
            selectinload(Assignment.enterprise),
            selectinload(Assignment.officer),
            selectinload(Assignment.leader),
        )
    )


def count_coverage() -> dict[str, int]:
    """Zone-wide 全员覆盖 figures: active enterprises, and how many are covered."""
    total = sa.select(sa.func.count()).select_from(Enterprise).where(Enterprise.is_active.is_(True))
    covered = total.where(
        sa.exists().where(Assignment.enterprise_id == Enterprise.id, Assignment.end_date.is_(None))
    )
    n_total = db.session.scalar(total) or 0
    n_covered = db.session.scalar(covered) or 0
    return {"total": n_total, "covered": n_covered, "uncovered": n_total - n_covered}


def select_current_assignments(
    *, q: str = "", officer_id: int | None = None, leader_id: int | None = None
) -> sa.Select[tuple[Assignment]]:
    """Current assignments, searchable by enterprise name or credit code and by the
    officer's or leader's name, filterable by officer and leader; by enterprise name."""
    officer = aliased(User)
    leader = aliased(User)
    stmt = (
        sa.select(Assignment)
        .join(Assignment.enterprise)
        .join(officer, Assignment.officer)
        .join(leader, Assignment.leader)
        .where(Assignment.end_date.is_(None))
        .options(
            contains_eager(Assignment.enterprise),
            contains_eager(Assignment.officer.of_type(officer)),
            contains_eager(Assignment.leader.of_type(leader)),
        )
    )
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(
            sa.or_(
                Enterprise.name.ilike(like),
                Enterprise.credit_code.ilike(like),
                officer.name.ilike(like),
                leader.name.ilike(like),
            )
        )
    if officer_id is not None:
        stmt = stmt.where(Assignment.officer_id == officer_id)
    if leader_id is not None:
        stmt = stmt.where(Assignment.leader_id == leader_id)
    return stmt.order_by(Enterprise.name, Assignment.id)


def select_tags_with_counts() -> sa.Select[tuple[Tag, int]]:
    """Every tag with the number of active enterprises carrying it (one grouped query)."""
    n = sa.func.count(Enterprise.id).label("enterprise_count")
    return (
        sa.select(Tag, n)
        .outerjoin(enterprise_tags, enterprise_tags.c.tag_id == Tag.id)
        .outerjoin(
            Enterprise,
            sa.and_(
                Enterprise.id == enterprise_tags.c.enterprise_id, Enterprise.is_active.is_(True)
            ),
        )
        .group_by(Tag.id, Tag.name)
        .order_by(Tag.id)
    )
