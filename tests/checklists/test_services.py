"""Weekly checklists: what is on them and why, carry-over, freezing, and how a week
counts (on time, late, missing) on the work calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from hgq.accounts.models import User
from hgq.cases.services import perform_action
from hgq.cases.workflow import Action
from hgq.checklists import services
from hgq.checklists.models import ChecklistStatus, ItemKind, Outcome, WeeklyChecklist
from hgq.checklists.services import Progress
from hgq.checklists.weeks import Week, deadline, deadline_day
from hgq.deadlines.calendar import WorkCalendar
from hgq.enterprises.models import Enterprise
from hgq.errors import NotAllowed, VersionConflict
from hgq.extensions import db
from hgq.timeutil import local_today
from hgq.visits.models import VisitMethod
from hgq.visits.services import record_visit
from tests import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _user(user_id: int) -> User:
    return db.session.get(User, user_id)


def _now() -> datetime:
    return datetime.now(UTC)


def _this_week() -> Week:
    return Week.of(local_today())


def _visit(user_id: int, enterprise_id: int) -> None:
    record_visit(
        visitor=_user(user_id),
        enterprise=db.session.get(Enterprise, enterprise_id),
        visited_on=local_today(),
        method=VisitMethod.PHONE,
        summary="电话了解近况",
    )
    db.session.commit()


# -- weeks and deadlines ------------------------------------------------------------
def test_weeks_parse_and_print_as_iso_weeks():
    week = Week.parse("2026-W48")
    assert week is not None
    assert week.monday == date(2026, 11, 23) and week.sunday == date(2026, 11, 29)
    assert str(week) == "2026-W48"
    assert str(Week.of(date(2027, 1, 1))) == "2026-W53"  # 2026 has 53 ISO weeks
    assert week.shift(1) == Week.parse("2026-W49")
    for bad in ["2026-48", "2025-W53", "2026-W00", "1999-W10", "2026-W4", "", "x"]:
        assert Week.parse(bad) is None, bad


def test_the_deadline_moves_to_the_last_working_day_before_a_holiday_friday():
    week = Week.parse("2026-W48")
    plain = WorkCalendar(exceptions={}, known_years=frozenset({2026}))
    assert deadline_day(week, 4, plain) == date(2026, 11, 27)
    friday_off = WorkCalendar({date(2026, 11, 27): False}, frozenset({2026}))
    assert deadline_day(week, 4, friday_off) == date(2026, 11, 26)
    # A week off up to Friday: the first working day after.
    all_off = WorkCalendar({week.monday + timedelta(days=n): False for n in range(5)}, frozenset())
    assert deadline_day(week, 4, all_off) == date(2026, 11, 30)
    at = deadline(week, 4, time(18, 0), plain, SHANGHAI)
    assert at.astimezone(UTC) == datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def test_the_national_day_week_is_due_on_the_last_working_day_before_the_holiday(app, zone):
    with app.app_context():
        # 2026-W40: Mon 28 Sep – Sun 4 Oct; 1 Oct onwards is the National Day holiday.
        due = services.due_at(Week.parse("2026-W40")).astimezone(SHANGHAI)
        assert (due.date(), due.time()) == (date(2026, 9, 30), time(18, 0))


# -- what appears, and why ------------------------------------------------------------
def test_a_new_checklist_holds_his_open_cases_and_his_due_enterprises(app, zone):
    with app.app_context():
        owned = factories.make_case(zone.ent_a, zone.officer1, title="用地手续")
        # An enterprise's own request: its officer becomes 首问.
        from_enterprise = factories.make_case(zone.ent_a, zone.user_a, title="招工难")
        closed = factories.make_case(zone.ent_a, zone.officer1, title="已撤回的诉求")
        perform_action(
            closed,
            Action.WITHDRAW,
            _user(zone.user_a),
            expected_version=closed.version,
            note="已自行解决",
        )
        db.session.commit()
        others = factories.make_case(zone.ent_b, zone.officer2, title="乙企业的诉求")
        checklist = services.open_checklist(_user(zone.officer1), _this_week(), _now())
        db.session.commit()
        by_kind = {}
        for item in checklist.items:
            by_kind.setdefault(item.kind, []).append(item)
        assert {i.case_id for i in by_kind[ItemKind.CASE]} == {owned.id, from_enterprise.id}
        assert closed.id not in {i.case_id for i in checklist.items}
        assert others.id not in {i.case_id for i in checklist.items}
        # 甲企业 was assigned on 2026-01-05 and never visited: overdue for contact.
        assert [i.enterprise_id for i in by_kind[ItemKind.CONTACT]] == [zone.ent_a]
        assert by_kind[ItemKind.CASE][0].due_at is not None
        assert checklist.status is ChecklistStatus.OPEN and checklist.outcome is None


def test_a_case_he_received_first_stays_after_escalation_and_a_visit_clears_contact(app, zone):
    with app.app_context():
        case = factories.make_case(zone.ent_a, zone.officer1)
        perform_action(case, Action.ACCEPT, _user(zone.officer1), expected_version=case.version)
        perform_action(
            case,
            Action.ESCALATE,
            _user(zone.officer1),
            expected_version=case.version,
            note="需领导协调",
        )
        db.session.commit()
        _visit(zone.officer1, zone.ent_a)
        checklist = services.open_checklist(_user(zone.officer1), _this_week(), _now())
        assert [(i.kind, i.case_id) for i in checklist.items] == [(ItemKind.CASE, case.id)]
        # The leader now handles it, so it is on his list too if he keeps one: he does not.
        assert services.open_checklist(_user(zone.leader1), _this_week(), _now()) is None


def test_new_cases_join_an_open_week_without_touching_what_he_wrote(app, zone):
    with app.app_context():
        officer = _user(zone.officer1)
        first = factories.make_case(zone.ent_a, zone.officer1, title="第一件")
        checklist = services.open_checklist(officer, _this_week(), _now())
        item = next(i for i in checklist.items if i.case_id == first.id)
        services.record_progress(
            checklist, officer, {item.id: Progress("已协调自然资源局")}, now=_now()
        )
        db.session.commit()
        second = factories.make_case(zone.ent_a, zone.officer1, title="第二件")
        again = services.open_checklist(officer, _this_week(), _now())
        db.session.commit()
        assert again.id == checklist.id
        assert {i.case_id for i in again.items if i.case_id} == {first.id, second.id}
        assert item.progress == "已协调自然资源局"
        assert len(again.items) == 3  # two cases and the contact item, no duplicates


# -- carry-over ---------------------------------------------------------------------------
def test_unfinished_items_carry_over_marked_so_and_finished_ones_do_not(app, zone):
    with app.app_context():
        officer = _user(zone.officer1)
        week = _this_week()
        last_week_now = services.due_at(week.shift(-1)) - timedelta(hours=2)
        open_case = factories.make_case(zone.ent_a, zone.officer1, title="仍在办理")
        ended = factories.make_case(zone.ent_a, zone.officer1, title="将撤回")
        last = services.open_checklist(officer, week.shift(-1), last_week_now)
        own_open = services.add_own_item(
            last, officer, title="整理台账", due_on=None, now=last_week_now
        )
        own_done = services.add_own_item(
            last, officer, title="参加培训", due_on=None, now=last_week_now
        )
        services.record_progress(
            last, officer, {own_done.id: Progress("已参加", done=True)}, now=last_week_now
        )
        services.submit(last, officer, now=last_week_now)
        db.session.commit()
        perform_action(
            ended,
            Action.WITHDRAW,
            _user(zone.user_a),
            expected_version=ended.version,
            note="不需要了",
        )
        db.session.commit()

        checklist = services.open_checklist(officer, week, _now())
        db.session.commit()
        carried = [i for i in checklist.items if i.kind is ItemKind.CARRIED]
        assert {
            (i.origin, i.case_id, i.title) for i in carried if i.origin is not ItemKind.CONTACT
        } == {
            (
                ItemKind.CASE,
                open_case.id,
                next(i.title for i in last.items if i.case_id == open_case.id),
            ),
            (ItemKind.OWN, None, "整理台账"),
        }
        assert all(i.carried_from.checklist_id == last.id for i in carried)
        assert own_open.id in {i.carried_from_id for i in carried}
        # Not carried: the done own item and the withdrawn case; and the open case is
        # on the list once (as carried), not twice.
        assert "参加培训" not in {i.title for i in checklist.items}
        assert ended.id not in {i.case_id for i in checklist.items}
        assert [i.case_id for i in checklist.items].count(open_case.id) == 1


# -- freezing, on time, late, missing ---------------------------------------------------
def test_a_submitted_week_is_frozen(app, zone):
    with app.app_context():
        officer = _user(zone.officer1)
        checklist = services.open_checklist(officer, _this_week(), _now())
        item = checklist.items[0]
        services.submit(checklist, officer, now=_now())
        db.session.commit()
        with pytest.raises(NotAllowed, match="已提交"):
            services.record_progress(checklist, officer, {item.id: Progress("补写")}, now=_now())
        with pytest.raises(NotAllowed, match="已提交"):
            services.add_own_item(checklist, officer, title="补一项", due_on=None, now=_now())
        with pytest.raises(NotAllowed, match="已提交"):
            services.submit(checklist, officer, now=_now())
        db.session.rollback()
        factories.make_case(zone.ent_a, zone.officer1, title="提交后新来的诉求")
        frozen = services.open_checklist(officer, _this_week(), _now())
        assert len(frozen.items) == len(checklist.items)  # later work goes to next week
        assert frozen.status is ChecklistStatus.SUBMITTED


def test_only_the_officer_changes_his_checklist_and_versions_guard_overwrites(app, zone):
    with app.app_context():
        officer = _user(zone.officer1)
        checklist = services.open_checklist(officer, _this_week(), _now())
        item = checklist.items[0]
        with pytest.raises(NotAllowed):
            services.record_progress(
                checklist, _user(zone.leader1), {item.id: Progress("x")}, now=_now()
            )
        with pytest.raises(NotAllowed, match="没有该事项"):
            services.record_progress(checklist, officer, {999999: Progress("x")}, now=_now())
        version = checklist.version
        services.record_progress(
            checklist, officer, {item.id: Progress("第一次")}, now=_now(), version=version
        )
        with pytest.raises(VersionConflict):
            services.record_progress(
                checklist, officer, {item.id: Progress("旧页面")}, now=_now(), version=version
            )
        assert item.progress == "第一次"


def test_on_time_late_and_missing_follow_the_deadline(app, zone):
    with app.app_context():
        week = _this_week().shift(-1)
        due = services.due_at(week)
        one, two = _user(zone.officer1), _user(zone.officer2)
        early = services.open_checklist(one, week, due - timedelta(minutes=1))
        assert services.submit(early, one, now=due - timedelta(minutes=1)) is Outcome.ON_TIME
        late = services.open_checklist(two, week, due + timedelta(minutes=1))
        assert services.submit(late, two, now=due + timedelta(minutes=1)) is Outcome.LATE
        db.session.commit()
        # A third officer never submits: missing once the week closes, recorded once.
        three = factories.make_user("officer3", *one.roles, name="干部三")
        three.created_at = due - timedelta(days=2)  # existed for that week only
        db.session.commit()
        closes = services.closes_at(week)
        assert services.outcome_at(None, week, closes) is None
        assert services.close_weeks(closes) == 0
        assert services.close_weeks(closes + timedelta(minutes=1)) == 1
        assert services.close_weeks(closes + timedelta(hours=1)) == 0
        db.session.commit()
        recorded = db.session.scalars(
            db.select(WeeklyChecklist).where(WeeklyChecklist.week_start == week.monday)
        ).all()
        assert {c.user_id: c.outcome for c in recorded} == {
            one.id: Outcome.ON_TIME,
            two.id: Outcome.LATE,
            three.id: Outcome.MISSING,
        }
        # A closed week takes no late submission.
        missing = next(c for c in recorded if c.user_id == three.id)
        with pytest.raises(NotAllowed, match="补交期限"):
            services.submit(missing, three, now=closes + timedelta(hours=2))
        assert services.open_checklist(three, week.shift(-3), closes) is None


def test_the_leader_reviews_a_submitted_week_and_reminds_the_others(app, zone):
    with app.test_request_context():
        officer, leader = _user(zone.officer1), _user(zone.leader1)
        checklist = services.open_checklist(officer, _this_week(), _now())
        with pytest.raises(NotAllowed, match="提交后"):
            services.review(checklist, leader, "很好", now=_now())
        with pytest.raises(NotAllowed):
            services.review(checklist, _user(zone.leader2), "很好", now=_now())
        reminded = services.remind(leader, [officer, _user(zone.officer2)], _this_week(), _now())
        assert reminded == [officer, _user(zone.officer2)]
        services.submit(checklist, officer, now=_now())
        services.review(checklist, leader, "联络要更及时", now=_now())
        db.session.commit()
        assert checklist.reviewed_by_id == leader.id and checklist.review_comment == "联络要更及时"
        assert services.remind(leader, [officer], _this_week(), _now()) == []
