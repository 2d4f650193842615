"""Deadline rules (DESIGN §4): which limit applies when, how pauses and extensions
move it, the traffic light, and the SLA settings. Case services call
:func:`apply_deadlines` after every action; nothing else sets a case's due times.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, g

from hgq.accounts.models import User
from hgq.audit.services import record_audit
from hgq.cases.models import OPEN_STATUSES, Case, CaseStatus
from hgq.cases.workflow import Action
from hgq.db import utcnow
from hgq.deadlines.calendar import (
    WorkCalendar,
    before_workdays,
    due_after,
    load_calendar,
    parse_cutoff,
)
from hgq.deadlines.calendar_import import CalendarRow
from hgq.deadlines.models import CalendarDay, CalendarYear, CaseDeadline, SlaPolicy
from hgq.errors import NotAllowed, VersionConflict
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
    return calendar.label


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


# -- the admin's calendar and SLA settings ------------------------------------------
# The fields of a policy the admin edits, in the form's order.
POLICY_FIELDS = (
    "response_workdays",
    "resolution_workdays",
    "due_soon_workdays",
    "auto_escalate",
    "auto_close_days",
)
# From this month on the admin is warned when next year's calendar is missing.
CALENDAR_WARNING_MONTH = 10


def _day_state(row: CalendarDay | None) -> dict[str, object] | None:
    if row is None:
        return None
    return {"is_workday": row.is_workday, "name": row.name, "source": row.source}


def set_calendar_day(
    day: date, *, is_workday: bool | None, name: str, actor: User | None
) -> CalendarDay | None:
    """Make ``day`` a working day or a day off (``is_workday``), or give it back its
    weekday default (None). A choice equal to the weekday default removes the
    exception too. Audited; the cached calendar is dropped."""
    row = db.session.get(CalendarDay, day)
    before = _day_state(row)
    default = day.weekday() < 5
    if is_workday is None or is_workday == default:
        if row is None:
            which = "工作日" if default else "休息日"
            raise NotAllowed(f"{day.isoformat()}没有特别设置，按周规则本就是{which}。", "day")
        db.session.delete(row)
        row = None
    else:
        if row is None:
            row = CalendarDay(day=day)
            db.session.add(row)
        row.is_workday = is_workday
        row.name = name
        row.source = "管理员设置"
    db.session.flush()
    record_audit(
        "calendar.day",
        actor=actor,
        target_type="calendar_day",
        target_id=day.isoformat(),
        before=before,
        after=_day_state(row),
    )
    forget_calendar()
    return row


def import_calendar_year(
    year: int, rows: Sequence[CalendarRow], *, source: str, actor: User | None
) -> dict[str, int]:
    """Replace ``year``'s exceptions with the checked rows of an imported notice and mark
    the year loaded. Returns the counts (also in the audit record)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    in_year = CalendarDay.day.between(first, last)
    replaced = db.session.scalar(sa.select(sa.func.count()).select_from(CalendarDay).where(in_year))
    loaded = db.session.get(CalendarYear, year)
    before = {"exceptions": replaced, "source": loaded.source if loaded else None}
    db.session.execute(sa.delete(CalendarDay).where(in_year))
    exceptions = [r for r in rows if r.is_exception and r.day.year == year]
    db.session.add_all(
        CalendarDay(day=r.day, is_workday=r.is_workday, name=r.stored_name, source=source)
        for r in exceptions
    )
    if loaded is None:
        db.session.add(CalendarYear(year=year, source=source))
    else:
        loaded.source = source
        loaded.loaded_at = utcnow()
    counts = {
        "rows": len(rows),
        "holidays": sum(1 for r in exceptions if not r.is_workday),
        "makeup_workdays": sum(1 for r in exceptions if r.is_workday),
        "weekend_rest": sum(1 for r in rows if not r.is_exception),
        "replaced": replaced or 0,
    }
    db.session.flush()
    record_audit(
        "calendar.import",
        actor=actor,
        target_type="calendar_year",
        target_id=year,
        before=before,
        after={"source": source, **counts},
    )
    forget_calendar()
    return counts


def calendar_years() -> list[CalendarYear]:
    return list(db.session.scalars(sa.select(CalendarYear).order_by(CalendarYear.year)))


def year_exceptions(year: int) -> list[CalendarDay]:
    stmt = (
        sa.select(CalendarDay)
        .where(CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))
        .order_by(CalendarDay.day)
    )
    return list(db.session.scalars(stmt))


def missing_next_year(today: date) -> int | None:
    """Next year, when from October on its holidays are not loaded yet (else None)."""
    if today.month < CALENDAR_WARNING_MONTH:
        return None
    year = today.year + 1
    return None if db.session.get(CalendarYear, year) is not None else year


def policy_state(policy: SlaPolicy) -> dict[str, object]:
    return {name: getattr(policy, name) for name in POLICY_FIELDS}


def save_sla_policies(
    values: dict[int, dict[str, object]], versions: dict[int, int], *, actor: User | None
) -> list[int]:
    """Save the three levels' settings at once; ``versions`` are those the form was
    loaded at (0 for a level still on its unsaved default). A stale version refuses
    the whole save. Missing rows are stored; each changed level is audited. Returns
    the changed levels. Deadlines already computed keep their due times."""
    current = get_policies()
    for level, policy in current.items():
        stored_version = policy.version if policy in db.session else 0
        if versions.get(level) != stored_version:
            raise VersionConflict("办理时限已被他人修改，请刷新页面查看最新设置后重新提交。")
    changed = []
    for level, policy in current.items():
        before = policy_state(policy)
        if policy not in db.session:
            db.session.add(policy)
        for name, value in values.get(level, {}).items():
            if name in POLICY_FIELDS:
                setattr(policy, name, value)
        after = policy_state(policy)
        if after != before:
            changed.append(level)
            record_audit(
                "sla.update",
                actor=actor,
                target_type="sla_policy",
                target_id=level,
                before=before,
                after=after,
            )
    db.session.flush()
    return changed
