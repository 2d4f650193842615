"""Deadlines on cases: set at creation and escalation, moved by extensions and pauses,
recorded in the history."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from hgq.accounts.models import User
from hgq.cases.models import Case
from hgq.cases.services import perform_action
from hgq.cases.workflow import Action
from hgq.db import utcnow
from hgq.deadlines.calendar import due_after, parse_cutoff
from hgq.deadlines.models import CaseDeadline
from hgq.deadlines.services import get_calendar
from hgq.extensions import db
from hgq.notifications.models import Notification
from tests.factories import make_case

SHANGHAI = ZoneInfo("Asia/Shanghai")
CUTOFF = parse_cutoff("17:30")


def act(case, user_id, action, **kw):
    user = db.session.get(User, user_id) if user_id else None
    perform_action(case, action, user, expected_version=case.version, **kw)
    db.session.commit()


def history(case):
    return db.session.execute(
        sa.select(CaseDeadline.kind, CaseDeadline.level, CaseDeadline.reason, CaseDeadline.workdays)
        .where(CaseDeadline.case_id == case.id)
        .order_by(CaseDeadline.id)
    ).all()


def expected(start, days):
    return due_after(start, days, get_calendar(), SHANGHAI, CUTOFF)[0]


def test_new_case_gets_response_and_resolution_deadlines(app, zone):
    with app.app_context():
        case = make_case(zone.ent_a, zone.user_a)
        assert case.version == 1
        assert case.response_due_at == expected(case.created_at, 1)
        assert case.resolution_due_at == expected(case.created_at, 5)
        assert case.due_at == case.response_due_at  # not answered yet
        assert case.due_soon_at is not None and case.due_soon_at <= case.due_at
        assert history(case) == [("response", 1, "created", 1), ("resolution", 1, "created", 5)]


def test_answering_switches_to_the_resolution_deadline(app, zone):
    with app.app_context():
        case = make_case(zone.ent_a, zone.user_a)
        act(case, zone.officer1, Action.ACCEPT)
        assert case.version == 2
        assert case.due_at == case.resolution_due_at


def test_escalation_starts_the_next_levels_limit(app, zone):
    with app.app_context():
        case = make_case(zone.ent_a, zone.officer1)
        act(case, zone.officer1, Action.ACCEPT)
        act(case, zone.officer1, Action.ESCALATE, note="需领导协调")
        assert case.resolution_due_at == expected(case.level_started_at, 10)
        act(case, zone.leader1, Action.ESCALATE, note="需集中研究")
        assert case.resolution_due_at == expected(case.level_started_at, 20)
        assert [row.reason for row in history(case)][-2:] == ["escalated", "escalated"]


def test_approved_extension_moves_the_deadline_refused_does_not(app, zone):
    with app.app_context():
        case = make_case(zone.ent_a, zone.officer1)
        act(case, zone.officer1, Action.ACCEPT)
        before = case.resolution_due_at
        act(case, zone.officer1, Action.REQUEST_EXTENSION, note="需等待规划审批", working_days=3)
        assert case.extension_pending_days == 3
        assert case.resolution_due_at == before  # a request alone moves nothing
        act(case, zone.leader1, Action.REFUSE_EXTENSION, note="请按期办结")
        assert case.resolution_due_at == before and case.extension_pending_days is None
        act(case, zone.officer1, Action.REQUEST_EXTENSION, note="确需延期", working_days=3)
        act(case, zone.leader1, Action.APPROVE_EXTENSION)
        assert case.resolution_due_at == expected(before, 3)
        assert history(case)[-1] == ("resolution", 1, "extended", 3)


def test_pause_stops_the_clock_and_resume_moves_the_deadline(app, zone):
    with app.app_context():
        case = make_case(zone.ent_a, zone.officer1)
        act(case, zone.officer1, Action.ACCEPT)
        act(case, zone.officer1, Action.PAUSE, note="等待企业补充土地证明材料")
        assert case.is_paused and case.due_at is None
        before = case.resolution_due_at
        # Pretend the pause began five calendar days ago.
        case.paused_at = utcnow() - timedelta(days=5)
        db.session.commit()
        paused_days = get_calendar().workdays_between(
            case.paused_at.astimezone(SHANGHAI).date(), utcnow().astimezone(SHANGHAI).date()
        )
        act(case, zone.officer1, Action.RESUME)
        assert not case.is_paused
        assert paused_days >= 2
        assert case.resolution_due_at == expected(before, paused_days)
        assert case.due_at == case.resolution_due_at


def test_resolved_and_closed_cases_have_no_running_deadline(app, zone):
    with app.app_context():
        case = make_case(zone.ent_a, zone.officer1)
        act(case, zone.officer1, Action.RESOLVE, note="当场解决", resolution_type="solved")
        assert case.due_at is None and case.due_soon_at is None
        act(case, zone.user_a, Action.RATE, solved=False, satisfaction="dissatisfied")
        assert case.due_at is not None  # reopened: a fresh resolution limit at its level
        assert history(case)[-1][2] == "reopened"


def test_urge_marks_the_case_and_tells_the_handler(app, zone):
    with app.app_context():
        case = make_case(zone.ent_a, zone.officer1)
        act(case, zone.leader1, Action.URGE, note="请加快办理")
        assert case.is_urged and case.urge_count == 1
        assert db.session.get(Case, case.id).urged_at is not None
        kinds = db.session.scalars(
            sa.select(Notification.kind).where(Notification.user_id == zone.officer1)
        ).all()
        assert kinds == ["case_urged"]


def test_extension_requests_go_to_the_level_above(app, zone):
    with app.app_context():
        case = make_case(zone.ent_a, zone.officer1)
        act(case, zone.officer1, Action.ACCEPT)
        act(case, zone.officer1, Action.REQUEST_EXTENSION, note="需等待", working_days=2)
        act(case, zone.leader1, Action.APPROVE_EXTENSION)
        to_leader = db.session.scalars(
            sa.select(Notification.kind).where(Notification.user_id == zone.leader1)
        ).all()
        to_officer = db.session.scalars(
            sa.select(Notification.kind).where(Notification.user_id == zone.officer1)
        ).all()
        assert to_leader == ["case_extension_requested"]
        assert to_officer == ["case_extension_approved"]
