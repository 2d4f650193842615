"""Creating cases (首问) and the effects of each action, through the service layer."""

import pytest

from hgq.accounts.models import User
from hgq.cases.models import Case, CaseStatus, ResolutionType, Satisfaction
from hgq.cases.services import perform_action
from hgq.cases.workflow import Action, ActionNotAllowed
from hgq.errors import NotAllowed, VersionConflict
from hgq.extensions import db
from tests.factories import make_case


def act(case_id, username_id, action, **kw):
    case = db.session.get(Case, case_id)
    user = db.session.get(User, username_id)
    kw.setdefault("expected_version", case.version)
    event = perform_action(case, action, user, **kw)
    db.session.commit()
    return event


def test_first_owner_rules(app, zone):
    with app.app_context():
        by_officer = make_case(zone.ent_a, zone.officer1)
        assert (by_officer.first_owner_id, by_officer.handler_id) == (zone.officer1, zone.officer1)
        by_enterprise = make_case(zone.ent_a, zone.user_a)
        assert (by_enterprise.first_owner_id, by_enterprise.handler_id) == (
            zone.officer1,
            zone.officer1,
        )
        by_leader = make_case(zone.ent_a, zone.leader1)
        assert (by_leader.first_owner_id, by_leader.handler_id) == (zone.leader1, zone.officer1)
        uncovered = make_case(zone.ent_c, zone.committee)
        assert uncovered.first_owner_id == zone.committee
        assert uncovered.handler_id is None  # the leaders' queue
        assert by_officer.code != by_enterprise.code
        assert by_officer.code.startswith("HGQ-")
        assert [e.action for e in by_officer.events] == ["submit"]


def test_officer_cannot_log_for_another_enterprise(app, zone):
    with app.app_context(), pytest.raises(NotAllowed):
        make_case(zone.ent_b, zone.officer1)


def test_full_escalation_path(app, zone):
    with app.app_context():
        case = make_case(zone.ent_a, zone.user_a)
        act(case.id, zone.officer1, Action.ACCEPT)
        assert case.responded_at is not None
        act(case.id, zone.officer1, Action.ESCALATE, note="涉及规划调整，需领导协调")
        assert (case.level, case.handler_id, case.status) == (
            2,
            zone.leader1,
            CaseStatus.IN_PROGRESS,
        )
        with pytest.raises(ActionNotAllowed) as caught:
            act(case.id, zone.officer1, Action.RESOLVE, note="x", resolution_type="solved")
        assert caught.value.code == "forbidden"
        db.session.rollback()
        act(case.id, zone.leader1, Action.ESCALATE, note="需工委管委集中研究")
        assert (case.level, case.handler_id) == (3, None)
        with pytest.raises(ActionNotAllowed) as caught:
            act(case.id, zone.committee, Action.ESCALATE, note="再升级")
        assert caught.value.code == "invalid_transition"
        db.session.rollback()
        act(
            case.id,
            zone.committee,
            Action.RESOLVE,
            note="经集中研究，已协调解决。",
            resolution_type="solved",
        )
        assert case.status is CaseStatus.RESOLVED and case.resolved_level == 3
        act(case.id, zone.user_a, Action.RATE, solved=True, satisfaction="satisfied")
        assert case.status is CaseStatus.CLOSED and case.closed_at is not None
        actions = [e.action for e in case.events]
        assert actions == ["submit", "accept", "escalate", "escalate", "resolve", "rate"]


def test_dissatisfied_rating_reopens_at_the_resolved_level(app, zone):
    with app.app_context():
        case = make_case(zone.ent_a, zone.officer1)
        act(case.id, zone.officer1, Action.RESOLVE, note="已答复", resolution_type="explained")
        assert case.status is CaseStatus.RESOLVED  # 一次办: resolved on the spot
        assert case.responded_at is not None
        act(
            case.id,
            zone.user_a,
            Action.RATE,
            solved=False,
            satisfaction="dissatisfied",
            comment="问题没有解决",
        )
        assert case.status is CaseStatus.IN_PROGRESS
        assert (case.level, case.handler_id, case.reopen_count) == (1, zone.officer1, 1)
        assert case.rating_satisfaction is Satisfaction.DISSATISFIED


def test_stale_version_is_refused_with_what_changed(app, zone):
    with app.app_context():
        case = make_case(zone.ent_a, zone.officer1)
        seen = case.version
        act(case.id, zone.officer1, Action.ACCEPT)
        with pytest.raises(VersionConflict, match="受理"):
            act(case.id, zone.officer1, Action.REPLY, note="您好", expected_version=seen)


def test_resolve_needs_type_and_reply(app, zone):
    with app.app_context():
        case = make_case(zone.ent_a, zone.officer1)
        act(case.id, zone.officer1, Action.ACCEPT)
        with pytest.raises(NotAllowed) as caught:
            act(case.id, zone.officer1, Action.RESOLVE, note="", resolution_type="solved")
        assert caught.value.field == "note"
        db.session.rollback()
        with pytest.raises(NotAllowed) as caught:
            act(case.id, zone.officer1, Action.RESOLVE, note="好", resolution_type="bogus")
        assert caught.value.field == "resolution_type"
        db.session.rollback()
        assert db.session.get(Case, case.id).status is CaseStatus.ACCEPTED
        act(case.id, zone.officer1, Action.RESOLVE, note="已办结", resolution_type="partly_solved")
        assert case.resolution_type is ResolutionType.PARTLY_SOLVED
