"""The scoring events of a month, read from the record (积分考核, DESIGN §6).

:func:`scoring_events` lists every event of one local month that a rule scores, each
with the key that makes it score at most once (the entry's ``source_key``), the
person it scores for and the source it points to. It reads a fixed number of
set-based queries per month (one or a few per kind of event), whatever the data size.

Who scores what (the engine's documented choices):

- ``visit_logged``: the visitor, for the first visit (lowest id) he logged to an
  enterprise in an ISO week; the entry belongs to that visit's month.
- ``case_responded_on_time`` / ``_late``: the actor of the case's first response —
  the first ``accept``, ``reply``, ``resolve`` or ``reject``, the actions that stop
  the response clock (``Case.responded_at``) — on time when at or before
  ``Case.response_due_at`` (or the case has none). A case first answered after the
  sweep escalated it unanswered scores no response: answering was level 1's duty,
  and that level's ``deadline_missed`` already counts against its handler.
- ``case_resolved_level1_on_time``: the actor of a ``resolve`` taken at level 1 by
  the level-1 resolution deadline then in force: the latest ``CaseDeadline`` of kind
  ``resolution`` and level 1 created before the resolution (extensions and pauses
  included); none recorded counts as on time.
- ``case_rated_satisfied`` / ``_unsatisfied``: for each ``rate`` event (满意 /
  不满意; 基本满意 scores nothing), the actor of the latest ``resolve`` before it.
- ``deadline_missed``: a resolution deadline the deadline sweep recorded as missed —
  its escalation of an overdue case (a ``escalate`` event without actor), or an
  ``overdue`` / ``urged`` notice whose due time is a resolution deadline (levels
  whose automatic escalation is off, level 3). Once per case and level, at the
  earliest record; scored to the handler then (the escalation's ``from_handler_id``,
  or for a notice the handler the next escalation left, or the current handler when
  the case is still at that level); a queue (no person) scores nothing. A late
  response is not a missed deadline here: ``case_responded_late`` covers it.
- ``checklist_on_time`` / ``checklist_missing``: the checklist's officer, by its
  ``outcome`` (late scores nothing); the entry belongs to the month of its deadline.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from hgq.cases.models import Case, CaseEvent
from hgq.cases.workflow import Action
from hgq.checklists.models import Outcome, WeeklyChecklist
from hgq.deadlines.models import CaseDeadline
from hgq.extensions import db
from hgq.points import rules as r
from hgq.points.missed import missed_deadlines
from hgq.points.models import SourceType
from hgq.points.scoring import Month, Scoring, in_month, iso_week, local_midnight
from hgq.timeutil import zone
from hgq.visits.models import Visit

# The actions that stop the response clock (hgq.cases.effects sets responded_at).
RESPONSE_ACTIONS = (Action.ACCEPT, Action.REPLY, Action.RESOLVE, Action.REJECT)
SATISFACTION_CODES = {
    "satisfied": r.CASE_RATED_SATISFIED,
    "dissatisfied": r.CASE_RATED_UNSATISFIED,
}


def scoring_events(month: Month) -> list[Scoring]:
    """Every scoring event of ``month``, in time order (then by key)."""
    found = [
        *_visits(month),
        *_responses(month),
        *_resolutions(month),
        *_ratings(month),
        *missed_deadlines(month),
        *_checklists(month),
    ]
    return sorted(found, key=lambda s: (s.at, s.key))


# -- visits ---------------------------------------------------------------------------
def _visits(month: Month) -> Iterator[Scoring]:
    """The first visit of each visitor, enterprise and ISO week; weeks that straddle
    the month are read whole, so the first visit is found wherever it falls."""
    first = month.first_day - timedelta(days=month.first_day.weekday())
    last_day = month.next_first_day - timedelta(days=1)
    last = last_day + timedelta(days=6 - last_day.weekday())
    rows = db.session.execute(
        sa.select(Visit.id, Visit.visitor_id, Visit.enterprise_id, Visit.visited_on).where(
            Visit.visited_on.between(first, last)
        )
    )
    tz = zone()
    best: dict[str, tuple[int, int, date]] = {}
    for visit_id, visitor_id, enterprise_id, day in rows:
        key = f"visit:{visitor_id}:{enterprise_id}:{iso_week(day)}"
        if key not in best or visit_id < best[key][0]:
            best[key] = (visit_id, visitor_id, day)
    for key, (visit_id, visitor_id, day) in best.items():
        if month.first_day <= day < month.next_first_day:
            yield Scoring(
                key, r.VISIT_LOGGED, visitor_id, local_midnight(day, tz), SourceType.VISIT, visit_id
            )


# -- cases ----------------------------------------------------------------------------
def _case_scoring(
    key: str, code: str, user_id: int, at: datetime, case_id: int, event_id: int
) -> Scoring:
    return Scoring(key, code, user_id, at, SourceType.CASE, case_id, event_id)


def _responses(month: Month) -> Iterator[Scoring]:
    earlier = aliased(CaseEvent)
    not_first = (
        sa.exists()
        .where(
            earlier.case_id == CaseEvent.case_id,
            earlier.action.in_(RESPONSE_ACTIONS),
            earlier.id < CaseEvent.id,
        )
        .correlate(CaseEvent)
    )
    stmt = (
        sa.select(
            CaseEvent.id,
            CaseEvent.case_id,
            CaseEvent.actor_id,
            CaseEvent.at,
            CaseEvent.from_level,
            Case.response_due_at,
        )
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.action.in_(RESPONSE_ACTIONS), in_month(CaseEvent.at, month), ~not_first)
    )
    for event_id, case_id, actor_id, at, level, due in db.session.execute(stmt):
        if actor_id is None or (level or 1) > 1:
            continue  # answered only after the sweep escalated it: level 1's miss
        on_time = due is None or at <= due
        code = r.CASE_RESPONDED_ON_TIME if on_time else r.CASE_RESPONDED_LATE
        yield _case_scoring(f"case_response:{case_id}", code, actor_id, at, case_id, event_id)


def _resolutions(month: Month) -> Iterator[Scoring]:
    due = (
        sa.select(CaseDeadline.due_at)
        .where(
            CaseDeadline.case_id == CaseEvent.case_id,
            CaseDeadline.kind == "resolution",
            CaseDeadline.level == 1,
            CaseDeadline.created_at <= CaseEvent.at,
        )
        .order_by(CaseDeadline.created_at.desc(), CaseDeadline.id.desc())
        .limit(1)
        .correlate(CaseEvent)
        .scalar_subquery()
    )
    stmt = sa.select(
        CaseEvent.id, CaseEvent.case_id, CaseEvent.actor_id, CaseEvent.at, due.label("due")
    ).where(
        CaseEvent.action == Action.RESOLVE, CaseEvent.from_level == 1, in_month(CaseEvent.at, month)
    )
    for event_id, case_id, actor_id, at, due_at in db.session.execute(stmt):
        if actor_id is None or (due_at is not None and at > due_at):
            continue
        yield _case_scoring(
            f"case_resolve:{event_id}",
            r.CASE_RESOLVED_LEVEL1_ON_TIME,
            actor_id,
            at,
            case_id,
            event_id,
        )


def _ratings(month: Month) -> Iterator[Scoring]:
    resolve = aliased(CaseEvent)
    resolver = (
        sa.select(resolve.actor_id)
        .where(
            resolve.case_id == CaseEvent.case_id,
            resolve.action == Action.RESOLVE,
            resolve.id < CaseEvent.id,
        )
        .order_by(resolve.id.desc())
        .limit(1)
        .correlate(CaseEvent)
        .scalar_subquery()
    )
    stmt = sa.select(
        CaseEvent.id, CaseEvent.case_id, CaseEvent.at, CaseEvent.data, resolver.label("resolver")
    ).where(CaseEvent.action == Action.RATE, in_month(CaseEvent.at, month))
    for event_id, case_id, at, data, resolver_id in db.session.execute(stmt):
        code = SATISFACTION_CODES.get((data or {}).get("satisfaction"))
        if code is None or resolver_id is None:
            continue
        yield _case_scoring(f"case_rate:{event_id}", code, resolver_id, at, case_id, event_id)


# -- checklists -----------------------------------------------------------------------
CHECKLIST_CODES = {Outcome.ON_TIME: r.CHECKLIST_ON_TIME, Outcome.MISSING: r.CHECKLIST_MISSING}


def _checklists(month: Month) -> Iterator[Scoring]:
    stmt = sa.select(
        WeeklyChecklist.id, WeeklyChecklist.user_id, WeeklyChecklist.due_at, WeeklyChecklist.outcome
    ).where(
        WeeklyChecklist.outcome.in_(list(CHECKLIST_CODES)), in_month(WeeklyChecklist.due_at, month)
    )
    for checklist_id, user_id, due_at, outcome in db.session.execute(stmt):
        yield Scoring(
            f"checklist:{checklist_id}",
            CHECKLIST_CODES[outcome],
            user_id,
            due_at,
            SourceType.CHECKLIST,
            checklist_id,
        )
