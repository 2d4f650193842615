"""The deadline sweep: escalation, 督办, due-soon and overdue notices, auto-close —
each exactly once, however often and however many sweeps run. Runs on SQLite and,
with HGQ_TEST_DATABASE_URL, on PostgreSQL."""

import threading
from datetime import timedelta

import sqlalchemy as sa

from hgq.accounts.models import User
from hgq.cases.models import Case, CaseEvent, CaseStatus
from hgq.cases.services import perform_action
from hgq.cases.workflow import Action
from hgq.db import utcnow
from hgq.deadlines.models import DeadlineNotice, SlaPolicy
from hgq.deadlines.sweep import SweepResult, run_sweep
from hgq.extensions import db
from hgq.notifications.models import Notification
from tests.factories import make_case

LATER = timedelta(days=90)  # beyond any level's limit, holidays included


def counts(result: SweepResult) -> tuple[int, ...]:
    return (result.escalated, result.urged, result.due_soon, result.overdue, result.closed)


def act(case_id, action, user_id, **kw):
    case = db.session.get(Case, case_id)
    user = db.session.get(User, user_id) if user_id else None
    perform_action(case, action, user, expected_version=case.version, **kw)
    db.session.commit()


def set_case(case_id, **values):
    case = db.session.get(Case, case_id)
    for name, value in values.items():
        setattr(case, name, value)
    db.session.commit()


def events(case_id, action=None):
    stmt = sa.select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
    if action:
        stmt = stmt.where(CaseEvent.action == action)
    return db.session.scalars(stmt).all()


def notices(kind, case_id=None):
    stmt = sa.select(Notification.user_id).where(Notification.kind == kind)
    if case_id is not None:
        stmt = stmt.where(Notification.case_id == case_id)
    return sorted(db.session.scalars(stmt))


def set_policy(level, **values):
    policy = db.session.get(SlaPolicy, level)
    for name, value in values.items():
        setattr(policy, name, value)
    db.session.commit()


def accepted_case(zone):
    case_id = make_case(zone.ent_a, zone.user_a).id
    act(case_id, Action.ACCEPT, zone.officer1)
    return case_id


def make_overdue(case_id, hours=1):
    past = utcnow() - timedelta(hours=hours)
    set_case(case_id, resolution_due_at=past, due_at=past, due_soon_at=past - timedelta(hours=1))


def just_after_deadline(case_id):
    """A moment just past the case's current resolution deadline."""
    return db.session.get(Case, case_id).resolution_due_at + timedelta(minutes=1)


def test_overdue_case_climbs_one_level_per_sweep_then_is_urged_once(app, zone):
    with app.app_context():
        case_id = make_case(zone.ent_a, zone.user_a).id  # never accepted: still escalates
        case = db.session.get(Case, case_id)
        assert (case.level, case.handler_id) == (1, zone.officer1)
        assert run_sweep(now=case.resolution_due_at - timedelta(minutes=1)).escalated == 0

        first = run_sweep(now=just_after_deadline(case_id))
        case = db.session.get(Case, case_id)
        assert (first.escalated, first.urged) == (1, 0)
        assert (case.level, case.handler_id, case.status) == (2, zone.leader1, CaseStatus.SUBMITTED)
        escalation = events(case_id, "escalate")[-1]
        assert escalation.actor_id is None
        assert escalation.note == "超期自动升级"
        assert (escalation.from_level, escalation.to_level) == (1, 2)
        assert zone.leader1 in notices("case_escalated", case_id)

        second = run_sweep(now=just_after_deadline(case_id))
        case = db.session.get(Case, case_id)
        assert (second.escalated, second.urged) == (1, 0)
        assert (case.level, case.handler_id) == (3, None)
        assert case.resolution_due_at > utcnow()  # level 3's own limit started

        urge_at = just_after_deadline(case_id)
        third = run_sweep(now=urge_at)
        case = db.session.get(Case, case_id)
        assert (third.escalated, third.urged) == (0, 1)
        assert case.level == 3
        assert case.urged_at is not None
        assert case.urge_count == 1
        urge = events(case_id, "urge")
        assert [(e.actor_id, e.note) for e in urge] == [(None, "三级办理超期，自动督办")]
        assert zone.committee in notices("case_urged", case_id)
        claimed = sa.select(sa.func.count()).select_from(DeadlineNotice)
        claimed = claimed.where(DeadlineNotice.case_id == case_id, DeadlineNotice.kind == "urged")
        assert db.session.scalar(claimed) == 1

        fourth = run_sweep(now=urge_at + LATER)
        assert (fourth.escalated, fourth.urged) == (0, 0)
        case = db.session.get(Case, case_id)
        assert (case.level, case.urge_count) == (3, 1)
        assert len(events(case_id, "escalate")) == 2


def test_case_overdue_at_each_level_by_its_fields_is_escalated_then_urged(app, zone):
    with app.app_context():
        case_id = accepted_case(zone)
        expected = [(2, "escalated"), (3, "escalated"), (3, "urged")]
        for level, counter in expected:
            make_overdue(case_id)
            result = run_sweep()
            assert getattr(result, counter) == 1, (level, result)
            assert db.session.get(Case, case_id).level == level
        make_overdue(case_id, hours=2)  # a new missed deadline: 督办 again, once
        assert run_sweep().urged == 1
        assert run_sweep().urged == 0
        assert db.session.get(Case, case_id).urge_count == 2


def test_paused_case_is_never_escalated_nor_reminded(app, zone):
    with app.app_context():
        case_id = accepted_case(zone)
        act(case_id, Action.PAUSE, zone.officer1, note="等待企业补充材料")
        past = utcnow() - timedelta(days=3)
        set_case(case_id, resolution_due_at=past, response_due_at=past)
        result = run_sweep(now=utcnow() + LATER)
        assert counts(result) == (0, 0, 0, 0, 0)
        case = db.session.get(Case, case_id)
        assert (case.level, case.urged_at) == (1, None)
        assert events(case_id, "escalate") == []


def test_auto_escalate_off_keeps_the_level_but_still_tells_of_the_overdue(app, zone):
    with app.app_context():
        set_policy(1, auto_escalate=False)
        case_id = accepted_case(zone)
        make_overdue(case_id)
        result = run_sweep()
        assert (result.escalated, result.overdue) == (0, 1)
        assert db.session.get(Case, case_id).level == 1

        set_policy(1, auto_escalate=True)
        set_policy(3, auto_escalate=False)
        set_case(case_id, level=3, handler_id=None)
        make_overdue(case_id, hours=2)
        result = run_sweep()
        assert (result.escalated, result.urged) == (0, 0)
        assert db.session.get(Case, case_id).urged_at is None


def test_due_soon_and_overdue_notices_are_sent_once_per_deadline(app, zone):
    with app.app_context():
        case_id = accepted_case(zone)
        now = utcnow()
        set_case(case_id, due_soon_at=now - timedelta(hours=1), due_at=now + timedelta(hours=3))
        assert run_sweep().due_soon == 1
        assert run_sweep().due_soon == 0
        assert notices("case_due_soon", case_id) == [zone.officer1]
        body = db.session.scalar(
            sa.select(Notification.body).where(Notification.kind == "case_due_soon")
        )
        assert "办理时限" in body

        # The deadline passes (the resolution deadline itself is still ahead: no escalation).
        set_case(case_id, due_at=utcnow() - timedelta(minutes=1))
        first, second = run_sweep(), run_sweep()
        assert (first.overdue, first.escalated) == (1, 0)
        assert second.total == 0
        # Level 1: the officer and the enterprise's leader hear of it.
        assert notices("case_overdue", case_id) == sorted([zone.officer1, zone.leader1])

        # A new deadline (e.g. an extension) earns its own notices.
        now = utcnow()
        set_case(case_id, due_soon_at=now - timedelta(minutes=5), due_at=now + timedelta(days=1))
        assert run_sweep().due_soon == 1
        assert notices("case_due_soon", case_id) == [zone.officer1, zone.officer1]


def test_overdue_case_in_the_leaders_queue_tells_the_queue(app, zone):
    with app.app_context():
        case_id = make_case(zone.ent_c, zone.committee).id  # uncovered: nobody handles it
        set_case(case_id, due_at=utcnow() - timedelta(minutes=1))
        assert run_sweep().overdue == 1
        assert notices("case_overdue", case_id) == [zone.committee]
        body = db.session.scalar(
            sa.select(Notification.body).where(Notification.kind == "case_overdue")
        )
        assert "响应时限" in body


def test_unrated_resolved_case_closes_after_the_set_days_and_not_before(app, zone):
    with app.app_context():
        set_policy(1, auto_close_days=3)
        case_id = accepted_case(zone)
        act(case_id, Action.RESOLVE, zone.officer1, note="已协调办理", resolution_type="solved")
        resolved_at = db.session.get(Case, case_id).resolved_at

        assert run_sweep(now=resolved_at + timedelta(days=2, hours=23)).closed == 0
        assert db.session.get(Case, case_id).status is CaseStatus.RESOLVED

        result = run_sweep(now=resolved_at + timedelta(days=3, minutes=1))
        case = db.session.get(Case, case_id)
        assert result.closed == 1
        assert (case.status, case.closed_unrated) == (CaseStatus.CLOSED, True)
        close = events(case_id, "close")
        assert [(e.actor_id, e.note) for e in close] == [(None, "企业超过3天未评价，自动归档")]
        assert run_sweep(now=resolved_at + timedelta(days=30)).closed == 0


def test_rated_case_is_not_auto_closed_again(app, zone):
    with app.app_context():
        case_id = accepted_case(zone)
        act(case_id, Action.RESOLVE, zone.officer1, note="已协调办理", resolution_type="solved")
        act(case_id, Action.RATE, zone.user_a, solved=True, satisfaction="satisfied")
        assert run_sweep(now=utcnow() + LATER).closed == 0
        assert len(events(case_id, "close")) == 0


def _busy_zone(zone):
    """Cases with every kind of effect due now; returns their ids."""
    ids = {}
    ids["escalate"] = [accepted_case(zone) for _ in range(3)]
    for case_id in ids["escalate"]:
        make_overdue(case_id)
    ids["urge"] = [accepted_case(zone) for _ in range(2)]
    for case_id in ids["urge"]:
        set_case(case_id, level=3, handler_id=None)
        make_overdue(case_id)
    ids["soon"] = [accepted_case(zone) for _ in range(3)]
    now = utcnow()
    for case_id in ids["soon"]:
        set_case(case_id, due_soon_at=now - timedelta(hours=1), due_at=now + timedelta(hours=2))
    ids["late"] = [accepted_case(zone) for _ in range(2)]
    for case_id in ids["late"]:
        set_case(case_id, due_at=now - timedelta(hours=1))
    ids["close"] = [accepted_case(zone) for _ in range(2)]
    for case_id in ids["close"]:
        act(case_id, Action.RESOLVE, zone.officer1, note="已办结", resolution_type="solved")
        set_case(case_id, resolved_at=now - timedelta(days=8))
    return ids


def _effects(ids):
    """Events and notifications the sweep made, per kind, and the cases' versions."""
    return {
        "escalate": len(
            db.session.scalars(sa.select(CaseEvent).where(CaseEvent.action == "escalate")).all()
        ),
        "urge": len(
            db.session.scalars(sa.select(CaseEvent).where(CaseEvent.action == "urge")).all()
        ),
        "close": len(
            db.session.scalars(sa.select(CaseEvent).where(CaseEvent.action == "close")).all()
        ),
        "due_soon": len(notices("case_due_soon")),
        "overdue": len(notices("case_overdue")),
        "all_notifications": len(notices_all()),
    }


def notices_all():
    return db.session.scalars(sa.select(Notification.id)).all()


def test_second_sweep_does_nothing(app, zone):
    with app.app_context():
        ids = _busy_zone(zone)
        first = run_sweep()
        assert counts(first) == (3, 2, 3, 4, 2)
        assert (first.skipped, first.errors) == (0, 0)
        effects = _effects(ids)
        versions = {c.id: c.version for c in db.session.scalars(sa.select(Case))}

        second = run_sweep()
        assert second.total == 0
        assert (second.skipped, second.errors) == (0, 0)
        db.session.expire_all()
        assert _effects(ids) == effects
        assert {c.id: c.version for c in db.session.scalars(sa.select(Case))} == versions


def test_two_sweeps_at_once_share_the_work_and_never_repeat_it(app, zone):
    with app.app_context():
        ids = _busy_zone(zone)
    start = threading.Barrier(2)
    results: list[SweepResult | BaseException] = [None, None]  # type: ignore[list-item]

    def sweep(i):
        with app.app_context():
            try:
                start.wait(timeout=10)
                results[i] = run_sweep(batch_size=2)  # small batches: more interleaving
            except BaseException as exc:  # reported by the assertion below
                results[i] = exc

    threads = [threading.Thread(target=sweep, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(isinstance(r, SweepResult) for r in results), results
    assert sum(r.errors for r in results) == 0
    total = tuple(map(sum, zip(*(counts(r) for r in results), strict=True)))
    assert total == (3, 2, 3, 4, 2)

    with app.app_context():
        effects = _effects(ids)
        assert (effects["escalate"], effects["urge"], effects["close"]) == (3, 2, 2)
        assert effects["due_soon"] == 3
        assert effects["overdue"] == 2 * 2 + 2  # level 1: officer and leader; level 3: committee
        for case_id in ids["escalate"]:
            assert db.session.get(Case, case_id).level == 2
        for case_id in ids["urge"]:
            assert db.session.get(Case, case_id).urge_count == 1
        # Another run afterwards finds nothing left.
        assert run_sweep().total == 0


def test_cli_prints_the_summary(app, zone, runner):
    with app.app_context():
        make_overdue(accepted_case(zone))
    result = runner.invoke(args=["sweep"])
    assert result.exit_code == 0, result.output
    assert "期限巡检完成：自动升级 1 件，自动督办 0 件" in result.output
    assert "即将到期提醒 0 件，超期提醒 0 件，自动归档 0 件" in result.output
    again = runner.invoke(args=["sweep", "--batch-size", "10"])
    assert "自动升级 0 件" in again.output
