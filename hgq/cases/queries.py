"""Reads of cases: filtering a visible-cases Select, queues, categories."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from hgq.cases.models import Case, CaseEvent, CaseStatus, Category
from hgq.enterprises.models import Enterprise


def with_list_relations(stmt: sa.Select[tuple[Case]]) -> sa.Select[tuple[Case]]:
    """Eager-load what a case list shows (no query per row)."""
    return stmt.options(
        selectinload(Case.enterprise),
        selectinload(Case.handler),
        selectinload(Case.first_owner),
    )


def filter_cases(
    stmt: sa.Select[tuple[Case]],
    *,
    status: CaseStatus | None = None,
    level: int | None = None,
    category_id: int | None = None,
    enterprise_id: int | None = None,
    handler_id: int | None = None,
    q: str = "",
) -> sa.Select[tuple[Case]]:
    """Narrow a case Select; ``q`` searches the code, the title and the enterprise's
    name. Newest first."""
    if status is not None:
        stmt = stmt.where(Case.status == status)
    if level is not None:
        stmt = stmt.where(Case.level == level)
    if category_id is not None:
        stmt = stmt.where(Case.category_id == category_id)
    if enterprise_id is not None:
        stmt = stmt.where(Case.enterprise_id == enterprise_id)
    if handler_id is not None:
        stmt = stmt.where(Case.handler_id == handler_id)
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(
            sa.or_(
                Case.code.ilike(like),
                Case.title.ilike(like),
                Case.enterprise_id.in_(sa.select(Enterprise.id).where(Enterprise.name.ilike(like))),
            )
        )
    return stmt.order_by(Case.created_at.desc(), Case.id.desc())


def select_categories(active_only: bool = True) -> sa.Select[tuple[Category]]:
    stmt = sa.select(Category).order_by(Category.sort_order, Category.id)
    if active_only:
        stmt = stmt.where(Category.is_active.is_(True))
    return stmt


def get_category_by_code(code: str) -> sa.Select[tuple[Category]]:
    return sa.select(Category).where(Category.code == code)


def select_events(case_id: int, *, for_enterprise: bool) -> sa.Select[tuple[CaseEvent]]:
    """A case's timeline, oldest first; an enterprise sees only the events meant for it."""
    stmt = (
        sa.select(CaseEvent)
        .where(CaseEvent.case_id == case_id)
        .options(selectinload(CaseEvent.actor))
        .order_by(CaseEvent.id)
    )
    if for_enterprise:
        stmt = stmt.where(CaseEvent.visible_to_enterprise.is_(True))
    return stmt
