"""Changing points by hand (积分考核): an assessor's adjustment, appeals (申诉) and their
decision, and the admin's rule changes. Every change is audited.

Assessors are admin and committee members (:func:`hgq.access.is_assessor`). Entries
are append-only: an adjustment and a reversal are new entries. Refusals raise
:class:`hgq.errors.NotAllowed` (Chinese message, the field it is about) or
:class:`hgq.errors.VersionConflict`. Services flush; the caller commits once.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from hgq import access
from hgq.accounts.models import User
from hgq.audit.services import record_audit
from hgq.cases.effects import check_text
from hgq.errors import NotAllowed, VersionConflict
from hgq.extensions import db
from hgq.points import rules as r
from hgq.points.engine import manual_key
from hgq.points.models import Appeal, AppealStatus, PointEntry, PointRule, SourceType
from hgq.points.scoring import Month
from hgq.timeutil import local_today

REASON_MAX = 500  # the reason of an adjustment is the entry's note
APPEAL_MAX = 1000
DECISION_MAX = 1000
POINTS_LIMIT = 100  # one adjustment, or one rule's points, either way
CAP_LIMIT = 1000
NOT_ASSESSOR = "只有系统管理员或工委管委可以进行积分考核操作"


def _check_points(points: object, field: str, label: str, *, allow_zero: bool) -> int:
    if isinstance(points, bool) or not isinstance(points, int):
        raise NotAllowed(f"{label}须为整数", field)
    if not allow_zero and points == 0:
        raise NotAllowed(f"{label}不能为 0", field)
    if abs(points) > POINTS_LIMIT:
        raise NotAllowed(f"{label}应在 -{POINTS_LIMIT} 到 {POINTS_LIMIT} 之间", field)
    return points


# -- manual adjustments -----------------------------------------------------------------
def adjust(person: User, points: int, reason: str, actor: User, now: datetime) -> PointEntry:
    """人工调整: add ``points`` (non-zero, at most 100 either way) to ``person``'s month
    of ``now``, with a required reason (≤ 500 characters, the entry's note). Only an
    assessor, never on his own points, and only for staff. The entry's ``source_id``
    is its own id; audited as ``points.adjust``."""
    if not access.is_assessor(actor):
        raise NotAllowed(NOT_ASSESSOR)
    if person.id == actor.id:
        raise NotAllowed("不能调整本人的积分", "person_id")
    if not person.is_staff:
        raise NotAllowed("只能调整园区工作人员的积分", "person_id")
    points = _check_points(points, "points", "调整分值", allow_zero=False)
    reason = check_text(reason, "reason", "调整事由", REASON_MAX)
    entry = PointEntry(
        user_id=person.id,
        period=Month.of(now).text,
        at=now,
        points=points,
        rule_code=r.MANUAL,
        source_type=SourceType.MANUAL,
        source_id=0,  # its own id, set below once it has one
        note=reason,
        source_key=manual_key(),
        created_by_id=actor.id,
        created_at=now,
    )
    db.session.add(entry)
    db.session.flush()
    entry.source_id = entry.id
    db.session.flush()
    record_audit(
        "points.adjust",
        actor=actor,
        target_type="point_entry",
        target_id=entry.id,
        after={"user_id": person.id, "period": entry.period, "points": points, "reason": reason},
    )
    return entry


# -- appeals ----------------------------------------------------------------------------
def _net(entry: PointEntry) -> tuple[int, bool]:
    """The entry's points with its corrections, and whether an appeal reversed it."""
    rows = db.session.execute(
        sa.select(PointEntry.points, PointEntry.rule_code).where(PointEntry.corrects_id == entry.id)
    ).all()
    reversed_ = any(code == r.APPEAL_REVERSAL for _, code in rows)
    return entry.points + sum(points for points, _ in rows), reversed_


def file_appeal(entry: PointEntry, person: User, reason: str, now: datetime) -> Appeal:
    """申诉 one's own entry with a reason (≤ 1000 characters). Refused for another's
    entry, a correcting entry (appeal the entry it corrects), an entry already
    reversed or worth nothing, and while an appeal of it is pending."""
    if entry.user_id != person.id:
        raise NotAllowed("只能对本人的积分提出申诉")
    if entry.corrects_id is not None:
        raise NotAllowed("更正记录不能申诉，请对原积分记录提出申诉")
    net, reversed_ = _net(entry)
    if reversed_:
        raise NotAllowed("该项积分已因申诉撤销")
    if net == 0:
        raise NotAllowed("该项积分为 0 分，无需申诉")
    pending = db.session.scalar(
        sa.select(Appeal.id).where(
            Appeal.entry_id == entry.id, Appeal.status == AppealStatus.PENDING
        )
    )
    if pending is not None:
        raise NotAllowed("该项积分已有待处理的申诉")
    appeal = Appeal(
        entry_id=entry.id,
        user_id=person.id,
        reason=check_text(reason, "reason", "申诉理由", APPEAL_MAX),
        status=AppealStatus.PENDING,
        created_at=now,
    )
    db.session.add(appeal)
    db.session.flush()
    return appeal


def decide_appeal(
    appeal: Appeal,
    actor: User,
    *,
    reverse: bool,
    decision: str,
    now: datetime,
    expected_version: int | None,
) -> Appeal:
    """An assessor decides a pending appeal, with his reasons (required, ≤ 1000):
    ``reverse`` adds a correcting entry that cancels the entry (its points with any
    corrections; rule ``appeal_reversal``, same source, same month); otherwise the
    entry stands (维持). Not on one's own appeal. ``expected_version`` (when given)
    must be the appeal's current version. Audited as ``points.appeal``."""
    if not access.is_assessor(actor):
        raise NotAllowed(NOT_ASSESSOR)
    if appeal.user_id == actor.id:
        raise NotAllowed("不能处理本人的申诉")
    if expected_version is not None and expected_version != appeal.version:
        raise VersionConflict("该申诉已被他人处理或修改，请刷新后查看。")
    if appeal.status is not AppealStatus.PENDING:
        raise NotAllowed("该申诉已处理")
    decision = check_text(decision, "decision", "处理意见", DECISION_MAX)
    entry = appeal.entry
    if reverse:
        net, _ = _net(entry)
        correction = PointEntry(
            user_id=entry.user_id,
            period=entry.period,
            at=now,
            points=-net,
            rule_code=r.APPEAL_REVERSAL,
            source_type=entry.source_type,
            source_id=entry.source_id,
            event_id=entry.event_id,
            note=f"申诉撤销：{decision}"[:REASON_MAX],
            source_key=f"appeal:{appeal.id}",
            corrects_id=entry.id,
            created_by_id=actor.id,
            created_at=now,
        )
        db.session.add(correction)
        db.session.flush()
        appeal.correction_id = correction.id
    appeal.status = AppealStatus.REVERSED if reverse else AppealStatus.UPHELD
    appeal.decision = decision
    appeal.decided_by_id = actor.id
    appeal.decided_at = now
    db.session.flush()
    record_audit(
        "points.appeal",
        actor=actor,
        target_type="point_appeal",
        target_id=appeal.id,
        before={"status": AppealStatus.PENDING.value},
        after={
            "status": appeal.status.value,
            "entry_id": entry.id,
            "decision": decision,
            "correction_id": appeal.correction_id,
        },
    )
    return appeal


# -- rules (admin) ----------------------------------------------------------------------
def _rule_state(rule: PointRule | None) -> dict[str, object] | None:
    if rule is None:
        return None
    return {
        "code": rule.code,
        "points": rule.points,
        "monthly_cap": rule.monthly_cap,
        "active_from": rule.active_from.isoformat(),
        "enabled": rule.enabled,
    }


def _check_rule_input(code: str, points: int, monthly_cap: int | None, active_from: date) -> int:
    if code not in r.DEFAULT_RULES:
        raise NotAllowed(f"未知的积分规则“{code}”", "code")
    points = _check_points(points, "points", "分值", allow_zero=True)
    if monthly_cap is not None and (
        isinstance(monthly_cap, bool)
        or not isinstance(monthly_cap, int)
        or not 1 <= monthly_cap <= CAP_LIMIT
    ):
        raise NotAllowed(f"每月上限应在 1 到 {CAP_LIMIT} 之间", "monthly_cap")
    if active_from < local_today():
        raise NotAllowed(
            "生效日期不能早于今天：已计分的日子按当时的规则计算，不能追溯修改", "active_from"
        )
    return points


def change_rule(
    code: str,
    *,
    points: int,
    monthly_cap: int | None,
    active_from: date,
    enabled: bool,
    actor: User,
) -> PointRule:
    """The admin sets rule ``code``'s values from ``active_from`` (today or later, local
    date) on: a new version, or — when a version from that same date is still in the
    future — that version changed. A version already in force (from today or
    earlier) is never edited. Audited as ``points.rule``."""
    if not access.can_manage_registry(actor):
        raise NotAllowed("只有系统管理员可以调整积分规则")
    points = _check_rule_input(code, points, monthly_cap, active_from)
    rule = db.session.scalar(
        sa.select(PointRule).where(PointRule.code == code, PointRule.active_from == active_from)
    )
    if rule is not None and rule.active_from <= local_today():
        raise NotAllowed("该生效日期的规则已在执行，不能修改，请选择以后的生效日期", "active_from")
    before = _rule_state(rule)
    if rule is None:
        rule = PointRule(code=code, name=r.RULE_NAMES[code], active_from=active_from)
        db.session.add(rule)
    rule.points = points
    rule.monthly_cap = monthly_cap
    rule.enabled = bool(enabled)
    rule.created_by_id = actor.id
    db.session.flush()
    record_audit(
        "points.rule",
        actor=actor,
        target_type="point_rule",
        target_id=rule.id,
        before=before,
        after=_rule_state(rule),
    )
    return rule
