"""Deadline rules (DESIGN §4): which limit applies when, how pauses and extensions
move it, the traffic light, and the SLA settings. Case services call
:func:`apply_deadlines` after every action; nothing else sets a case's due times.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, g

from hgq.cases.models import OPEN_STATUSES, Case, CaseStatus
from hgq.cases.workflow import Action
from hgq.deadlines.calendar import (
    WorkCalendar,
    before_workdays,
    due_after,
    load_calendar,
    parse_cutoff,
)
from hgq.deadlines.models import CalendarYear, CaseDeadline, SlaPolicy
from hgq.extensions import db

# level → (response, resolution, due soon, auto escalate, auto close days)
DEFAULT_POLICIES = {1: (1, 5, 1, True, 7), 2: (1, 10, 1, True, 7), 3: (1, 20, 1, True, 7)}
# The light turns yellow when this share of the limit is used, if that comes before
# the due-soon working day.
YELLOW_SHARE = 0.8


class Light:
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


def get_calendar() -> WorkCalendar:
    """The work calendar, read once per request (or per sweep) and kept in ``g``."""
    if "hgq_calendar" not in g:
        g.hgq_calendar = load_calendar()
    return g.hgq_calendar  # type: ignore[no-any-return]


def forget_calendar() -> None:
    """Drop the cached calendar after it changed (admin edit, import)."""
    g.pop("hgq_calendar", None)


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIME_ZONE"])


def _cutoff():  # type: ignore[no-untyped-def]
    return parse_cutoff(current_app.config["DEADLINE_CUTOFF"])


def default_policy(level: int) -> SlaPolicy:
    response, resolution, soon, escalate, close = DEFAULT_POLICIES[level]
    return SlaPolicy(
        level=level,
        response_workdays=response,
        resolution_workdays=resolution,
        due_soon_workdays=soon,
        auto_escalate=escalate,
        auto_close_days=close,
    )


def get_policies() -> dict[int, SlaPolicy]:
    """The SLA policy of each level; DESIGN §4's defaults stand in for missing rows
    (without being stored: reading never writes)."""
    policies = {p.level: p for p in db.session.scalars(sa.select(SlaPolicy))}
    return {level: policies.get(level) or default_policy(level) for level in DEFAULT_POLICIES}


def ensure_default_policies() -> None:
    """Store the default policies that are missing (the migration seeds them; this is
    for databases made without it)."""
    stored = set(db.session.scalars(sa.select(SlaPolicy.level)))
    for level in DEFAULT_POLICIES:
        if level not in stored:
            db.session.add(default_policy(level))
    db.session.flush()


def calendar_label(calendar: WorkCalendar) -> str:
    """Which calendar data a deadline was computed with, for its history row."""
    years = sorted(calendar.known_years)
    if not years:
        return "无节假日数据（仅按周一至周五）"
    sources = sorted(set(db.session.scalars(sa.select(CalendarYear.source).distinct())))
    return f"{years[0]}–{years[-1]}年（{'；'.join(sources)}）"[:200]


def _set(case: Case, kind: str, workdays: int, start: datetime, reason: str) -> datetime:
    """Compute one deadline from ``start``, store it on the case and in the history."""
    calendar = get_calendar()
    due, certain = due_after(start, workdays, calendar, _zone(), _cutoff())
    _record(case, kind, due, not certain, reason, workdays, calendar)
    if kind == "response":
        case.response_due_at = due
    else:
        case.resolution_due_at = due
    return due


def _record(case, kind, due, provisional, reason, workdays, calendar):  # type: ignore[no-untyped-def]
    db.session.add(
        CaseDeadline(
            case=case,
            kind=kind,
            level=case.level,
            due_at=due,
            provisional=provisional,
            reason=reason,
            workdays=workdays,
            calendar=calendar_label(calendar),
        )
    )
    case.deadline_provisional = provisional


def _shift(case: Case, kind: str, workdays: int, reason: str) -> None:
    """Move a deadline later by ``workdays`` working days (extension, pause)."""
    current = case.response_due_at if kind == "response" else case.resolution_due_at
    if current is None or workdays <= 0:
        return
    _set(case, kind, workdays, current, reason)


def refresh_due(case: Case) -> None:
    """``due_at`` is the deadline that matters now; ``due_soon_at`` when it turns yellow.
    Closed, paused and finished cases have none."""
    if case.status not in OPEN_STATUSES or case.is_paused:
        case.due_at = case.due_soon_at = None
        return
    unanswered = case.responded_at is None and case.response_due_at is not None
    due = case.response_due_at if unanswered else case.resolution_due_at
    start = case.created_at if unanswered else case.level_started_at
    case.due_at = due
    if due is None:
        case.due_soon_at = None
        return
    policy = get_policies()[case.level]
    by_days = before_workdays(due, policy.due_soon_workdays, get_calendar(), _zone())
    by_share = start + (due - start) * YELLOW_SHARE if start is not None else by_days
    case.due_soon_at = min(by_days, by_share)


def apply_deadlines(case: Case, action: Action, now: datetime, payload: dict) -> None:  # type: ignore[type-arg]
    """Update the case's deadlines after ``action`` (already applied to the case)."""
    policies = get_policies()
    policy = policies[case.level]
    if action is Action.SUBMIT:
        _set(case, "response", policy.response_workdays, case.created_at, "created")
        _set(case, "resolution", policy.resolution_workdays, case.created_at, "created")
    elif action is Action.ESCALATE:
        _set(case, "resolution", policy.resolution_workdays, now, "escalated")
    elif action in (Action.REOPEN, Action.RATE) and case.status is CaseStatus.IN_PROGRESS:
        _set(case, "resolution", policy.resolution_workdays, now, "reopened")
    elif action is Action.APPROVE_EXTENSION:
        _shift(case, "resolution", int(payload["extension_days"]), "extended")
    elif action is Action.RESUME:
        paused_days = get_calendar().workdays_between(
            payload["paused_at"].astimezone(_zone()).date(), now.astimezone(_zone()).date()
        )
        if case.responded_at is None:
            _shift(case, "response", paused_days, "resumed")
        _shift(case, "resolution", paused_days, "resumed")
    refresh_due(case)


def light(case: Case, now: datetime) -> str | None:
    """The traffic light of an open case: red overdue, yellow due soon, else green."""
    if case.due_at is None:
        return None
    if now > case.due_at:
        return Light.RED
    if case.due_soon_at is not None and now >= case.due_soon_at:
        return Light.YELLOW
    return Light.GREEN


def light_clause(value: str, now: datetime) -> sa.ColumnElement[bool]:
    """A WHERE clause on ``Case`` for one light, matching :func:`light`."""
    if value == Light.RED:
        return Case.due_at < now
    if value == Light.YELLOW:
        return sa.and_(Case.due_at >= now, Case.due_soon_at <= now)
    return sa.and_(Case.due_at >= now, sa.or_(Case.due_soon_at.is_(None), Case.due_soon_at > now))
