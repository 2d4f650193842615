"""Demo weekly checklists (每周清单): three past weeks and the current one per officer.

How the past is made: every checklist is opened with the public
:func:`hgq.checklists.services.open_checklist`, its ``now`` set to the Monday morning
of its own week (the contract is "made if the week may have one *at now*"), then
filled, submitted and reviewed through the same services at times inside that week.
Replaying the weeks oldest first lets the services themselves carry unfinished items
over (上周结转) and fix deadlines and outcomes from the work calendar, instead of this
module imitating ``live_items`` and ``_carry_over``. Two things the services cannot
replay, done here by hand and kept to the minimum:

- ``created_at`` of a past checklist is set to the Monday it was opened;
- a week an officer did not submit is recorded MISSING exactly as
  ``services.close_weeks`` would (outcome set, version raised), and only once the week
  has really closed. ``close_weeks`` itself skips the demo officers for past weeks,
  since their accounts are newer than those weeks' deadlines.

Live data is today's: the demo cases (opened today) and the contact list computed
from the demo visits appear on the past weeks as if they had stood then; that is
the price of building through the services, and reads naturally in a demo.

Idempotent: a week an officer already has is left alone (not even brought in step
with live data), so a second run changes nothing. Nothing here commits.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from hgq import access
from hgq.accounts.models import User
from hgq.accounts.queries import get_user_by_username
from hgq.checklists import services
from hgq.checklists.models import ChecklistItem, ItemKind, Outcome, WeeklyChecklist
from hgq.checklists.services import Progress
from hgq.checklists.weeks import Week
from hgq.db import utcnow
from hgq.demo import data
from hgq.enterprises.models import Assignment
from hgq.extensions import db
from hgq.timeutil import zone

PAST_WEEKS = 3  # W-3, W-2 and W-1 before the current week W

# (officer, weeks back) → how long after the deadline the week was submitted (逾期).
LATE: dict[tuple[str, int], timedelta] = {
    ("officer3", 2): timedelta(hours=63, minutes=30),  # Friday 18:00 → Monday 09:30
    ("officer7", 1): timedelta(hours=16),  # Friday 18:00 → Saturday 10:00
}
# (officer, weeks back) of a week opened and partly filled but never submitted.
MISSING: frozenset[tuple[str, int]] = frozenset({("officer6", 3)})
# The officer who has already submitted the current week.
SUBMITTED_NOW = "officer5"

# (officer, weeks back) → the review (点评) by his leader.
REVIEWS: dict[tuple[str, int], str] = {
    ("officer1", 1): "联络及时，台账清楚。",
    ("officer2", 1): "注意督促企业补齐材料，下周跟进。",
    ("officer3", 2): "本周清单逾期提交，今后请按时报送。",
    ("officer4", 2): "两家企业联络已逾期，请尽快上门走访，走访后及时录入。",
    ("officer5", 3): "定期联络到位，个别企业的走访记录要及时补录。",
    ("officer6", 2): "上周清单未提交，今后请按时报送；未联络上的企业要说明原因。",
    ("officer8", 1): "诉求跟踪到位，企业评价不满意的事项要再回访。",
}

# The officer's own item (自定事项) each week, by weeks back (0 = the current week).
OWN_ITEMS: dict[int, str] = {
    3: "报送上月包保工作小结",
    2: "参加园区包保工作例会并汇报联系企业情况",
    1: "梳理企业诉求台账，核对办结情况",
    0: "整理本月走访台账",
}

# A case's progress by its category: (notes when this week's step is done, when not).
CASE_PROGRESS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "land": (
        (
            "已与自然资源局对接，待出具规划意见。",
            "用地指标调剂方案已报包保领导，会商意见已反馈企业。",
        ),
        ("已向自然资源局提交用地情况说明，等待答复。",),
    ),
    "infrastructure": (
        (
            "已协调主管部门到现场踏勘，形成初步处理方案。",
            "已督促责任单位制定实施计划，并书面答复企业。",
        ),
        ("已联系主管部门，对方答复下周到现场查看。",),
    ),
    "policy": (
        ("已将补贴政策文件和申报指南发给企业，指导准备申报材料。",),
        ("已向经济发展局咨询申报时间，待对方答复。",),
    ),
    "financing": (
        ("已与合作银行对接，贷款已进入审批环节，进度已告知企业。",),
        ("已向财政局了解进度，银行尚未反馈。",),
    ),
    "market": (
        ("已与市场监管分局沟通，了解外地不认可的具体依据。",),
        ("相关文件已整理，下周与市场监管分局会商。",),
    ),
    "approval": (
        ("已陪同企业到政务服务中心现场办理，材料已受理。",),
        ("企业补充材料尚未提交，已电话提醒。",),
    ),
}
CASE_PROGRESS_OTHER = (
    ("已将诉求转交行业部门，本周收到书面答复并告知企业。",),
    ("已转交行业部门，对方答复下周给出办理意见。",),
)
# Contact items stay open on past weeks: the enterprises due for contact are the ones
# the demo visits leave overdue, so "contacted" here would contradict the visit list.
CONTACT_PENDING = (
    "已电话联系企业负责人，约定下周上门。",
    "企业负责人出差，约定返回后再联系。",
    "已发函预约走访，企业回复月底安排座谈。",
)
OWN_DONE = ("已完成。",)
OWN_PENDING = ("已梳理一半，下周继续。",)


def ensure_demo_checklists(created: Counter[str]) -> None:
    """Create each demo officer's missing checklists for W-3 … W (counted in
    ``created["checklists"]``); weeks he already has are left as they are."""
    now = utcnow()
    current = services.current_week(now)
    for index, username in enumerate(data.OFFICER_LEADERS):
        officer = db.session.scalar(get_user_by_username(username))
        if officer is None or not access.can_keep_checklist(officer):
            continue
        for back in range(PAST_WEEKS, 0, -1):  # oldest first: carry-over needs order
            if _past_week(officer, index, current.shift(-back), back, now):
                created["checklists"] += 1
        if _current_week(officer, current, now):
            created["checklists"] += 1


# -- the weeks ----------------------------------------------------------------------
def _past_week(officer: User, index: int, week: Week, back: int, now: datetime) -> bool:
    """Replay one past week of ``officer``: opened Monday, filled, then submitted on
    time, late or not at all; True if a checklist was made."""
    if services.get_checklist(officer, week) is not None:
        return False
    opened = _local(week.monday, time(9, 0))
    checklist = services.open_checklist(officer, week, opened)
    if checklist is None:
        return False
    checklist.created_at = opened
    key = (officer.username, back)
    deadline = services.due_at(week).astimezone(UTC)
    late_by = LATE.get(key)
    due_on = deadline.astimezone(zone()).date()
    if late_by is not None:
        submitted = min(deadline + late_by, now)
    else:
        submitted = min(deadline - timedelta(hours=1 + index % 3), now)
    filled = max(opened, min(_local(week.monday + timedelta(days=3), time(16, 0)), submitted))
    services.add_own_item(checklist, officer, title=OWN_ITEMS[back], due_on=due_on, now=opened)

    if key in MISSING:
        first = checklist.items[0]
        pending = Progress(_text(first, done=False, n=index), done=False)
        services.record_progress(checklist, officer, {first.id: pending}, now=filled)
        if services.outcome_at(checklist, week, now) is Outcome.MISSING:
            _record_missing(checklist)
        return True

    updates: dict[int, Progress] = {}
    for position, item in enumerate(checklist.items):
        done = _is_done(item, position, index, back)
        updates[item.id] = Progress(_text(item, done, position + index + back), done)
    services.record_progress(checklist, officer, updates, now=filled)
    services.submit(checklist, officer, now=submitted)
    comment = REVIEWS.get(key)
    leader = _leader_of(officer)
    if comment and leader is not None and access.can_review_checklist(leader, officer):
        next_monday = _local(week.shift(1).monday, time(10, 30))
        reviewed = min(max(next_monday, submitted + timedelta(hours=1)), now)
        services.review(checklist, leader, comment, now=reviewed)
    return True


def _current_week(officer: User, week: Week, now: datetime) -> bool:
    """The week under way: opened now, with progress on a few items and an own item,
    left open for his leader to see and remind, except one officer's already
    submitted; True if a checklist was made."""
    if services.get_checklist(officer, week) is not None:
        return False
    checklist = services.open_checklist(officer, week, now)
    if checklist is None:
        return False
    due_on = services.due_at(week).date()
    services.add_own_item(checklist, officer, title=OWN_ITEMS[0], due_on=due_on, now=now)
    updates: dict[int, Progress] = {}
    if officer.username == SUBMITTED_NOW:
        for n, item in enumerate(checklist.items):
            done = item.origin is not ItemKind.CONTACT
            updates[item.id] = Progress(_text(item, done, n), done)
        services.record_progress(checklist, officer, updates, now=now)
        services.submit(checklist, officer, now=now)
        return True
    # So far: progress on the first two items, the first of them done (unless a contact).
    worked = [item for item in checklist.items if item.kind is not ItemKind.OWN][:2]
    for n, item in enumerate(worked):
        done = n == 0 and item.origin is not ItemKind.CONTACT
        updates[item.id] = Progress(_text(item, done, n), done)
    if updates:
        services.record_progress(checklist, officer, updates, now=now)
    return True


# -- helpers ------------------------------------------------------------------------
def _local(day: date, at: time) -> datetime:
    """``at`` on ``day`` in the zone's local time, as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=zone()).astimezone(UTC)


def _is_done(item: ChecklistItem, position: int, index: int, back: int) -> bool:
    """Whether ``item`` was finished in its past week (``back`` weeks ago). Contacts
    stay open (see CONTACT_PENDING); most of the rest is done, about one in four left
    and carried over while its matter is open; and some officers leave last week's
    own item for this week, so a carried own item always shows."""
    if item.origin is ItemKind.CONTACT:
        return False
    if item.kind is ItemKind.OWN:
        return not (back == 1 and index % 3 == 0)
    return (position + index + back) % 4 != 3


def _text(item: ChecklistItem, done: bool, n: int) -> str:
    """A progress note for ``item`` that fits its matter (the n-th variant)."""
    if item.origin is ItemKind.CASE and item.case is not None:
        done_texts, pending = CASE_PROGRESS.get(item.case.category.code, CASE_PROGRESS_OTHER)
        texts = done_texts if done else pending
    elif item.origin is ItemKind.CONTACT:
        texts = CONTACT_PENDING
    else:
        texts = OWN_DONE if done else OWN_PENDING
    return texts[n % len(texts)]


def _record_missing(checklist: WeeklyChecklist) -> None:
    """What ``services.close_weeks`` records for a closed, unsubmitted week."""
    checklist.outcome = Outcome.MISSING
    checklist.version += 1  # as the sweep does: the explicit optimistic-lock bump
    db.session.flush()


def _leader_of(officer: User) -> User | None:
    """A leader who currently leads an enterprise ``officer`` covers (the first by
    username, so the choice is stable)."""
    return db.session.scalar(
        sa.select(User)
        .join(Assignment, Assignment.leader_id == User.id)
        .where(Assignment.officer_id == officer.id, Assignment.end_date.is_(None))
        .order_by(User.username)
        .limit(1)
    )
