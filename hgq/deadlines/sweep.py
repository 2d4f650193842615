"""The deadline sweep (DESIGN §4): what happens by itself when a deadline passes.

Run every minute (``flask --app app sweep`` from cron or a systemd timer, or the
opt-in in-process scheduler). Each effect happens exactly once, however often the
sweep runs and however many sweeps run at once:

- escalation and auto-close go through :func:`perform_action` with the version the
  sweep read, so a second sweep finds the case changed (no longer a candidate, or a
  VersionConflict) and leaves it;
- 督办 and the due-soon / overdue notices first insert a :class:`DeadlineNotice`
  whose unique key (case, kind, due time) refuses a second one.

Candidates are found with indexed SQL (``due_at``, ``due_soon_at``, ``status``) in
batches of ids; each case is then re-read with its conditions (``FOR UPDATE SKIP
LOCKED`` on PostgreSQL, so two sweeps share the work) and handled in its own small
transaction. A conflict on one case rolls back that case only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.exc import StaleDataError

from hgq.cases.models import OPEN_STATUSES, Case, CaseStatus
from hgq.cases.notifications import queue_owners
from hgq.cases.services import perform_action
from hgq.cases.workflow import TOP_LEVEL, Action
from hgq.checklists.services import close_weeks
from hgq.db import utcnow
from hgq.deadlines.models import DeadlineNotice, SlaPolicy
from hgq.deadlines.services import get_calendar, get_policies
from hgq.enterprises.models import Assignment
from hgq.errors import DomainError
from hgq.extensions import db
from hgq.notifications.mail import deliver_mail
from hgq.notifications.services import notify
from hgq.points.engine import recompute_recent
from hgq.timeutil import to_local

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500
ESCALATE_NOTE = "超期自动升级"
URGE_NOTE = "三级办理超期，自动督办"
CLOSE_NOTE = "企业超过{days}天未评价，自动归档"
OPEN = tuple(OPEN_STATUSES)


@dataclass
class SweepResult:
    """What one sweep did. ``skipped``: cases another sweep or user changed meanwhile
    (left for them); ``errors``: cases that failed unexpectedly (logged)."""

    escalated: int = 0
    urged: int = 0
    due_soon: int = 0
    overdue: int = 0
    closed: int = 0
    skipped: int = 0
    errors: int = 0
    mails_sent: int = 0
    digests: int = 0
    # Weekly checklists recorded as missing (每周清单 closed unsubmitted).
    checklists_missing: int = 0
    # Point entries written by the points engine (new ones and corrections).
    points_added: int = 0

    def summary(self) -> str:
        text = (
            f"期限巡检完成：自动升级 {self.escalated} 件，自动督办 {self.urged} 件，"
            f"即将到期提醒 {self.due_soon} 件，超期提醒 {self.overdue} 件，"
            f"自动归档 {self.closed} 件"
        )
        if self.checklists_missing:
            text += f"；记录未提交每周清单 {self.checklists_missing} 份"
        if self.points_added:
            text += f"；记录积分 {self.points_added} 条"
        if self.mails_sent or self.digests:
            text += f"；发送邮件 {self.mails_sent} 封、每日摘要 {self.digests} 封"
        if self.skipped:
            text += f"；{self.skipped} 件已被他人或另一巡检处理，跳过"
        if self.errors:
            text += f"；{self.errors} 件处理出错（见日志）"
        return text + "。"

    @property
    def total(self) -> int:
        """How many effects happened (not counting skipped or failed cases)."""
        return sum(
            getattr(self, f.name)
            for f in fields(self)
            if f.name
            not in (
                "skipped",
                "errors",
                "mails_sent",
                "digests",
                "checklists_missing",
                "points_added",
            )
        )


@dataclass(frozen=True)
class _Policy:
    auto_escalate: bool
    auto_close_days: int

    @classmethod
    def of(cls, policy: SlaPolicy) -> _Policy:
        return cls(bool(policy.auto_escalate), int(policy.auto_close_days))


# What a concurrent change looks like: the case moved on, the notice exists, SQLite's
# writer lock timed out. The case is left for the next run.
EXPECTED = (DomainError, IntegrityError, StaleDataError, OperationalError)


class _Sweep:
    def __init__(self, now: datetime, batch_size: int) -> None:
        self.now = now
        self.batch_size = batch_size
        self.result = SweepResult()
        # Read once per sweep (the calendar is kept in ``g`` for the actions too).
        get_calendar()
        # Plain copies: the ORM rows would expire at the first per-case commit.
        self.policies = {lv: _Policy.of(p) for lv, p in get_policies().items()}
        db.session.rollback()  # end the read transaction; work happens per case
        self.lock = db.session.get_bind().dialect.name == "postgresql"

    # -- the loop shared by every step --------------------------------------------
    def _ids(self, where: list[sa.ColumnElement[bool]]) -> Iterator[int]:
        """Candidate ids in batches, by id (keyset), so no case is seen twice in a step
        and memory stays flat whatever the number of cases."""
        last = 0
        while True:
            ids = list(
                db.session.scalars(
                    sa.select(Case.id)
                    .where(*where, Case.id > last)
                    .order_by(Case.id)
                    .limit(self.batch_size)
                )
            )
            db.session.rollback()
            yield from ids
            if len(ids) < self.batch_size:
                return
            last = ids[-1]

    def _lock(self, case_id: int, where: list[sa.ColumnElement[bool]]) -> Case | None:
        """The case if it still qualifies (and, on PostgreSQL, nobody holds it)."""
        stmt = (
            sa.select(Case)
            .where(Case.id == case_id, *where)
            .options(lazyload(Case.category))
            .execution_options(populate_existing=True)
        )
        if self.lock:
            stmt = stmt.with_for_update(skip_locked=True, of=Case)
        return db.session.scalar(stmt)

    def _each(
        self, where: list[sa.ColumnElement[bool]], handle: Callable[[Case], None], counter: str
    ) -> None:
        for case_id in self._ids(where):
            try:
                case = self._lock(case_id, where)
                if case is None:  # done by another sweep meanwhile, or held by it now
                    db.session.rollback()
                    continue
                handle(case)
                db.session.commit()
            except EXPECTED as exc:
                db.session.rollback()
                self.result.skipped += 1
                log.info("期限巡检跳过案件 %s：%s", case_id, exc)
                continue
            except Exception:
                db.session.rollback()
                self.result.errors += 1
                log.exception("期限巡检处理案件 %s 出错", case_id)
                continue
            setattr(self.result, counter, getattr(self.result, counter) + 1)
        db.session.expunge_all()

    def _once(self, case: Case, kind: str, due_at: datetime) -> None:
        """Claim a once-only effect; the unique key refuses a second claim."""
        db.session.add(DeadlineNotice(case_id=case.id, kind=kind, due_at=due_at))
        db.session.flush()

    @staticmethod
    def _not_claimed(kind: str, due_column: sa.ColumnElement[datetime]) -> sa.ColumnElement[bool]:
        return ~sa.exists().where(
            DeadlineNotice.case_id == Case.id,
            DeadlineNotice.kind == kind,
            DeadlineNotice.due_at == due_column,
        )

    def _running(self) -> list[sa.ColumnElement[bool]]:
        return [Case.status.in_(OPEN), Case.paused_at.is_(None)]

    def _overdue(self) -> list[sa.ColumnElement[bool]]:
        # ``due_at`` (indexed) is never later than the resolution deadline: it is the
        # response deadline until the first answer, then the resolution deadline.
        return [Case.due_at < self.now, Case.resolution_due_at < self.now]

    # -- 1. escalate overdue cases one level --------------------------------------
    def escalate(self) -> None:
        levels = [lv for lv, p in self.policies.items() if lv < TOP_LEVEL and p.auto_escalate]
        if not levels:
            return
        where = [*self._running(), Case.level.in_(levels), *self._overdue()]

        def handle(case: Case) -> None:
            perform_action(
                case, Action.ESCALATE, None, expected_version=case.version, note=ESCALATE_NOTE
            )

        self._each(where, handle, "escalated")

    # -- 2. flag 督办 on overdue level-3 cases, once per deadline ------------------
    def urge(self) -> None:
        if not self.policies[TOP_LEVEL].auto_escalate:
            return
        where = [
            *self._running(),
            Case.level == TOP_LEVEL,
            *self._overdue(),
            self._not_claimed("urged", Case.resolution_due_at),
        ]

        def handle(case: Case) -> None:
            self._once(case, "urged", case.resolution_due_at)  # type: ignore[arg-type]
            perform_action(case, Action.URGE, None, expected_version=case.version, note=URGE_NOTE)

        self._each(where, handle, "urged")

    # -- 3. due-soon notices ------------------------------------------------------
    def due_soon(self) -> None:
        where = [
            *self._running(),
            Case.due_soon_at <= self.now,
            Case.due_at > self.now,
            self._not_claimed("due_soon", Case.due_at),
        ]

        def handle(case: Case) -> None:
            self._once(case, "due_soon", case.due_at)  # type: ignore[arg-type]
            notify(
                queue_owners(case),
                kind="case_due_soon",
                title=f"案件即将到期：{case.code} {case.title}",
                body=f"{_what_is_due(case)}将于{_local(case.due_at)}到期，请及时办理。",
                case_id=case.id,
            )

        self._each(where, handle, "due_soon")

    # -- 4. overdue notices -------------------------------------------------------
    def overdue(self) -> None:
        where = [
            *self._running(),
            Case.due_at < self.now,
            self._not_claimed("overdue", Case.due_at),
        ]

        def handle(case: Case) -> None:
            self._once(case, "overdue", case.due_at)  # type: ignore[arg-type]
            recipients = queue_owners(case)
            if case.level == 1:
                recipients += _leaders(case)
            notify(
                recipients,
                kind="case_overdue",
                title=f"案件已超期：{case.code} {case.title}",
                body=f"{_what_is_due(case)}已于{_local(case.due_at)}到期，请尽快办理。",
                case_id=case.id,
            )

        self._each(where, handle, "overdue")

    # -- 5. close resolved cases the enterprise did not rate ----------------------
    def auto_close(self) -> None:
        level = sa.func.coalesce(Case.resolved_level, Case.level)
        # An auto_close_days of 0 (or less) turns auto-closing off for that level.
        limits = [
            sa.and_(level == lv, Case.resolved_at < self.now - timedelta(days=p.auto_close_days))
            for lv, p in self.policies.items()
            if p.auto_close_days > 0
        ]
        if not limits:
            return
        where = [
            Case.status == CaseStatus.RESOLVED,
            Case.rated_at.is_(None),
            Case.resolved_at.is_not(None),
            sa.or_(*limits),
        ]

        def handle(case: Case) -> None:
            policy = self.policies[case.resolved_level or case.level]
            note = CLOSE_NOTE.format(days=policy.auto_close_days)
            perform_action(case, Action.CLOSE, None, expected_version=case.version, note=note)

        self._each(where, handle, "closed")


def _what_is_due(case: Case) -> str:
    return "响应时限" if case.responded_at is None else "办理时限"


def _local(value: datetime | None) -> str:
    local = to_local(value)
    return local.strftime("%Y-%m-%d %H:%M") if local else ""


def _leaders(case: Case) -> list[int]:
    leader = db.session.scalar(
        sa.select(Assignment.leader_id).where(
            Assignment.enterprise_id == case.enterprise_id, Assignment.end_date.is_(None)
        )
    )
    return [leader] if leader is not None else []


def run_sweep(now: datetime | None = None, batch_size: int | None = None) -> SweepResult:
    """Apply every deadline effect due at ``now`` (default: the current time) and say
    how many of each happened. Commits per case; call inside an app context.

    ``now`` decides which cases qualify; the actions themselves are stamped with the
    real time (as every action is)."""
    now = now or utcnow()
    size = batch_size or current_app.config.get("SWEEP_BATCH_SIZE", DEFAULT_BATCH_SIZE)
    sweep = _Sweep(now, size)
    # Escalation first: an escalated case has a new deadline, so it is neither urged
    # nor told it is overdue for the deadline it just left.
    sweep.escalate()
    sweep.urge()
    sweep.due_soon()
    sweep.overdue()
    sweep.auto_close()
    # Weeks whose late-submission period has ended count as missing (for the points).
    sweep.result.checklists_missing = close_weeks(now)
    db.session.commit()
    # Points (积分考核) of this month and the last, from what just happened too.
    sweep.result.points_added = recompute_recent(now).changed
    # Mail last, after every case's transaction: it retries what failed earlier and
    # sends the daily digests (no-op unless MAIL_SERVER is set).
    mail = deliver_mail(now)
    sweep.result.mails_sent, sweep.result.digests = mail["sent"], mail["digests"]
    return sweep.result
