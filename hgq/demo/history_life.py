"""The life of one case of the demo zone's history, as a generator of moments.

:func:`case_life` yields the moment of its next step; :mod:`hgq.demo.history` runs
every life in time order, each step inside ``clock_at`` of its moment, and runs the
deadline sweep whenever a deadline passes between two steps. So each step reads the
case as it stands then — escalated by the sweep, perhaps — and the next move is
drawn from the plan's ``rng``: whoever holds the case then takes it.

Everything goes through the case and visit services, as people would act.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Generator
from datetime import datetime

from hgq.accounts.models import User
from hgq.cases.models import OPEN_STATUSES, Case, CaseStatus, Category, Satisfaction
from hgq.cases.services import create_case, perform_action
from hgq.cases.workflow import TOP_LEVEL, Action
from hgq.demo import history_texts as texts
from hgq.demo.history_matters import EXPLAINED, SOLVED, Matter
from hgq.demo.history_plan import CasePlan, WorkClock
from hgq.enterprises.models import Enterprise
from hgq.extensions import db
from hgq.visits.models import VisitMethod
from hgq.visits.services import Problem, record_visit

# A step generator: yields the moments of its steps, returns the moment it ended at
# (Life: None when the case left the way, withdrawn or closed meanwhile).
Steps = Generator[datetime, None, datetime]
Life = Generator[datetime, None, datetime | None]
S = CaseStatus
WORKING = (S.ACCEPTED, S.IN_PROGRESS)
DAY = 390  # working minutes in a day of office hours

# How often (per case) each thing happens.
LATE_RESPONSE = 0.10  # of the requests an enterprise submits: answered after the limit
FIRST_REPLY = 0.3  # answered with a reply rather than a plain 受理
PAUSE = 0.04  # 挂起 while the enterprise supplies documents
EXTENSION = 0.05  # 申请延期, granted by the leader
PROGRESS = 0.25  # a progress reply or an internal note on the way
TO_LEADER = 0.08  # escalated by the officer to the leader …
TO_COMMITTEE = 0.35  # … and of those, by the leader to the committee
LONG = 0.02  # a hard matter: straight up to the committee, which takes long
LATE = 0.06  # resolution deadline missed at its level: the sweep escalates it
UNRATED = 0.09  # the enterprise never rates: the sweep closes it after a week
DISSATISFIED = 0.08  # 不满意: reopened …
WITHDRAW_AFTER = 0.4  # … and of those, withdrawn by the enterprise instead of redone


class Actions:
    """The steps of the lives: acting as the right person on a case, by id."""

    def __init__(
        self, clock: WorkClock, categories: dict[str, int], committee_id: int, created: Counter[str]
    ) -> None:
        self.clock = clock
        self.categories = categories
        self.committee_id = committee_id
        self.created = created
        self.case_ids: list[int] = []
        self.touched: set[int] = set()  # the cases a step acted on (for the runner)

    def case(self, case_id: int) -> Case:
        case = db.session.get(Case, case_id)
        if case is None:
            raise LookupError(case_id)
        return case

    def due(self, case_id: int, kind: str = "resolution") -> datetime:
        """The case's resolution (or response) deadline: set from its submission on."""
        case = self.case(case_id)
        due = case.resolution_due_at if kind == "resolution" else case.response_due_at
        if due is None:
            raise LookupError(f"case {case_id} has no {kind} deadline")
        return due

    def submit(self, plan: CasePlan, at: datetime) -> int:
        """Log the request as its creator would: the officer (with his visit, if on
        one) or the enterprise account."""
        firm = plan.firm
        enterprise = db.session.get_one(Enterprise, firm.enterprise_id)
        source = plan.source
        category = db.session.get_one(Category, self.categories[source.category])
        officer = db.session.get_one(User, firm.officer_id)
        if plan.on_visit:
            _, cases = record_visit(
                visitor=officer,
                enterprise=enterprise,
                visited_on=at.astimezone(self.clock.tz).date(),
                method=VisitMethod.ONSITE,
                summary=plan.rng.choice(texts.VISIT_SUMMARIES).format(title=source.title),
                people_met=enterprise.contact_name,
                problems=[Problem(source.title, source.description, category)],
            )
            self.created["visits"] += 1
            case = cases[0]
        else:
            creator = officer if plan.by_officer else db.session.get(User, firm.account_id)
            case = create_case(
                creator=creator,
                enterprise=enterprise,
                title=source.title,
                description=source.description,
                category=category,
                channel=plan.channel,
                urgency=plan.urgency,
            )
        self.created["history_cases"] += 1
        self.case_ids.append(case.id)
        self.touched.add(case.id)
        return case.id

    def holder(self, case: Case, plan: CasePlan) -> int:
        """Who acts for the case's handler now: the handler, or for a queue the leader
        (level 2) or the committee (level 3)."""
        if case.handler_id is not None:
            return case.handler_id
        return self.committee_id if case.level >= TOP_LEVEL else plan.firm.leader_id

    def act(
        self, case_id: int, action: Action, actor_id: int, note: str = "", **payload: object
    ) -> Case:
        case = self.case(case_id)
        actor = db.session.get_one(User, actor_id)
        perform_action(case, action, actor, expected_version=case.version, note=note, **payload)
        self.touched.add(case_id)
        return case


def case_life(a: Actions, plan: CasePlan) -> Life:
    """Submit the request, answer it, work on it, resolve it and have it rated (or
    refuse it, or see it withdrawn), yielding the moment of each step."""
    rng = plan.rng
    t = plan.submitted
    yield t
    case_id = a.submit(plan, t)
    if plan.path == "instant":
        t = a.clock.after(t, rng.randint(15, 90))
        yield t
        a.act(case_id, Action.RESOLVE, plan.firm.officer_id, **_resolution(plan.matter, 1))
        return (yield from _rating(a, plan, case_id, t))
    if plan.by_officer:
        t = a.clock.after(t, rng.randint(5, 45))
    elif rng.random() < LATE_RESPONSE:
        t = a.clock.after(a.due(case_id, "response"), rng.randint(30, 300))
    else:
        t = a.clock.within(t, a.due(case_id, "response"), rng, 0.02, 0.7)
    yield t
    case = a.case(case_id)
    if case.status is not S.SUBMITTED:
        return None
    handler = a.holder(case, plan)
    if plan.path == "refused":
        a.act(case_id, Action.REJECT, handler, note=plan.note)
        return None
    if not plan.by_officer and rng.random() < FIRST_REPLY:
        a.act(case_id, Action.REPLY, handler, note=rng.choice(texts.FIRST_REPLIES))
    else:
        a.act(case_id, Action.ACCEPT, handler)
    if plan.path == "withdrawn":
        t = a.clock.daytime_after(t, rng, (2, 30))
        yield t
        if a.case(case_id).status in OPEN_STATUSES:
            a.act(case_id, Action.WITHDRAW, plan.firm.account_id, note=plan.note)
        return None
    t = yield from _work(a, plan, case_id, t)
    if t is None:
        return None
    return (yield from _rating(a, plan, case_id, t))


def _work(a: Actions, plan: CasePlan, case_id: int, t: datetime) -> Life:
    """From acceptance to resolution; the moment of the resolution (None: the case
    left the way)."""
    rng = plan.rng
    draw = rng.random()
    if draw < PAUSE:
        t = yield from _pause(a, plan, case_id, t)
    elif draw < PAUSE + EXTENSION:
        t = yield from _extension(a, plan, case_id, t)
    if rng.random() < PROGRESS:
        t = a.clock.within(t, a.due(case_id), rng, 0.1, 0.4)
        yield t
        case = a.case(case_id)
        if case.status in WORKING:
            if rng.random() < 0.5:
                a.act(
                    case_id,
                    Action.REPLY,
                    a.holder(case, plan),
                    note=rng.choice(texts.PROGRESS_REPLIES),
                )
            else:
                a.act(
                    case_id,
                    Action.NOTE,
                    a.holder(case, plan),
                    note=rng.choice(texts.INTERNAL_NOTES),
                )
    draw = rng.random()
    long = draw < LONG
    target = TOP_LEVEL if long else 1
    if LONG <= draw < LONG + TO_LEADER:
        target = TOP_LEVEL if rng.random() < TO_COMMITTEE else 2
    t = yield from _escalate(a, plan, case_id, t, target)
    level = a.case(case_id).level
    if rng.random() < LATE:  # the handler will not make it: the sweep escalates first
        t = a.clock.after(a.due(case_id), rng.randint(60, 2 * DAY))
    elif long:  # 督办 by the sweep before the committee decides
        t = a.clock.after(t, rng.randint(23, 35) * DAY)
    else:
        t = a.clock.within(t, a.due(case_id), rng, 0.1, 0.7)
    yield t
    t = yield from _take_over(a, plan, case_id, t, level)
    if t is None:
        return None
    case = a.case(case_id)
    a.act(case_id, Action.RESOLVE, a.holder(case, plan), **_resolution(plan.matter, case.level))
    return t


def _take_over(a: Actions, plan: CasePlan, case_id: int, t: datetime, level: int) -> Life:
    """Before resolving: if the sweep escalated the case since ``level``, its new
    holder takes it on and works it within the new limit. The moment to resolve at
    (None: the case is no longer open)."""
    rng = plan.rng
    while True:
        case = a.case(case_id)
        if case.status not in OPEN_STATUSES or case.paused_at is not None:
            return None
        if case.level == level:
            return t
        level = case.level
        if case.status is S.SUBMITTED:  # escalated unanswered: the new holder accepts
            t = a.clock.after(t, rng.randint(20, 180))
            yield t
            a.act(case_id, Action.ACCEPT, a.holder(a.case(case_id), plan))
        t = a.clock.within(t, a.due(case_id), rng, 0.1, 0.5)
        yield t


def _escalate(a: Actions, plan: CasePlan, case_id: int, t: datetime, target: int) -> Steps:
    """The holder escalates the case, one level at a time, until ``target``."""
    rng = plan.rng
    while True:
        case = a.case(case_id)
        if case.level >= target or case.status not in WORKING:
            return t
        t = a.clock.within(t, a.due(case_id), rng, 0.15, 0.5)
        yield t
        case = a.case(case_id)
        if case.status not in WORKING or case.paused_at is not None or case.level >= target:
            return t
        notes = texts.ESCALATE_TO_LEADER if case.level == 1 else texts.ESCALATE_TO_COMMITTEE
        a.act(case_id, Action.ESCALATE, a.holder(case, plan), note=rng.choice(notes))


def _pause(a: Actions, plan: CasePlan, case_id: int, t: datetime) -> Steps:
    rng = plan.rng
    t = a.clock.after(t, rng.randint(30, 300))
    yield t
    case = a.case(case_id)
    if case.status not in WORKING or case.paused_at is not None:
        return t
    holder = a.holder(case, plan)
    a.act(case_id, Action.PAUSE, holder, note=rng.choice(texts.PAUSE_NOTES))
    t = a.clock.after(t, rng.randint(DAY, 3 * DAY))
    yield t
    a.act(case_id, Action.RESUME, holder, note=texts.RESUME_NOTE)
    return t


def _extension(a: Actions, plan: CasePlan, case_id: int, t: datetime) -> Steps:
    rng = plan.rng
    t = a.clock.within(t, a.due(case_id), rng, 0.4, 0.7)
    yield t
    case = a.case(case_id)
    if case.status not in WORKING or case.level != 1:
        return t
    days = rng.choice((3, 5, 5, 10))
    note = rng.choice(texts.EXTENSION_NOTES).format(days=days)
    a.act(case_id, Action.REQUEST_EXTENSION, a.holder(case, plan), note=note, working_days=days)
    t = a.clock.after(t, rng.randint(20, 180))
    yield t
    case = a.case(case_id)
    if case.extension_pending_days is not None and case.level == 1:
        a.act(case_id, Action.APPROVE_EXTENSION, plan.firm.leader_id, note=texts.EXTENSION_APPROVED)
    return t


def _resolution(matter: Matter | None, level: int, redo: str = "") -> dict[str, object]:
    if matter is None:
        raise ValueError("only a request with a matter is resolved")
    note = redo or texts.LEVEL_PREFIX[level] + matter.reply
    return {"note": note, "resolution_type": matter.resolution.value}


def _rating(a: Actions, plan: CasePlan, case_id: int, t: datetime) -> Life:
    """The enterprise's verdict, some hours to days after the resolution: mostly
    满意 or 基本满意, sometimes none (the sweep closes it), now and then 不满意, which
    reopens the case: it is redone and rated again, or withdrawn."""
    rng = plan.rng
    account = plan.firm.account_id
    draw = rng.random()
    if draw < UNRATED:
        return t
    t = a.clock.daytime_after(t, rng, (1, 60))
    yield t
    if a.case(case_id).status is not S.RESOLVED:
        return t
    if draw >= UNRATED + DISSATISFIED:
        a.act(case_id, Action.RATE, account, **_verdict(plan.matter, rng))
        return t
    comment = rng.choice(texts.COMMENTS_DISSATISFIED)
    if plan.matter is not None and plan.matter.resolution is EXPLAINED:
        comment = texts.DISSATISFIED_EXPLAINED
    a.act(case_id, Action.RATE, account, solved=False, satisfaction="dissatisfied", comment=comment)
    if rng.random() < WITHDRAW_AFTER:
        t = a.clock.daytime_after(t, rng, (24, 120))
        yield t
        if a.case(case_id).status in OPEN_STATUSES:
            a.act(case_id, Action.WITHDRAW, account, note=rng.choice(texts.WITHDRAW_AFTER_REOPEN))
        return t
    case = a.case(case_id)
    level = case.level
    t = a.clock.within(t, a.due(case_id), rng, 0.2, 0.7)
    yield t
    t = yield from _take_over(a, plan, case_id, t, level)
    if t is None:
        return None
    case = a.case(case_id)
    redo = rng.choice(texts.REDO_REPLIES)
    a.act(case_id, Action.RESOLVE, a.holder(case, plan), **_resolution(plan.matter, 1, redo))
    t = a.clock.daytime_after(t, rng, (2, 48))
    yield t
    if a.case(case_id).status is S.RESOLVED:
        a.act(case_id, Action.RATE, account, **_verdict(plan.matter, rng))
    return t


def _verdict(matter: Matter | None, rng: random.Random) -> dict[str, object]:
    """A rating that fits how the matter was resolved: solved ones nearly always count
    as solved, explained or partly solved ones often not, yet 基本满意."""
    resolution = matter.resolution if matter is not None else SOLVED
    if resolution is SOLVED:
        solved, pleased = rng.random() < 0.98, rng.random() < 0.8
    elif resolution is EXPLAINED:
        solved, pleased = rng.random() < 0.65, rng.random() < 0.4
    else:
        solved, pleased = rng.random() < 0.55, rng.random() < 0.3
    satisfaction = Satisfaction.SATISFIED if pleased else Satisfaction.BASICALLY_SATISFIED
    if not solved:
        comments = texts.COMMENTS_UNSOLVED
    else:
        comments = texts.COMMENTS_SATISFIED if pleased else texts.COMMENTS_BASIC
    return {"solved": solved, "satisfaction": satisfaction.value, "comment": rng.choice(comments)}
