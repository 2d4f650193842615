"""Keeping and submitting weekly checklists (每周清单): the officer's changes, the
leaders' review and reminders, and closing weeks for the sweep. Check, change, flush;
the caller commits once.

Building a checklist from live data is :mod:`hgq.checklists.building`, its calendar
:mod:`hgq.checklists.schedule`; both are re-exported here, so callers need only this
module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import url_for

from hgq import access
from hgq.accounts.models import Role, User
from hgq.accounts.queries import select_active_with_role
from hgq.cases.effects import check_text
from hgq.checklists.building import (
    TITLE_MAX,
    Candidate,
    append_item,
    end_of_day,
    get_checklist,
    live_items,
    open_checklist,
    sync,
)
from hgq.checklists.models import (
    ChecklistItem,
    ChecklistStatus,
    ItemKind,
    Outcome,
    WeeklyChecklist,
)
from hgq.checklists.schedule import (
    closes_at,
    current_week,
    due_at,
    is_frozen,
    may_open,
    outcome_at,
)
from hgq.checklists.weeks import Week
from hgq.errors import NotAllowed, RecordFrozen, VersionConflict
from hgq.extensions import db
from hgq.notifications.services import notify
from hgq.timeutil import zone

__all__ = [
    "PROGRESS_MAX",
    "REVIEW_MAX",
    "TITLE_MAX",
    "Candidate",
    "Progress",
    "add_own_item",
    "close_weeks",
    "closes_at",
    "current_week",
    "due_at",
    "get_checklist",
    "is_frozen",
    "live_items",
    "may_open",
    "open_checklist",
    "outcome_at",
    "record_progress",
    "remind",
    "review",
    "submit",
    "sync",
]

PROGRESS_MAX = 2000
REVIEW_MAX = 2000


# -- changes by the officer ---------------------------------------------------------------
def _check_change(
    checklist: WeeklyChecklist, actor: User, now: datetime, version: int | None
) -> None:
    if actor.id != checklist.user_id:
        raise NotAllowed("只有本人可以填报自己的每周清单")
    if checklist.is_submitted:
        raise RecordFrozen("本周清单已提交，不能再修改；后续工作请记入下周清单")
    if is_frozen(checklist, now):
        raise RecordFrozen("本周清单已过补交期限，不能再修改")
    if version is not None and version != checklist.version:
        raise VersionConflict("清单已在别处修改（另一窗口或手机），请刷新后重新填写")


def _bump(checklist: WeeklyChecklist) -> None:
    checklist.version += 1


def add_own_item(
    checklist: WeeklyChecklist,
    actor: User,
    *,
    title: str,
    due_on: date | None,
    now: datetime,
    version: int | None = None,
) -> ChecklistItem:
    """Add an item of the officer's own (自定事项), due by the end of ``due_on``."""
    _check_change(checklist, actor, now, version)
    title = check_text(title, "title", "事项", TITLE_MAX)
    week = Week(checklist.week_start)
    year = timedelta(days=366)
    if due_on is not None and not week.monday - year <= due_on <= week.sunday + year:
        raise NotAllowed("完成时限超出合理范围", "due_on")
    item = ChecklistItem(
        kind=ItemKind.OWN,
        origin=ItemKind.OWN,
        title=title,
        due_at=end_of_day(due_on, zone()) if due_on else None,
        updated_at=now,
    )
    append_item(checklist, item)
    _bump(checklist)
    db.session.flush()
    return item


@dataclass(frozen=True)
class Progress:
    """What the officer writes on one item: the progress text, and whether it is done."""

    text: str
    done: bool | None = None  # None: leave as it is


def record_progress(
    checklist: WeeklyChecklist,
    actor: User,
    updates: Mapping[int, Progress],
    *,
    now: datetime,
    version: int | None = None,
) -> int:
    """Record progress on items of ``checklist`` (by item id); returns how many
    changed. An id not on the checklist is refused (field ``items``)."""
    _check_change(checklist, actor, now, version)
    items = {item.id: item for item in checklist.items}
    unknown = [item_id for item_id in updates if item_id not in items]
    if unknown:
        raise NotAllowed("清单中没有该事项", "items")
    changed = 0
    for item_id, progress in updates.items():
        item = items[item_id]
        text = (progress.text or "").strip()
        if len(text) > PROGRESS_MAX:
            raise NotAllowed(f"进展不能超过{PROGRESS_MAX}字", f"progress-{item_id}")
        done = item.done if progress.done is None else progress.done
        if text != item.progress or done != item.done:
            item.progress, item.done, item.updated_at = text, done, now
            changed += 1
    if changed:
        _bump(checklist)
        db.session.flush()
    return changed


def submit(
    checklist: WeeklyChecklist, actor: User, *, now: datetime, version: int | None = None
) -> Outcome:
    """Freeze the week; on time if by its deadline, late otherwise. The current week
    is brought in step with live data first, so what is frozen is complete."""
    _check_change(checklist, actor, now, version)
    week = Week(checklist.week_start)
    if week == current_week(now):
        sync(checklist, now.astimezone(zone()).date())
    checklist.status = ChecklistStatus.SUBMITTED
    checklist.submitted_at = now
    checklist.outcome = Outcome.ON_TIME if now <= checklist.due_at else Outcome.LATE
    _bump(checklist)
    db.session.flush()
    return checklist.outcome


# -- leaders ------------------------------------------------------------------------------
def review(
    checklist: WeeklyChecklist,
    reviewer: User,
    comment: str,
    *,
    now: datetime,
    version: int | None = None,
) -> None:
    """A leader's review (点评) of a submitted week; a later review replaces it (the
    version check makes sure he saw the one he replaces)."""
    if not access.can_review_checklist(reviewer, checklist.user):
        raise NotAllowed("只有该责任人的包保领导或工委管委可以点评")
    if not checklist.is_submitted:
        raise NotAllowed("清单提交后才能点评")
    if version is not None and version != checklist.version:
        raise VersionConflict("清单已有新的点评或变化，请刷新后再点评")
    checklist.review_comment = check_text(comment, "comment", "点评意见", REVIEW_MAX)
    checklist.reviewed_by = reviewer
    checklist.reviewed_at = now
    _bump(checklist)
    db.session.flush()


def remind(sender: User, officers: list[User], week: Week, now: datetime) -> list[User]:
    """Remind those of ``officers`` who have not submitted ``week`` (and may still);
    returns who was reminded."""
    reminded = []
    for officer in officers:
        checklist = open_checklist(officer, week, now)
        if checklist is None or is_frozen(checklist, now):
            continue
        checklist.reminded_at = now
        reminded.append(officer)
    if reminded:
        due = due_at(week).astimezone(zone())
        notify(
            [o.id for o in reminded],
            kind="checklist_reminder",
            title=f"请提交{week.label}每周清单",
            body=f"{sender.name}提醒：本周清单截止时间为{due:%m月%d日 %H:%M}。",
            link=url_for("checklists.detail", week=str(week)),
            exclude=sender.id,
        )
        db.session.flush()
    return reminded


# -- closing weeks (the sweep) ------------------------------------------------------------
def close_weeks(now: datetime, weeks_back: int = 8) -> int:
    """Record MISSING for every active officer's unsubmitted week that has closed
    (over the last ``weeks_back`` weeks, so a sweep that did not run for a while
    catches up); returns how many were recorded. Idempotent."""
    recorded = 0
    week = current_week(now).shift(-1)
    for _ in range(weeks_back):
        if now > closes_at(week):
            recorded += _close(week, now)
        week = week.shift(-1)
    return recorded


def _close(week: Week, now: datetime) -> int:
    officers = db.session.scalars(
        select_active_with_role(Role.OFFICER).where(User.created_at <= due_at(week))
    ).all()
    existing = {
        c.user_id: c
        for c in db.session.scalars(
            sa.select(WeeklyChecklist).where(WeeklyChecklist.week_start == week.monday)
        )
    }
    recorded = 0
    for officer in officers:
        checklist = existing.get(officer.id)
        if checklist is None:
            checklist = WeeklyChecklist(user=officer, week_start=week.monday, due_at=due_at(week))
            db.session.add(checklist)
        elif checklist.outcome is not None:
            continue
        else:
            _bump(checklist)
        checklist.outcome = Outcome.MISSING
        recorded += 1
    db.session.flush()
    return recorded
