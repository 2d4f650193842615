"""Reads of cases: filtering a visible-cases Select, queues, categories."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from hgq.access import select_visible_cases
from hgq.accounts.models import Role, User
from hgq.cases.models import (
    OPEN_STATUSES,
    Attachment,
    Case,
    CaseEvent,
    CaseStatus,
    Category,
)
from hgq.cases.workflow import TOP_LEVEL
from hgq.db import utcnow
from hgq.deadlines.models import CaseDeadline
from hgq.deadlines.services import light_clause
from hgq.enterprises.models import Assignment, Enterprise

# What a to-do list shows: cases someone still has to act on, or awaiting a rating.
WAITING_STATUSES = OPEN_STATUSES | {CaseStatus.RESOLVED}


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


def filter_todo(
    stmt: sa.Select[tuple[Case]],
    user_id: int,
    *,
    leaders_queue: bool = False,
    committee_queue: bool = False,
) -> sa.Select[tuple[Case]]:
    """Narrow to the cases waiting on a user: those he handles, plus the leaders' queue
    (no handler, below level 3) and/or the committee's queue (no handler, level 3);
    only open or resolved cases."""
    waiting = [Case.handler_id == user_id]
    if leaders_queue:
        waiting.append(sa.and_(Case.handler_id.is_(None), Case.level < TOP_LEVEL))
    if committee_queue:
        waiting.append(sa.and_(Case.handler_id.is_(None), Case.level == TOP_LEVEL))
    return stmt.where(sa.or_(*waiting), Case.status.in_(WAITING_STATUSES))


def select_todo_for(user: User) -> sa.Select[tuple[Case]]:
    """The cases waiting on ``user`` among those he may see: his own, plus the leaders'
    queue for a leader and the committee's queue for the committee."""
    return filter_todo(
        select_visible_cases(user),
        user.id,
        leaders_queue=user.has_role(Role.LEADER),
        committee_queue=user.has_role(Role.COMMITTEE),
    )


def filter_first_owned(stmt: sa.Select[tuple[Case]], user_id: int) -> sa.Select[tuple[Case]]:
    """Narrow to the cases a user received first (首问责任人)."""
    return stmt.where(Case.first_owner_id == user_id)


def count_of(stmt: sa.Select[tuple[Case]]) -> sa.Select[tuple[int]]:
    """How many rows a case Select returns (ordering dropped)."""
    return sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())


def select_latest_of_enterprise(
    stmt: sa.Select[tuple[Case]], enterprise_id: int, limit: int = 10
) -> sa.Select[tuple[Case]]:
    """An enterprise's latest cases among those of a (visible-cases) Select, newest first,
    with what a short list shows eager-loaded."""
    return with_list_relations(filter_cases(stmt, enterprise_id=enterprise_id).limit(limit))


def select_categories_with_counts() -> sa.Select[tuple[Category, int]]:
    """Every category with its number of cases, in one grouped query."""
    return (
        sa.select(Category, sa.func.count(Case.id))
        .outerjoin(Case, Case.category_id == Category.id)
        .group_by(Category.id)
        .order_by(Category.sort_order, Category.id)
    )


# -- the enterprise's own cases and attachments -----------------------------------
def select_enterprise_cases(enterprise_id: int) -> sa.Select[tuple[Case]]:
    """Every case of one enterprise (what each of its accounts sees), newest first."""
    return (
        sa.select(Case)
        .where(Case.enterprise_id == enterprise_id)
        .options(selectinload(Case.first_owner))
        .order_by(Case.created_at.desc(), Case.id.desc())
    )


def count_cases_by_status(stmt: sa.Select[tuple[Case]]) -> sa.Select[tuple[CaseStatus, int]]:
    """(status, number of cases) for the cases of a case Select; statuses with none
    are left out."""
    ids = stmt.order_by(None).with_only_columns(Case.id)
    return sa.select(Case.status, sa.func.count()).where(Case.id.in_(ids)).group_by(Case.status)


def select_last_visible_update(case_ids: list[int]) -> sa.Select[tuple[int, datetime]]:
    """(case id, time of its latest event the enterprise may see): the case's "last
    update" from the enterprise's side, where internal notes do not count."""
    return (
        sa.select(CaseEvent.case_id, sa.func.max(CaseEvent.at))
        .where(CaseEvent.case_id.in_(case_ids), CaseEvent.visible_to_enterprise.is_(True))
        .group_by(CaseEvent.case_id)
    )


def select_visible_attachments(case: Case, user: User) -> sa.Select[tuple[Attachment]]:
    """A case's files that ``user`` may see, oldest first: internal files are staff-only.
    The caller has already checked that the user may see the case."""
    stmt = (
        sa.select(Attachment)
        .where(Attachment.case_id == case.id)
        .options(selectinload(Attachment.uploaded_by))
        .order_by(Attachment.id)
    )
    if not user.is_staff:
        stmt = stmt.where(Attachment.internal.is_(False))
    return stmt


# -- deadlines: traffic lights, 督办, history ---------------------------------------
LIGHT_VALUES = ("green", "yellow", "red")


def filter_deadlines(
    stmt: sa.Select[tuple[Case]],
    *,
    light: str | None = None,
    urged: bool | None = None,
    now: datetime | None = None,
) -> sa.Select[tuple[Case]]:
    """Narrow a case Select by traffic light (open cases whose clock runs) and by 督办
    (True: under 督办, i.e. urged and still open; False: not)."""
    if light is not None:
        stmt = stmt.where(light_clause(light, now or utcnow()))
    if urged is not None:
        under = sa.and_(Case.urged_at.is_not(None), Case.status.in_(OPEN_STATUSES))
        stmt = stmt.where(under if urged else sa.not_(under))
    return stmt


def _count_if(clause: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((clause, 1), else_=0)), 0)


def count_deadline_lights(stmt: sa.Select[tuple[Case]], now: datetime) -> sa.Select[Any]:
    """One row counting the open cases of a case Select that are green, yellow and red,
    urged (督办) and paused (挂起), and all of them: columns green, yellow, red, urged,
    paused, open."""
    ids = stmt.order_by(None).with_only_columns(Case.id)
    return sa.select(
        *(_count_if(light_clause(value, now)).label(value) for value in LIGHT_VALUES),
        _count_if(Case.urged_at.is_not(None)).label("urged"),
        _count_if(Case.paused_at.is_not(None)).label("paused"),
        sa.func.count().label("open"),
    ).where(Case.id.in_(ids), Case.status.in_(OPEN_STATUSES))


def select_led_cases(leader_id: int) -> sa.Select[tuple[Case]]:
    """The cases of the enterprises a leader currently leads (包保领导)."""
    return sa.select(Case).where(
        sa.exists().where(
            Assignment.enterprise_id == Case.enterprise_id,
            Assignment.end_date.is_(None),
            Assignment.leader_id == leader_id,
        )
    )


def select_deadline_history(case_id: int) -> sa.Select[tuple[CaseDeadline]]:
    """Every deadline a case was given, newest first."""
    return (
        sa.select(CaseDeadline)
        .where(CaseDeadline.case_id == case_id)
        .order_by(CaseDeadline.created_at.desc(), CaseDeadline.id.desc())
    )
