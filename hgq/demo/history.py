"""A year of history for the demo zone, so its dashboard and point rankings have
something to show: some 10–20 requests a month over the last twelve months and the
current one up to yesterday, each taken step by step through the case services.

How it is made: :func:`hgq.demo.history_plan.plan_history` draws the requests (seeded,
so the same every build on a given day); each becomes a *life*
(:func:`hgq.demo.history_life.case_life`) that yields the moment of its next step.
The lives run in time order, every step inside :func:`hgq.db.clock_at` of its moment,
so events, deadlines and notices are stamped as of then. Whenever a deadline passes
(or a resolved case's week for a rating ends) before the next step, the deadline
sweep runs at that moment — one minute after it, as the minute sweep would — so
missed deadlines, automatic escalations, 督办 and automatic closing are recorded the
way the product records them. After the last step the sweep catches up to now, the
points of every month are recomputed, and notifications older than a few days are
marked read (people have read them by now). The statistics rollup follows every
change through its hooks in the case services; ``flask demo`` rebuilds it after the
build anyway.

Marker (idempotence): the history's cases are the only ones submitted before their
creator's account was made — they are backdated, the accounts are made at the real
time of the build. One such case means the history is there, and nothing is made.

Commits: unlike the rest of the demo build, this commits, because the deadline sweep
works in its own per-case transactions and starts by rolling back whatever is
pending; the work so far (the demo zone included) is committed before each sweep.
"""

from __future__ import annotations

import heapq
import itertools
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from hgq.accounts.models import User
from hgq.accounts.queries import get_user_by_username
from hgq.cases.models import OPEN_STATUSES, Case, CaseStatus, Category
from hgq.cases.services import ensure_default_categories
from hgq.cases.workflow import TOP_LEVEL
from hgq.db import clock_at, utcnow
from hgq.deadlines.models import DeadlineNotice
from hgq.deadlines.services import get_calendar, get_policies
from hgq.deadlines.sweep import run_sweep
from hgq.demo import data
from hgq.demo.history_life import Actions, Life, case_life
from hgq.demo.history_plan import Firm, WorkClock, history_months, plan_history
from hgq.enterprises.models import Assignment
from hgq.extensions import db
from hgq.notifications.models import Notification
from hgq.notifications.services import mark_read
from hgq.points.engine import recompute
from hgq.timeutil import local_today, zone

log = logging.getLogger(__name__)

# The minute sweep acts within a minute of a deadline.
SWEEP_LAG = timedelta(minutes=1)
# Notifications older than this are read by the end of the history.
READ_AFTER = timedelta(days=3)
COMMITTEE = "committee1"


def ensure_demo_history(created: Counter[str]) -> None:
    """Make the demo zone's history unless it is there (see the module's marker);
    counts its cases in ``created["history_cases"]`` and the visits it logs in
    ``created["visits"]``. Needs the demo zone (enterprises, their accounts and
    assignments, the committee account)."""
    if history_exists():
        return
    committee = db.session.scalar(get_user_by_username(COMMITTEE))
    firms = _firms()
    if committee is None or not firms:
        return
    ensure_default_categories()
    categories = {
        code: id_ for code, id_ in db.session.execute(sa.select(Category.code, Category.id))
    }
    now = utcnow()
    today = local_today()
    clock = WorkClock(get_calendar(), zone())
    actions = Actions(clock, categories, committee.id, created)
    runner = _Runner(clock.at(today, datetime.min.time()), actions)
    for plan in plan_history(today, clock, firms):
        runner.add(case_life(actions, plan))
    runner.run()
    runner.sweep_until(now)  # what the minute sweep would have done since
    _read_old_notifications(actions.case_ids, now - READ_AFTER)
    for month in history_months(today):
        recompute(f"{month:%Y-%m}", now)
    db.session.flush()
    log.info("演示历史：%s 件诉求，巡检 %s 次", len(actions.case_ids), runner.sweeps)


def history_exists() -> bool:
    """Whether a case was submitted before its creator's account was made (only the
    history's backdated cases are)."""
    stmt = (
        sa.select(Case.id)
        .join(User, User.id == Case.created_by_id)
        .where(Case.created_at < User.created_at)
        .limit(1)
    )
    return db.session.scalar(stmt) is not None


def _firms() -> list[Firm]:
    """The demo enterprises that have an account and a current officer and leader."""
    from hgq.demo.services import enterprise_username  # the services call this module

    firms = []
    for n in range(len(data.ENTERPRISES)):
        account = db.session.scalar(get_user_by_username(enterprise_username(n)))
        if account is None or account.enterprise is None or not account.enterprise.is_active:
            continue
        assignment = db.session.scalar(
            sa.select(Assignment).where(
                Assignment.enterprise_id == account.enterprise_id, Assignment.end_date.is_(None)
            )
        )
        if assignment is not None:
            firms.append(
                Firm(account.enterprise.id, account.id, assignment.officer_id, assignment.leader_id)
            )
    return firms


@dataclass(frozen=True)
class _Policy:
    auto_escalate: bool
    auto_close_days: int


class _Runner:
    """Runs the lives in time order, and the deadline sweep whenever it has something
    to do before the next step (only then: a sweep every minute would be far slower
    and record nothing more).

    The sweep acts on a case when its current deadline passes (an overdue notice; at
    level 3 a 督办), when its resolution deadline passes (an escalation), or when a
    resolved case's days for a rating run out (closing it). Those moments are kept
    per case: refreshed for the cases a step touched, and for all after a sweep
    (the only writer of the notices that mark a deadline as handled).
    """

    def __init__(self, end: datetime, actions: Actions) -> None:
        self.end = end  # no step at or after it (the history stops before today)
        self.actions = actions
        self.queue: list[tuple[datetime, int, Life]] = []
        self.order = itertools.count()
        self.swept: datetime | None = None  # the last sweep's moment
        self.sweeps = 0
        self.policies = {
            level: _Policy(bool(p.auto_escalate), int(p.auto_close_days))
            for level, p in get_policies().items()
        }
        self.claimed: set[tuple[int, str, datetime]] = set()
        self.moments: dict[int, list[datetime]] = {}
        self._refresh_all()

    def add(self, life: Life) -> None:
        self._push(next(life, None), life)

    def _push(self, moment: datetime | None, life: Life) -> None:
        if moment is None:
            return
        if moment >= self.end:
            life.close()
            return
        heapq.heappush(self.queue, (moment, next(self.order), life))

    def run(self) -> None:
        while self.queue:
            moment, _, life = heapq.heappop(self.queue)
            self.sweep_until(moment)
            with clock_at(moment):
                following = next(life, None)
            for case_id in self.actions.touched:
                self._refresh(db.session.get_one(Case, case_id))
            self.actions.touched.clear()
            if following is not None:
                following = max(following, moment + timedelta(seconds=1))
            self._push(following, life)

    def sweep_until(self, moment: datetime) -> None:
        """Run the sweep at each moment before ``moment`` it has something to do."""
        while (due := self._next_due()) is not None and due < moment:
            at = min(due + SWEEP_LAG, moment)
            db.session.commit()  # the sweep rolls back what is pending
            with clock_at(at):
                run_sweep(now=at)
            self.swept = at
            self.sweeps += 1
            self._refresh_all()

    def _next_due(self) -> datetime | None:
        """The earliest moment, not yet swept, at which the sweep acts on a case."""
        swept = self.swept
        return min(
            (m for ms in self.moments.values() for m in ms if swept is None or m >= swept),
            default=None,
        )

    def _refresh_all(self) -> None:
        notices = sa.select(DeadlineNotice.case_id, DeadlineNotice.kind, DeadlineNotice.due_at)
        kinds = DeadlineNotice.kind.in_(("overdue", "urged"))
        self.claimed = {tuple(row) for row in db.session.execute(notices.where(kinds))}
        waiting = sa.or_(
            Case.status.in_(OPEN_STATUSES),
            sa.and_(Case.status == CaseStatus.RESOLVED, Case.rated_at.is_(None)),
        )
        self.moments = {}
        for case in db.session.scalars(sa.select(Case).where(waiting)):
            self._refresh(case)

    def _refresh(self, case: Case) -> None:
        moments = self._moments(case)
        if moments:
            self.moments[case.id] = moments
        else:
            self.moments.pop(case.id, None)

    def _moments(self, case: Case) -> list[datetime]:
        if case.status is CaseStatus.RESOLVED and case.rated_at is None:
            days = self.policies[case.resolved_level or case.level].auto_close_days
            resolved = case.resolved_at
            return [resolved + timedelta(days=days)] if resolved and days > 0 else []
        due, resolution_due = case.due_at, case.resolution_due_at
        if case.status not in OPEN_STATUSES or case.paused_at is not None or due is None:
            return []
        moments = [] if (case.id, "overdue", due) in self.claimed else [due]
        if resolution_due is None or not self.policies[case.level].auto_escalate:
            return moments
        if case.level < TOP_LEVEL or (case.id, "urged", resolution_due) not in self.claimed:
            moments.append(max(due, resolution_due))  # an escalation, or at level 3 a 督办
        return moments


def _read_old_notifications(case_ids: list[int], before: datetime) -> None:
    """Mark the history's notifications made before ``before`` read, as of then."""
    rows = db.session.execute(
        sa.select(Notification.user_id, Notification.id).where(
            Notification.case_id.in_(case_ids),
            Notification.read_at.is_(None),
            Notification.created_at < before,
        )
    )
    by_user: defaultdict[int, list[int]] = defaultdict(list)
    for user_id, notification_id in rows:
        by_user[user_id].append(notification_id)
    with clock_at(before):
        for user_id, ids in by_user.items():
            mark_read(user_id, ids)
