"""When a week's checklist is due, when it closes, and how it counts: the weekly
checklist's calendar (CHECKLIST_DUE_WEEKDAY / CHECKLIST_DUE_TIME on working days)."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from hgq.checklists.models import Outcome, WeeklyChecklist
from hgq.checklists.weeks import Week, deadline, parse_due_time
from hgq.deadlines.services import get_calendar
from hgq.timeutil import zone


def due_at(week: Week) -> datetime:
    """When ``week``'s checklist is due (CHECKLIST_DUE_WEEKDAY/TIME on working days)."""
    config = current_app.config
    return deadline(
        week,
        int(config["CHECKLIST_DUE_WEEKDAY"]),
        parse_due_time(config["CHECKLIST_DUE_TIME"]),
        get_calendar(),
        zone(),
    )


def closes_at(week: Week) -> datetime:
    """After this a week takes no more submissions and counts as missing: the next
    week's deadline."""
    return due_at(week.shift(1))


def current_week(now: datetime) -> Week:
    return Week.of(now.astimezone(zone()).date())


def outcome_at(checklist: WeeklyChecklist | None, week: Week, now: datetime) -> Outcome | None:
    """How the week counts at ``now``: its recorded outcome, or MISSING once the week
    has closed unsubmitted; None while it may still be submitted."""
    if checklist is not None and checklist.outcome is not None:
        return checklist.outcome
    return Outcome.MISSING if now > closes_at(week) else None


def is_frozen(checklist: WeeklyChecklist, now: datetime) -> bool:
    """Submitted, or closed unsubmitted: nothing on it changes any more."""
    return checklist.is_submitted or outcome_at(checklist, Week(checklist.week_start), now) is (
        Outcome.MISSING
    )


def may_open(week: Week, now: datetime) -> bool:
    """A checklist may be made for the current week, and for an earlier one that still
    takes (late) submissions; later weeks do not exist yet."""
    return week <= current_week(now) and now <= closes_at(week)
