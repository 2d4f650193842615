"""The point rules (积分考核, DESIGN §6): their codes, Chinese names and defaults, and
which version of a rule is in force on a day.

A rule is stored as versions (:class:`PointRule` rows), each in force from its
``active_from`` until the next one's; :func:`rule_for` picks the version of a day.
``manual`` and ``appeal_reversal`` are pseudo-codes of point entries (an assessor's
adjustment, an appeal's correction): they are named here but are not rules.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date

import sqlalchemy as sa

from hgq.extensions import db
from hgq.points.models import PointRule
from hgq.timeutil import local_today

VISIT_LOGGED = "visit_logged"
CASE_RESPONDED_ON_TIME = "case_responded_on_time"
CASE_RESPONDED_LATE = "case_responded_late"
CASE_RESOLVED_LEVEL1_ON_TIME = "case_resolved_level1_on_time"
CASE_RATED_SATISFIED = "case_rated_satisfied"
CASE_RATED_UNSATISFIED = "case_rated_unsatisfied"
DEADLINE_MISSED = "deadline_missed"
CHECKLIST_ON_TIME = "checklist_on_time"
CHECKLIST_MISSING = "checklist_missing"
MANUAL = "manual"
APPEAL_REVERSAL = "appeal_reversal"

# code → points, in the order of DESIGN §6 (the order pages list the rules in).
DEFAULT_RULES: dict[str, int] = {
    VISIT_LOGGED: 1,  # at most once per enterprise per ISO week per person
    CASE_RESPONDED_ON_TIME: 1,
    CASE_RESPONDED_LATE: -1,
    CASE_RESOLVED_LEVEL1_ON_TIME: 3,
    CASE_RATED_SATISFIED: 2,
    CASE_RATED_UNSATISFIED: -3,
    DEADLINE_MISSED: -2,  # once per case per level
    CHECKLIST_ON_TIME: 1,
    CHECKLIST_MISSING: -2,
}
PSEUDO_CODES = frozenset({MANUAL, APPEAL_REVERSAL})

# Every code an entry may carry → its Chinese name (rules first, then the pseudo-codes).
RULE_NAMES: dict[str, str] = {
    VISIT_LOGGED: "走访联络",
    CASE_RESPONDED_ON_TIME: "诉求按时响应",
    CASE_RESPONDED_LATE: "诉求超时响应",
    CASE_RESOLVED_LEVEL1_ON_TIME: "一级按期办结",
    CASE_RATED_SATISFIED: "企业评价满意",
    CASE_RATED_UNSATISFIED: "企业评价不满意",
    DEADLINE_MISSED: "办理超期",
    CHECKLIST_ON_TIME: "每周清单按时提交",
    CHECKLIST_MISSING: "每周清单未提交",
    MANUAL: "人工调整",
    APPEAL_REVERSAL: "申诉撤销",
}

# code → its versions, oldest first (what rule_for reads; see load_rules).
RulesCache = dict[str, list[PointRule]]


def ensure_default_rules(active_from: date = date(2026, 1, 1)) -> int:
    """Store DESIGN §6's default for every rule code that has no version at all, in
    force from ``active_from``; codes with any version (even a disabled one) are left
    alone. Idempotent; flushes. Returns how many rules were created."""
    stored = set(db.session.scalars(sa.select(PointRule.code).distinct()))
    missing = [code for code in DEFAULT_RULES if code not in stored]
    for code in missing:
        db.session.add(
            PointRule(
                code=code,
                name=RULE_NAMES[code],
                points=DEFAULT_RULES[code],
                monthly_cap=None,
                active_from=active_from,
                enabled=True,
            )
        )
    db.session.flush()
    return len(missing)


def load_rules() -> RulesCache:
    """Every stored version of every rule, by code, oldest first (one query)."""
    cache: RulesCache = {}
    stmt = sa.select(PointRule).order_by(PointRule.code, PointRule.active_from)
    for rule in db.session.scalars(stmt):
        cache.setdefault(rule.code, []).append(rule)
    return cache


def rule_for(code: str, day: date, rules_cache: RulesCache) -> PointRule | None:
    """The version of rule ``code`` in force on ``day``: the latest with
    ``active_from <= day``, or None before the first. Callers give no points when it
    is None or not ``enabled``."""
    versions = rules_cache.get(code, [])
    index = bisect_right([rule.active_from for rule in versions], day)
    return versions[index - 1] if index else None


def current_rules() -> list[PointRule]:
    """Each code's version in force today (local date) followed by its scheduled ones,
    in the order of :data:`DEFAULT_RULES` (unknown codes last, by code)."""
    today = local_today()
    order = {code: n for n, code in enumerate(DEFAULT_RULES)}
    result: list[PointRule] = []
    cache = load_rules()
    for code in sorted(cache, key=lambda c: (order.get(c, len(order)), c)):
        current = rule_for(code, today, cache)
        if current is not None:
            result.append(current)
        result.extend(rule for rule in cache[code] if rule.active_from > today)
    return result


def is_active(rule: PointRule | None) -> bool:
    """Whether ``rule`` (a :func:`rule_for` answer) gives points."""
    return rule is not None and rule.enabled
