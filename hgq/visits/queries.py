"""Reads of visits and of the contact policy (who is due for contact when)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased, selectinload

from hgq import access
from hgq.accounts.models import User
from hgq.enterprises.models import Assignment, Tag, enterprise_tags
from hgq.extensions import db
from hgq.visits.models import Visit


class ContactStatus(StrEnum):
    """Where an enterprise stands against its contact interval."""

    OVERDUE = "overdue"  # 已逾期: the due date has passed
    DUE_THIS_WEEK = "due_this_week"  # 本周到期: due today or later this ISO week
    OK = "ok"  # 正常

    @property
    def label(self) -> str:
        return CONTACT_STATUS_LABELS[self]


CONTACT_STATUS_LABELS = {
    ContactStatus.OVERDUE: "已逾期",
    ContactStatus.DUE_THIS_WEEK: "本周到期",
    ContactStatus.OK: "正常",
}


@dataclass(frozen=True)
class ContactDue:
    """One enterprise on a contact list."""

    enterprise_id: int
    name: str
    officer_name: str
    interval_days: int
    last_contact_on: date | None
    last_contact_by: str | None
    due_on: date
    status: ContactStatus

    @property
    def overdue(self) -> bool:
        return self.status is ContactStatus.OVERDUE


def default_interval() -> int:
    return int(current_app.config["CONTACT_INTERVAL_DAYS"])


def contact_status(due_on: date, today: date) -> ContactStatus:
    if due_on < today:
        return ContactStatus.OVERDUE
    if due_on <= today + timedelta(days=6 - today.weekday()):
        return ContactStatus.DUE_THIS_WEEK
    return ContactStatus.OK


def tag_intervals() -> sa.Subquery:
    """Per enterprise, the shortest interval any of its tags sets."""
    return (
        sa.select(
            enterprise_tags.c.enterprise_id,
            sa.func.min(Tag.contact_interval_days).label("interval_days"),
        )
        .join(Tag, Tag.id == enterprise_tags.c.tag_id)
        .where(Tag.contact_interval_days.is_not(None))
        .group_by(enterprise_tags.c.enterprise_id)
        .subquery("tag_intervals")
    )


def _last_visits() -> sa.Subquery:
    """Per enterprise, the id of its latest visit (latest date; the last entered
    among visits of that date)."""
    last_day = (
        sa.select(Visit.enterprise_id, sa.func.max(Visit.visited_on).label("visited_on"))
        .group_by(Visit.enterprise_id)
        .subquery("last_day")
    )
    return (
        sa.select(Visit.enterprise_id, sa.func.max(Visit.id).label("visit_id"))
        .join(
            last_day,
            sa.and_(
                Visit.enterprise_id == last_day.c.enterprise_id,
                Visit.visited_on == last_day.c.visited_on,
            ),
        )
        .group_by(Visit.enterprise_id)
        .subquery("last_visits")
    )


def select_contact_rows(user: User) -> sa.Select[tuple[object, ...]]:
    """One row per enterprise ``user`` must keep in contact with: id, name, officer's
    name, assignment start, tag interval, last visit date and its visitor's name."""
    intervals = tag_intervals()
    last = _last_visits()
    officer = aliased(User)
    visitor = aliased(User)
    last_visit = aliased(Visit)
    enterprises = access.select_contact_enterprises(user).subquery("duty")
    return (
        sa.select(
            enterprises.c.id,
            enterprises.c.name,
            officer.name.label("officer_name"),
            Assignment.start_date,
            intervals.c.interval_days,
            last_visit.visited_on,
            visitor.name.label("visitor_name"),
        )
        .join(
            Assignment,
            sa.and_(Assignment.enterprise_id == enterprises.c.id, Assignment.end_date.is_(None)),
        )
        .join(officer, officer.id == Assignment.officer_id)
        .outerjoin(intervals, intervals.c.enterprise_id == enterprises.c.id)
        .outerjoin(last, last.c.enterprise_id == enterprises.c.id)
        .outerjoin(last_visit, last_visit.id == last.c.visit_id)
        .outerjoin(visitor, visitor.id == last_visit.visitor_id)
        .order_by(enterprises.c.name)
    )


def contact_due_for(
    user: User, today: date, status: ContactStatus | None = None
) -> list[ContactDue]:
    """The contact list of ``user`` (one query), most urgent first; ``status`` filters.

    An enterprise's interval is the shortest its tags set, else CONTACT_INTERVAL_DAYS;
    it is due that many days after its last visit (or, never visited, after the start
    of its current assignment).
    """
    default = default_interval()
    found = []
    for row in db.session.execute(select_contact_rows(user)):
        interval = row.interval_days or default
        since = row.visited_on or row.start_date
        due_on = since + timedelta(days=interval)
        found.append(
            ContactDue(
                enterprise_id=row.id,
                name=row.name,
                officer_name=row.officer_name,
                interval_days=interval,
                last_contact_on=row.visited_on,
                last_contact_by=row.visitor_name,
                due_on=due_on,
                status=contact_status(due_on, today),
            )
        )
    if status is not None:
        found = [item for item in found if item.status is status]
    return sorted(found, key=lambda item: (item.due_on, item.name))


def filter_visits(
    stmt: sa.Select[tuple[Visit]],
    *,
    enterprise_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
    visitor_id: int | None = None,
) -> sa.Select[tuple[Visit]]:
    """Narrow a Select of visits; newest first, with enterprise, visitor and cases."""
    if enterprise_id is not None:
        stmt = stmt.where(Visit.enterprise_id == enterprise_id)
    if since is not None:
        stmt = stmt.where(Visit.visited_on >= since)
    if until is not None:
        stmt = stmt.where(Visit.visited_on <= until)
    if visitor_id is not None:
        stmt = stmt.where(Visit.visitor_id == visitor_id)
    return stmt.order_by(Visit.visited_on.desc(), Visit.id.desc()).options(
        selectinload(Visit.enterprise),
        selectinload(Visit.visitor),
        selectinload(Visit.cases),
    )


def get_enterprise_visit(enterprise_id: int, visited_on: date, visitor_id: int) -> Visit | None:
    return db.session.scalar(
        sa.select(Visit).where(
            Visit.enterprise_id == enterprise_id,
            Visit.visited_on == visited_on,
            Visit.visitor_id == visitor_id,
        )
    )
