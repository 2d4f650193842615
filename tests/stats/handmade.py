"""A clock the case services read, and nine cases whose statistics are worked out by
hand in the tests (see :func:`build_cases`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from hgq.accounts.models import User
from hgq.cases import services
from hgq.cases.models import Case, Category, Channel
from hgq.cases.services import create_case, perform_action
from hgq.cases.workflow import Action
from hgq.enterprises.models import Enterprise
from hgq.extensions import db
from hgq.stats.rollup import ROLLUP_TABLES, rebuild
from tests.factories import make_department

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday 2 November 2026, 09:00 in the zone; the response deadline of a case made then
# is the next working day's cut-off (Tuesday 17:30).
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI).astimezone(UTC)
DECEMBER = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI).astimezone(UTC)
H = timedelta(hours=1)
D = timedelta(days=1)


class Clock:
    """What :func:`hgq.db.utcnow` answers inside the case services."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def advance(self, delta: timedelta) -> datetime:
        self.now += delta
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock(T0)
    monkeypatch.setattr(services, "utcnow", lambda: clock.now)
    return clock


def new_case(clock: Clock, at: datetime, enterprise_id: int, creator_id: int, cat="land") -> int:
    clock.now = at
    case = create_case(
        creator=db.session.get(User, creator_id),
        enterprise=db.session.get(Enterprise, enterprise_id),
        title="统计用诉求",
        description="用于统计测试的诉求内容。",
        category=db.session.scalar(sa.select(Category).where(Category.code == cat)),
        channel=Channel.SELF_REPORTED,
    )
    db.session.commit()
    return case.id


def act(clock: Clock, at: datetime, case_id: int, action: Action, user_id: int, **kw) -> None:  # type: ignore[no-untyped-def]
    clock.now = at
    case = db.session.get(Case, case_id)
    perform_action(case, action, db.session.get(User, user_id), expected_version=case.version, **kw)
    db.session.commit()


def build_cases(zone: SimpleNamespace, clock: Clock) -> SimpleNamespace:
    """Officer1 (enterprise A, leader1) belongs to a department; officer2 (B, leader2)
    to none. Every case is submitted by the enterprise at T0 (Monday 09:00; response
    deadline Tuesday 17:30), category 用地, except case 9 (1 December, 融资).

    1 A  accepted +1h, resolved +2d1h, rated 已解决 满意              → closed
    2 A  replied +1h, resolved +3d1h, rated 未解决 基本满意           → closed
    3 A  accepted +7d (late), resolved +8d1h, rated 未解决 不满意     → reopened, in progress
    4 A  accepted +1h, escalated +1d, leader resolves +4d1h          → resolved (level 2)
    5 B  never answered                                               → submitted
    6 B  withdrawn +1h, before its deadline                           → withdrawn
    7 B  rejected +2h                                                 → rejected
    8 B  accepted +1h, escalated +1d and +2d                          → in progress (level 3)
    9 A  (December) accepted +1h, resolved +1d1h, 已解决 满意         → closed
    """
    department = make_department("招商服务局")
    officer1 = db.session.get(User, zone.officer1)
    officer1.department_id = department.id
    db.session.commit()
    a, b, o1, o2 = zone.user_a, zone.user_b, zone.officer1, zone.officer2
    ids = [
        new_case(clock, T0, zone.ent_a if n <= 4 else zone.ent_b, a if n <= 4 else b)
        for n in range(1, 9)
    ]
    c1, c2, c3, c4, _, c6, c7, c8 = ids  # 5 is left unanswered
    c9 = new_case(clock, DECEMBER, zone.ent_a, a, "financing")

    act(clock, T0 + H, c1, Action.ACCEPT, o1)
    act(clock, T0 + 2 * D + H, c1, Action.RESOLVE, o1, note="已办结", resolution_type="solved")
    act(clock, T0 + 2 * D + 2 * H, c1, Action.RATE, a, solved=True, satisfaction="satisfied")

    act(clock, T0 + H, c2, Action.REPLY, o1, note="已收到，正在协调")
    act(clock, T0 + 3 * D + H, c2, Action.RESOLVE, o1, note="政策说明", resolution_type="explained")
    rate2 = {"solved": False, "satisfaction": "basically_satisfied"}
    act(clock, T0 + 3 * D + 2 * H, c2, Action.RATE, a, **rate2)

    act(clock, T0 + 7 * D, c3, Action.ACCEPT, o1)
    act(clock, T0 + 8 * D + H, c3, Action.RESOLVE, o1, note="已办结", resolution_type="solved")
    act(clock, T0 + 8 * D + 2 * H, c3, Action.RATE, a, solved=False, satisfaction="dissatisfied")

    act(clock, T0 + H, c4, Action.ACCEPT, o1)
    act(clock, T0 + D, c4, Action.ESCALATE, o1, note="需领导协调")
    act(
        clock,
        T0 + 4 * D + H,
        c4,
        Action.RESOLVE,
        zone.leader1,
        note="部分解决",
        resolution_type="partly_solved",
    )

    act(clock, T0 + H, c6, Action.WITHDRAW, b)
    act(clock, T0 + 2 * H, c7, Action.REJECT, o2, note="不属于受理范围")

    act(clock, T0 + H, c8, Action.ACCEPT, o2)
    act(clock, T0 + D, c8, Action.ESCALATE, o2, note="需领导协调")
    act(clock, T0 + 2 * D, c8, Action.ESCALATE, zone.leader2, note="需工委研究")

    act(clock, DECEMBER + H, c9, Action.ACCEPT, o1)
    act(clock, DECEMBER + D + H, c9, Action.RESOLVE, o1, note="已办结", resolution_type="solved")
    act(clock, DECEMBER + D + 2 * H, c9, Action.RATE, a, solved=True, satisfaction="satisfied")
    return SimpleNamespace(ids=[*ids, c9], department=department.id)


def snapshot() -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    """Every row of the rollup tables, sorted."""
    return {
        table.name: sorted(tuple(row) for row in db.session.execute(sa.select(table)))
        for table in ROLLUP_TABLES
    }


def assert_matches_rebuild() -> None:
    """The incrementally kept rollup is exactly what a rebuild from the cases makes."""
    db.session.commit()
    kept = snapshot()
    rebuild()
    db.session.commit()
    assert snapshot() == kept
