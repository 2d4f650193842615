"""The case state machine (DESIGN §3): one table says which action moves a case from
which status to which, and who may take it. Pure rules, no database access.

Pages, the API and scheduled jobs all go through :func:`check_action` (via
:func:`hgq.cases.services.perform_action`); nothing else changes a case's status,
level or handler.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from hgq.cases.models import Case, CaseStatus, Satisfaction
from hgq.errors import DomainError

S = CaseStatus
TOP_LEVEL = 3
# An enterprise may reopen a closed case within this many days of its closing.
ENTERPRISE_REOPEN_DAYS = 30


class Action(StrEnum):
    """What someone does to a case (the API's action codes)."""

    SUBMIT = "submit"  # the case is created (first event only; not an action one takes later)
    ACCEPT = "accept"  # 受理
    NOTE = "note"  # 内部备注: staff only, the enterprise never sees it
    REPLY = "reply"  # 回复: a message the enterprise sees
    ESCALATE = "escalate"  # 升级: level 1 → 2 → 3, with a reason
    RESOLVE = "resolve"  # 办结: result type and a reply
    RATE = "rate"  # 评价: the enterprise's verdict
    REOPEN = "reopen"  # 重办
    CLOSE = "close"  # 归档 without the enterprise's rating
    REJECT = "reject"  # 不予受理, with a reply
    WITHDRAW = "withdraw"  # 撤回 by the enterprise
    URGE = "urge"  # 督办: a superior supervises the case; the handler is told
    REQUEST_EXTENSION = "request_extension"  # 申请延期, with working days and a reason
    APPROVE_EXTENSION = "approve_extension"  # the level above grants it: the deadline moves
    REFUSE_EXTENSION = "refuse_extension"  # the level above refuses it: nothing moves
    PAUSE = "pause"  # 挂起: waiting on the enterprise; the clock stops
    RESUME = "resume"  # 恢复: the clock runs again, the deadline moves by the pause

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.SUBMIT: "提交诉求",
    Action.ACCEPT: "受理",
    Action.NOTE: "内部备注",
    Action.REPLY: "回复企业",
    Action.ESCALATE: "提请升级",
    Action.RESOLVE: "办结",
    Action.RATE: "评价",
    Action.REOPEN: "重办",
    Action.CLOSE: "归档",
    Action.REJECT: "不予受理",
    Action.WITHDRAW: "撤回",
    Action.URGE: "督办",
    Action.REQUEST_EXTENSION: "申请延期",
    Action.APPROVE_EXTENSION: "批准延期",
    Action.REFUSE_EXTENSION: "不批准延期",
    Action.PAUSE: "挂起",
    Action.RESUME: "恢复办理",
}


class Relation(StrEnum):
    """How a user stands to one case (computed by :func:`hgq.access.case_relations`)."""

    HANDLER = "handler"  # the 承办人, or a member of the queue that holds the case
    ENTERPRISE = "enterprise"  # an account of the case's enterprise
    SUPERVISOR = "supervisor"  # the enterprise's 包保领导 (below level 2), or the committee
    STAFF = "staff"  # any staff member who may see the case
    SYSTEM = "system"  # the deadline sweep, acting on the rules, not on anyone's behalf


ALL = frozenset(CaseStatus)
WORKING = frozenset({S.ACCEPTED, S.IN_PROGRESS})
OPEN = frozenset({S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS})


@dataclass(frozen=True)
class Rule:
    """Who may take an action in which statuses, and what it needs."""

    allowed: Mapping[Relation, frozenset[CaseStatus]]
    note_required: bool = False
    # Whether the enterprise sees the event on its timeline.
    visible_to_enterprise: bool = True

    @property
    def statuses(self) -> frozenset[CaseStatus]:
        return frozenset().union(*self.allowed.values())


RULES: dict[Action, Rule] = {
    Action.ACCEPT: Rule({Relation.HANDLER: frozenset({S.SUBMITTED})}),
    Action.NOTE: Rule(
        {Relation.HANDLER: ALL, Relation.SUPERVISOR: ALL, Relation.STAFF: ALL},
        note_required=True,
        visible_to_enterprise=False,
    ),
    Action.REPLY: Rule(
        {Relation.HANDLER: frozenset({S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS})},
        note_required=True,
    ),
    # Escalation is internal: the enterprise sees the new level, not the reason. The
    # sweep escalates an overdue case even if nobody accepted it.
    Action.ESCALATE: Rule(
        {Relation.HANDLER: WORKING, Relation.SYSTEM: OPEN},
        note_required=True,
        visible_to_enterprise=False,
    ),
    # Resolving straight from 待受理 is 一次办: the officer solves it on the spot.
    Action.RESOLVE: Rule(
        {Relation.HANDLER: frozenset({S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS})},
        note_required=True,
    ),
    Action.RATE: Rule({Relation.ENTERPRISE: frozenset({S.RESOLVED})}),
    Action.REOPEN: Rule(
        {
            Relation.ENTERPRISE: frozenset({S.CLOSED}),
            Relation.SUPERVISOR: frozenset({S.RESOLVED, S.CLOSED}),
        },
        note_required=True,
    ),
    Action.CLOSE: Rule(
        {Relation.SUPERVISOR: frozenset({S.RESOLVED}), Relation.SYSTEM: frozenset({S.RESOLVED})}
    ),
    Action.REJECT: Rule(
        {Relation.HANDLER: frozenset({S.SUBMITTED, S.ACCEPTED})}, note_required=True
    ),
    Action.WITHDRAW: Rule({Relation.ENTERPRISE: OPEN}),
    Action.URGE: Rule(
        {Relation.SUPERVISOR: OPEN, Relation.SYSTEM: OPEN},
        note_required=True,
        visible_to_enterprise=False,
    ),
    Action.REQUEST_EXTENSION: Rule(
        {Relation.HANDLER: WORKING}, note_required=True, visible_to_enterprise=False
    ),
    Action.APPROVE_EXTENSION: Rule({Relation.SUPERVISOR: WORKING}, visible_to_enterprise=False),
    Action.REFUSE_EXTENSION: Rule(
        {Relation.SUPERVISOR: WORKING}, note_required=True, visible_to_enterprise=False
    ),
    # The enterprise sees why its case waits, and when it runs again.
    Action.PAUSE: Rule({Relation.HANDLER: WORKING}, note_required=True),
    Action.RESUME: Rule({Relation.HANDLER: WORKING}),
}

# (status, action) → new status. NOTE keeps the status; RATE with 不满意 reopens
# (see next_status); every other pair not listed here is not a valid transition.
TRANSITIONS: dict[tuple[CaseStatus, Action], CaseStatus] = {
    (S.SUBMITTED, Action.ACCEPT): S.ACCEPTED,
    (S.SUBMITTED, Action.REPLY): S.IN_PROGRESS,
    (S.ACCEPTED, Action.REPLY): S.IN_PROGRESS,
    (S.IN_PROGRESS, Action.REPLY): S.IN_PROGRESS,
    (S.ACCEPTED, Action.ESCALATE): S.IN_PROGRESS,
    (S.IN_PROGRESS, Action.ESCALATE): S.IN_PROGRESS,
    (S.SUBMITTED, Action.RESOLVE): S.RESOLVED,
    (S.ACCEPTED, Action.RESOLVE): S.RESOLVED,
    (S.IN_PROGRESS, Action.RESOLVE): S.RESOLVED,
    (S.RESOLVED, Action.RATE): S.CLOSED,
    (S.RESOLVED, Action.REOPEN): S.IN_PROGRESS,
    (S.CLOSED, Action.REOPEN): S.IN_PROGRESS,
    (S.RESOLVED, Action.CLOSE): S.CLOSED,
    (S.SUBMITTED, Action.REJECT): S.REJECTED,
    (S.ACCEPTED, Action.REJECT): S.REJECTED,
    (S.SUBMITTED, Action.WITHDRAW): S.WITHDRAWN,
    (S.ACCEPTED, Action.WITHDRAW): S.WITHDRAWN,
    (S.IN_PROGRESS, Action.WITHDRAW): S.WITHDRAWN,
    (S.SUBMITTED, Action.ESCALATE): S.SUBMITTED,  # the sweep: the new handler must accept
    **{(status, Action.NOTE): status for status in CaseStatus},
    **{(status, Action.URGE): status for status in OPEN},
    (S.ACCEPTED, Action.REQUEST_EXTENSION): S.IN_PROGRESS,
    (S.IN_PROGRESS, Action.REQUEST_EXTENSION): S.IN_PROGRESS,
    **{(status, Action.APPROVE_EXTENSION): status for status in WORKING},
    **{(status, Action.REFUSE_EXTENSION): status for status in WORKING},
    (S.ACCEPTED, Action.PAUSE): S.IN_PROGRESS,
    (S.IN_PROGRESS, Action.PAUSE): S.IN_PROGRESS,
    (S.ACCEPTED, Action.RESUME): S.IN_PROGRESS,
    (S.IN_PROGRESS, Action.RESUME): S.IN_PROGRESS,
}

MAX_EXTENSION_WORKDAYS = 30


class ActionNotAllowed(DomainError):
    """The action is refused. ``code`` is ``invalid_transition`` (not possible in the
    case's current state) or ``forbidden`` (possible, but not for this user)."""

    def __init__(self, message: str, code: str, field: str | None = None) -> None:
        super().__init__(message, field)
        self.code = code


def next_status(status: CaseStatus, action: Action, payload: Mapping[str, Any]) -> CaseStatus:
    """The status an action leads to; raises ActionNotAllowed if there is no such move."""
    if action is Action.RATE and payload.get("satisfaction") == Satisfaction.DISSATISFIED:
        return S.IN_PROGRESS  # 不满意 reopens the case at the level it was resolved at
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise ActionNotAllowed(
            f"案件当前状态为“{status.label}”，不能执行“{action.label}”", "invalid_transition"
        ) from None


# Actions that need (True) or forbid (False) a pending extension / a pause.
NEEDS_PENDING_EXTENSION = {
    Action.REQUEST_EXTENSION: False,
    Action.APPROVE_EXTENSION: True,
    Action.REFUSE_EXTENSION: True,
}
NEEDS_PAUSE = {Action.PAUSE: False, Action.RESUME: True, Action.REQUEST_EXTENSION: False}
FACT_MESSAGES = {
    (Action.REQUEST_EXTENSION, "extension"): "已有待审批的延期申请",
    (Action.APPROVE_EXTENSION, "extension"): "没有待审批的延期申请",
    (Action.REFUSE_EXTENSION, "extension"): "没有待审批的延期申请",
    (Action.PAUSE, "pause"): "案件已挂起",
    (Action.RESUME, "pause"): "案件未挂起",
    (Action.REQUEST_EXTENSION, "pause"): "案件挂起期间不计时，无需延期",
}


def _check_pending(case: Case, action: Action) -> None:
    for table, flag, fact in (
        (NEEDS_PENDING_EXTENSION, case.extension_pending_days is not None, "extension"),
        (NEEDS_PAUSE, case.paused_at is not None, "pause"),
    ):
        if action in table and table[action] != flag:
            raise ActionNotAllowed(FACT_MESSAGES[(action, fact)], "invalid_transition")


def _check_facts(case: Case, action: Action, relations: frozenset[Relation], now: datetime) -> None:
    """Rules that depend on more than the status: the top level, the reopen window,
    a pending extension, a pause."""
    _check_pending(case, action)
    if action is Action.ESCALATE and case.level >= TOP_LEVEL:
        raise ActionNotAllowed("已是第三级（工委管委集中研究），不能再升级", "invalid_transition")
    if (
        action is Action.REOPEN
        and Relation.SUPERVISOR not in relations
        and case.closed_at is not None
        and now - case.closed_at > timedelta(days=ENTERPRISE_REOPEN_DAYS)
    ):
        raise ActionNotAllowed(
            f"案件归档已超过{ENTERPRISE_REOPEN_DAYS}天，不能再申请重办，请提交新的诉求",
            "invalid_transition",
        )


def check_action(
    case: Case,
    action: Action,
    relations: frozenset[Relation],
    payload: Mapping[str, Any],
    now: datetime,
) -> CaseStatus:
    """Check that a user standing in ``relations`` to ``case`` may take ``action`` now,
    and return the status it leads to. Raises ActionNotAllowed, naming why."""
    rule = RULES.get(action)
    if rule is None:
        raise ActionNotAllowed(f"未知的操作“{action}”", "invalid_transition", "action")
    if case.status not in rule.statuses:
        next_status(case.status, action, payload)  # raises invalid_transition
    if not any(case.status in rule.allowed.get(r, frozenset()) for r in relations):
        raise ActionNotAllowed(f"您不能对该案件执行“{action.label}”", "forbidden")
    _check_facts(case, action, relations, now)
    return next_status(case.status, action, payload)


def available_actions(case: Case, relations: frozenset[Relation], now: datetime) -> list[Action]:
    """The actions this user may take on the case now, in the table's order."""
    allowed = []
    for action in RULES:
        try:
            check_action(case, action, relations, {}, now)
        except ActionNotAllowed:
            continue
        allowed.append(action)
    return allowed
