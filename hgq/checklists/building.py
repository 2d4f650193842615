"""Building a weekly checklist from live data: what appears and why
(:func:`live_items`), carry-over from last week, and keeping an open week in step.

A checklist is made the first time it is needed (opened, reminded, exported) and
while its week runs it follows live data: new cases and newly due enterprises are
added; nothing is removed and nothing a person wrote is touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from hgq import access
from hgq.accounts.models import User
from hgq.cases.models import OPEN_STATUSES, Case
from hgq.checklists.models import ChecklistItem, ItemKind, WeeklyChecklist
from hgq.checklists.schedule import current_week, due_at, is_frozen, may_open
from hgq.checklists.weeks import Week
from hgq.extensions import db
from hgq.timeutil import zone
from hgq.visits.queries import contact_due_for

TITLE_MAX = 200


@dataclass(frozen=True)
class Candidate:
    """An item live data asks for. ``key`` identifies its subject across weeks."""

    origin: ItemKind
    title: str
    due_at: datetime | None
    case_id: int | None = None
    enterprise_id: int | None = None

    @property
    def key(self) -> tuple[ItemKind, int | None]:
        return (self.origin, self.case_id if self.origin is ItemKind.CASE else self.enterprise_id)


def end_of_day(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz) - timedelta(
        seconds=1
    )


def live_items(officer: User, week: Week, today: date) -> list[Candidate]:
    """What live data puts on ``officer``'s checklist for ``week``:

    - every open case he received first (首问) or handles, with its current deadline
      (首问 keeps a case on his list until it is closed, whoever handles it);
    - every enterprise he must keep in contact with that is due by the week's end
      (overdue ones included), due by the end of its due day.
    """
    cases = db.session.scalars(
        sa.select(Case)
        .where(
            Case.status.in_(OPEN_STATUSES),
            sa.or_(Case.first_owner_id == officer.id, Case.handler_id == officer.id),
        )
        .options(selectinload(Case.enterprise))
        .order_by(Case.due_at.is_(None), Case.due_at, Case.id)
    )
    found = [
        Candidate(
            ItemKind.CASE,
            f"{case.code} {case.enterprise.name}：{case.title}"[:TITLE_MAX],
            case.due_at,
            case_id=case.id,
        )
        for case in cases
    ]
    tz = zone()
    for row in contact_due_for(officer, today):
        if row.due_on <= week.sunday:
            title = f"联络{row.name}（每{row.interval_days}天至少一次）"[:TITLE_MAX]
            found.append(
                Candidate(
                    ItemKind.CONTACT,
                    title,
                    end_of_day(row.due_on, tz),
                    enterprise_id=row.enterprise_id,
                )
            )
    return found


def _item_key(item: ChecklistItem) -> tuple[ItemKind, int | None]:
    if item.origin is ItemKind.OWN:
        return (ItemKind.OWN, -(item.carried_from_id or item.id))
    return (item.origin, item.ref_id)


def _still_wanted(item: ChecklistItem, live: set[tuple[ItemKind, int | None]]) -> bool:
    """An unfinished item of last week carries over while its matter is still open: a
    case not yet closed, an enterprise still due for contact, any own item."""
    if item.done:
        return False
    if item.origin is ItemKind.OWN:
        return True
    return _item_key(item) in live


def append_item(checklist: WeeklyChecklist, item: ChecklistItem) -> None:
    item.position = len(checklist.items)
    checklist.items.append(item)


def _carry_over(checklist: WeeklyChecklist, officer: User, live: list[Candidate]) -> None:
    previous = get_checklist(officer, Week(checklist.week_start).shift(-1))
    if previous is None:
        return
    wanted = {c.key: c for c in live}
    keys = set(wanted)
    for old in previous.items:
        if not _still_wanted(old, keys):
            continue
        fresh = wanted.get(_item_key(old))
        append_item(
            checklist,
            ChecklistItem(
                kind=ItemKind.CARRIED,
                origin=old.origin,
                case_id=old.case_id,
                enterprise_id=old.enterprise_id,
                carried_from_id=old.id,
                title=fresh.title if fresh else old.title,
                due_at=fresh.due_at if fresh else old.due_at,
            ),
        )


def sync(checklist: WeeklyChecklist, today: date) -> None:
    """Bring an open checklist in step with live data: add what is new, refresh the
    deadlines of its cases; never remove an item or touch what a person wrote."""
    officer = checklist.user
    live = live_items(officer, Week(checklist.week_start), today)
    present = {_item_key(item): item for item in checklist.items}
    for candidate in live:
        item = present.get(candidate.key)
        if item is None:
            append_item(
                checklist,
                ChecklistItem(
                    kind=candidate.origin,
                    origin=candidate.origin,
                    case_id=candidate.case_id,
                    enterprise_id=candidate.enterprise_id,
                    title=candidate.title,
                    due_at=candidate.due_at,
                ),
            )
        elif item.origin is ItemKind.CASE and item.due_at != candidate.due_at:
            item.due_at = candidate.due_at
    db.session.flush()


def get_checklist(officer: User, week: Week) -> WeeklyChecklist | None:
    return db.session.scalar(
        sa.select(WeeklyChecklist)
        .where(WeeklyChecklist.user_id == officer.id, WeeklyChecklist.week_start == week.monday)
        .options(
            selectinload(WeeklyChecklist.items).selectinload(ChecklistItem.case),
            selectinload(WeeklyChecklist.items).selectinload(ChecklistItem.carried_from),
        )
    )


def _make(officer: User, week: Week, today: date) -> WeeklyChecklist:
    """A new checklist: last week's unfinished items first, then live data."""
    checklist = WeeklyChecklist(user=officer, week_start=week.monday, due_at=due_at(week))
    try:
        with db.session.begin_nested():
            db.session.add(checklist)
            db.session.flush()
    except IntegrityError:
        # Made meanwhile by another request (two tabs, the sweep): use that one.
        found = get_checklist(officer, week)
        if found is None:
            raise
        return found
    _carry_over(checklist, officer, live_items(officer, week, today))
    sync(checklist, today)
    return checklist


def open_checklist(officer: User, week: Week, now: datetime) -> WeeklyChecklist | None:
    """``officer``'s checklist for ``week``, made if the week may have one and kept in
    step with live data while it is open; None for a week without one (too old, or
    in the future)."""
    checklist = get_checklist(officer, week)
    today = now.astimezone(zone()).date()
    if checklist is None:
        if not may_open(week, now) or not access.can_keep_checklist(officer):
            return None
        return _make(officer, week, today)
    if not is_frozen(checklist, now) and week == current_week(now):
        checklist.due_at = due_at(week)
        sync(checklist, today)
    return checklist
