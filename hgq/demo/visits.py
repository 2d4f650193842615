"""Demo visits (定期联络): a few weeks of contacts, leaving some enterprises overdue.

Dates count back from today, so the contact lists look lived-in whenever the demo is
built. Each visit is looked up by (enterprise, visitor, date); nothing commits.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import sqlalchemy as sa

from hgq.enterprises.models import Assignment, Enterprise, Tag
from hgq.extensions import db
from hgq.timeutil import local_today
from hgq.visits.models import VisitMethod
from hgq.visits.queries import get_enterprise_visit
from hgq.visits.services import record_visit

# A tag with a shorter contact interval than the default, as a zone would set it.
SHORT_INTERVAL_TAG = ("专精特新“小巨人”", 14)
METHODS = (VisitMethod.ONSITE, VisitMethod.PHONE, VisitMethod.MEETING, VisitMethod.VIDEO)
SUMMARIES = (
    "了解一季度生产经营情况，订单饱满，产能利用率约八成；宣传了研发费用加计扣除政策。",
    "电话回访上次反映的问题办理情况，企业表示已收到答复，暂无新的困难。",
    "参加企业座谈，听取对园区配套服务的意见，企业希望增加通勤公交班次。",
    "视频连线企业负责人，了解新产线调试进度，提醒做好安全生产。",
)


def _days_back(n: int) -> tuple[int, ...]:
    """How many days ago the n-th enterprise was contacted: every seventh never, every
    seventh (offset) only long ago, the rest recently and a fortnight or so before."""
    if n % 7 == 3:
        return ()  # never contacted: overdue since its assignment began
    if n % 7 == 5:
        return (45,)  # last contact too long ago: overdue
    recent = 2 + (n * 5) % 26
    return (recent, recent + 14 + n % 5)


def ensure_demo_visits(created: Counter[str]) -> None:
    """Create the demo visits that are missing (by the enterprise's current officer)."""
    name, days = SHORT_INTERVAL_TAG
    tag = db.session.scalar(sa.select(Tag).where(Tag.name == name))
    if tag is not None and tag.contact_interval_days is None:
        tag.contact_interval_days = days
    today = local_today()
    rows = db.session.execute(
        sa.select(Enterprise, Assignment)
        .join(
            Assignment,
            sa.and_(Assignment.enterprise_id == Enterprise.id, Assignment.end_date.is_(None)),
        )
        .where(Enterprise.is_active)
        .order_by(Enterprise.id)
    ).all()
    for n, (enterprise, assignment) in enumerate(rows):
        for k, back in enumerate(_days_back(n)):
            visited_on = today - timedelta(days=back)
            if visited_on < assignment.start_date:
                continue
            if get_enterprise_visit(enterprise.id, visited_on, assignment.officer_id):
                continue
            record_visit(
                visitor=assignment.officer,
                enterprise=enterprise,
                visited_on=visited_on,
                method=METHODS[(n + k) % len(METHODS)],
                summary=SUMMARIES[(n + k) % len(SUMMARIES)],
                people_met=enterprise.contact_name,
            )
            created["visits"] += 1
