"""A month of record computed by hand: October 2026 (local time) in the test zone.

Cases are moved through the real services at fixed October times (``clock_at``; their
events are append-only), then their level-1 deadlines are put at fixed times, so on
time and late do not depend on when the tests run.

Zone additions: officer3 干部三 covers 丙企业 (leader2); officer4 干部四 has nothing.

Case 1 (甲, officer1): accept 12日 on time, resolve at level 1 on 14日 (deadline
  19日), rated 满意 → officer1 +1 +3 +2.
Case 2 (甲, officer1): first reply 14日 after the response deadline (13日) −1;
  the sweep escalates it on 20日 (officer1 missed level 1) −2; leader1 resolves at
  level 2 on 22日, rated 不满意 → leader1 −3; resolved again 26日, rated 基本满意 → 0.
Case 3 (乙, officer2): accept on time +1, level-1 deadline 20日 passes (the sweep's
  overdue notice, automatic escalation off) −2, resolved late on 30日 (no +3), rated
  满意 on 31日 → officer2 +2.
Case 4 (乙, officer2): 一次办 — resolved on the spot on 27日: responded on time +1,
  level 1 on time +3; not rated.
Visits: officer1 甲 on 12日 and 14日 (one ISO week: +1) and 20日 (+1); leader1 甲
  15日 (+1); officer2 乙 on 13日 (+1), and 9月30日 then 10月2日 (one week, whose first
  visit is in September: nothing in October); officer3 丙 on 1, 6, 13, 20, 27日
  (five weeks: +5).
Checklists: officer1 W41 on time +1, W42 late 0, W43 missing −2; officer2 W42
  missing −2, W43 late 0.

Totals: officer1 4, officer2 4, officer3 5, officer4 0; leader1 −2, leader2 0.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from hgq.accounts.models import Role, User
from hgq.cases.models import Case, CaseEvent
from hgq.cases.services import perform_action
from hgq.cases.workflow import Action
from hgq.checklists.models import ChecklistStatus, Outcome, WeeklyChecklist
from hgq.db import clock_at
from hgq.deadlines.models import CaseDeadline, DeadlineNotice
from hgq.deadlines.sweep import ESCALATE_NOTE
from hgq.enterprises.models import Enterprise
from hgq.extensions import db
from hgq.visits.models import Visit, VisitMethod
from tests import factories

MONTH = "2026-10"
ZONE = ZoneInfo("Asia/Shanghai")

EXPECTED_TOTALS = {"officer1": 4, "officer2": 4, "officer3": 5, "officer4": 0}
EXPECTED_LEADER_TOTALS = {"leader1": -2, "leader2": 0}
EXPECTED_BY_RULE = {
    "officer1": {
        "visit_logged": 2,
        "case_responded_on_time": 1,
        "case_responded_late": -1,
        "case_resolved_level1_on_time": 3,
        "case_rated_satisfied": 2,
        "deadline_missed": -2,
        "checklist_on_time": 1,
        "checklist_missing": -2,
    },
    "officer2": {
        "visit_logged": 1,
        "case_responded_on_time": 2,
        "case_resolved_level1_on_time": 3,
        "case_rated_satisfied": 2,
        "deadline_missed": -2,
        "checklist_missing": -2,
    },
    "officer3": {"visit_logged": 5},
    "leader1": {"visit_logged": 1, "case_rated_unsatisfied": -3},
}
EXPECTED_ENTRIES = 23


def local(day: int, hour: int = 10, minute: int = 0, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=ZONE)


def _new(enterprise_id: int, creator_id: int, title: str, when: datetime) -> Case:
    with clock_at(when):
        return factories.make_case(enterprise_id, creator_id, title=title)


def _act(case: Case, action: Action, user_id: int | None, when: datetime, **kw: object) -> None:
    """Act at ``when``: case events are append-only, so they get their times as written."""
    actor = db.session.get(User, user_id) if user_id else None
    with clock_at(when):
        perform_action(case, action, actor, expected_version=case.version, **kw)
        db.session.commit()


def _place(case: Case, times: list[datetime], response_due: datetime, level1_due: datetime) -> None:
    """Check that the case's events stand at ``times`` (in order); put its level-1
    deadlines."""
    got = db.session.scalars(
        sa.select(CaseEvent.at).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
    ).all()
    assert got == times, (case.code, got)
    first = (CaseDeadline.case_id == case.id, CaseDeadline.level == 1)
    db.session.execute(
        sa.update(CaseDeadline)
        .where(*first, CaseDeadline.kind == "response")
        .values(due_at=response_due, created_at=times[0])
    )
    db.session.execute(
        sa.update(CaseDeadline)
        .where(*first, CaseDeadline.kind == "resolution")
        .values(due_at=level1_due, created_at=times[0])
    )
    case.created_at = times[0]
    case.response_due_at = response_due
    db.session.commit()


def _cases(z: SimpleNamespace) -> dict[str, int]:
    resolve = {"note": "已协调办结", "resolution_type": "solved"}
    t = [local(12, 9), local(12), local(14), local(15)]
    c1 = _new(z.ent_a, z.officer1, "用地手续", t[0])
    _act(c1, Action.ACCEPT, z.officer1, t[1])
    _act(c1, Action.RESOLVE, z.officer1, t[2], **resolve)
    _act(c1, Action.RATE, z.user_a, t[3], solved=True, satisfaction="satisfied")
    _place(c1, t, local(13, 9), local(19, 9))

    t = [local(12, 9), local(14), local(20, 9, 1), local(22), local(23), local(26), local(27)]
    c2 = _new(z.ent_a, z.officer1, "融资对接", t[0])
    _act(c2, Action.REPLY, z.officer1, t[1], note="正在联系银行")
    _act(c2, Action.ESCALATE, None, t[2], note=ESCALATE_NOTE)  # what the sweep does
    _act(c2, Action.RESOLVE, z.leader1, t[3], **resolve)
    _act(c2, Action.RATE, z.user_a, t[4], solved=False, satisfaction="dissatisfied")
    _act(c2, Action.RESOLVE, z.leader1, t[5], **resolve)
    _act(c2, Action.RATE, z.user_a, t[6], solved=True, satisfaction="basically_satisfied")
    _place(c2, t, local(13, 9), local(19, 9))

    t = [local(13, 9), local(13, 11), local(30), local(31)]
    c3 = _new(z.ent_b, z.officer2, "用工招聘", t[0])
    _act(c3, Action.ACCEPT, z.officer2, t[1])
    _act(c3, Action.RESOLVE, z.officer2, t[2], **resolve)
    _act(c3, Action.RATE, z.user_b, t[3], solved=True, satisfaction="satisfied")
    _place(c3, t, local(14, 9), local(20, 9))
    db.session.add(
        DeadlineNotice(
            case_id=c3.id, kind="overdue", due_at=local(20, 9), created_at=local(20, 9, 1)
        )
    )

    t = [local(27, 9), local(27, 9, 30)]
    c4 = _new(z.ent_b, z.officer2, "现场办结", t[0])
    _act(c4, Action.RESOLVE, z.officer2, t[1], **resolve)
    _place(c4, t, local(28, 9), local(5, 9, month=11))
    db.session.commit()
    return {"case1": c1.id, "case2": c2.id, "case3": c3.id, "case4": c4.id}


def _visits(z: SimpleNamespace) -> None:
    plan = [
        (z.officer1, z.ent_a, date(2026, 10, 12)),
        (z.officer1, z.ent_a, date(2026, 10, 14)),
        (z.officer1, z.ent_a, date(2026, 10, 20)),
        (z.leader1, z.ent_a, date(2026, 10, 15)),
        (z.officer2, z.ent_b, date(2026, 10, 13)),
        (z.officer2, z.ent_b, date(2026, 9, 30)),
        (z.officer2, z.ent_b, date(2026, 10, 2)),
        *[(z.officer3, z.ent_c, date(2026, 10, d)) for d in (1, 6, 13, 20, 27)],
    ]
    for visitor, enterprise, day in plan:
        db.session.add(
            Visit(
                enterprise_id=enterprise,
                visitor_id=visitor,
                visited_on=day,
                method=VisitMethod.ONSITE,
                summary="走访了解情况",
            )
        )
        db.session.flush()  # ids in the order above


def _checklists(z: SimpleNamespace) -> None:
    plan = [
        (z.officer1, date(2026, 10, 5), Outcome.ON_TIME),
        (z.officer1, date(2026, 10, 12), Outcome.LATE),
        (z.officer1, date(2026, 10, 19), Outcome.MISSING),
        (z.officer2, date(2026, 10, 12), Outcome.MISSING),
        (z.officer2, date(2026, 10, 19), Outcome.LATE),
    ]
    for user_id, monday, outcome in plan:
        due = datetime.combine(monday + timedelta(days=4), time(18), tzinfo=ZONE)
        submitted = {
            Outcome.ON_TIME: due - timedelta(hours=3),
            Outcome.LATE: due + timedelta(days=1),
            Outcome.MISSING: None,
        }[outcome]
        db.session.add(
            WeeklyChecklist(
                user_id=user_id,
                week_start=monday,
                due_at=due,
                submitted_at=submitted,
                status=ChecklistStatus.OPEN if submitted is None else ChecklistStatus.SUBMITTED,
                outcome=outcome,
            )
        )


def build_october(zone: SimpleNamespace) -> SimpleNamespace:
    """The zone plus officer3/officer4 and October's record; returns every id."""
    admin = db.session.get(User, zone.admin)
    officer3 = factories.make_user("officer3", Role.OFFICER, name="干部三")
    officer4 = factories.make_user("officer4", Role.OFFICER, name="干部四")
    factories.assign(
        db.session.get(Enterprise, zone.ent_c), officer3, db.session.get(User, zone.leader2), admin
    )
    z = SimpleNamespace(**vars(zone), officer3=officer3.id, officer4=officer4.id)
    cases = _cases(z)
    _visits(z)
    _checklists(z)
    db.session.commit()
    return SimpleNamespace(**vars(z), **cases)
