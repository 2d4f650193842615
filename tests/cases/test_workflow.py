"""The transition table, tried for every (status, action, role) combination.

EXPECTED is written out by hand from DESIGN §3, independently of hgq.cases.workflow,
so a change to the table that the design does not call for fails here.
"""

from datetime import timedelta

import pytest

from hgq import access
from hgq.accounts.models import User
from hgq.cases.models import Case, CaseStatus
from hgq.cases.workflow import Action, ActionNotAllowed, Relation, available_actions, check_action
from hgq.db import utcnow
from hgq.extensions import db
from tests.factories import make_case

ROLES = ("officer1", "leader1", "committee1", "admin", "ent_a")
S = CaseStatus
F = "forbidden"
X = "invalid_transition"
STAFF_NOTE = {"officer1": None, "leader1": None, "committee1": None, "admin": None, "ent_a": F}


def row(**outcomes):
    """Outcome per role: a status (allowed, leads there), F (forbidden) or X (invalid)."""
    return {role: outcomes.get(role, F) for role in ROLES}


def invalid():
    return dict.fromkeys(ROLES, X)


def note(status):
    return {role: (status if v is None else v) for role, v in STAFF_NOTE.items()}


# A level-1 case of 甲企业: officer1 handles it, leader1 leads the enterprise.
EXPECTED = {
    S.SUBMITTED: {
        Action.ACCEPT: row(officer1=S.ACCEPTED),
        Action.NOTE: note(S.SUBMITTED),
        Action.REPLY: row(officer1=S.IN_PROGRESS),
        Action.ESCALATE: row(),  # only the sweep escalates a case nobody accepted
        Action.RESOLVE: row(officer1=S.RESOLVED),
        Action.RATE: invalid(),
        Action.REOPEN: invalid(),
        Action.CLOSE: invalid(),
        Action.REJECT: row(officer1=S.REJECTED),
        Action.WITHDRAW: row(ent_a=S.WITHDRAWN),
    },
    S.ACCEPTED: {
        Action.ACCEPT: invalid(),
        Action.NOTE: note(S.ACCEPTED),
        Action.REPLY: row(officer1=S.IN_PROGRESS),
        Action.ESCALATE: row(officer1=S.IN_PROGRESS),
        Action.RESOLVE: row(officer1=S.RESOLVED),
        Action.RATE: invalid(),
        Action.REOPEN: invalid(),
        Action.CLOSE: invalid(),
        Action.REJECT: row(officer1=S.REJECTED),
        Action.WITHDRAW: row(ent_a=S.WITHDRAWN),
    },
    S.IN_PROGRESS: {
        Action.ACCEPT: invalid(),
        Action.NOTE: note(S.IN_PROGRESS),
        Action.REPLY: row(officer1=S.IN_PROGRESS),
        Action.ESCALATE: row(officer1=S.IN_PROGRESS),
        Action.RESOLVE: row(officer1=S.RESOLVED),
        Action.RATE: invalid(),
        Action.REOPEN: invalid(),
        Action.CLOSE: invalid(),
        Action.REJECT: invalid(),
        Action.WITHDRAW: row(ent_a=S.WITHDRAWN),
    },
    S.RESOLVED: {
        Action.ACCEPT: invalid(),
        Action.NOTE: note(S.RESOLVED),
        Action.REPLY: invalid(),
        Action.ESCALATE: invalid(),
        Action.RESOLVE: invalid(),
        Action.RATE: row(ent_a=S.CLOSED),
        Action.REOPEN: row(leader1=S.IN_PROGRESS, committee1=S.IN_PROGRESS),
        Action.CLOSE: row(leader1=S.CLOSED, committee1=S.CLOSED),
        Action.REJECT: invalid(),
        Action.WITHDRAW: invalid(),
    },
    S.CLOSED: {
        Action.ACCEPT: invalid(),
        Action.NOTE: note(S.CLOSED),
        Action.REPLY: invalid(),
        Action.ESCALATE: invalid(),
        Action.RESOLVE: invalid(),
        Action.RATE: invalid(),
        Action.REOPEN: row(ent_a=S.IN_PROGRESS, leader1=S.IN_PROGRESS, committee1=S.IN_PROGRESS),
        Action.CLOSE: invalid(),
        Action.REJECT: invalid(),
        Action.WITHDRAW: invalid(),
    },
    S.REJECTED: {
        **{a: invalid() for a in Action if a is not Action.SUBMIT},
        Action.NOTE: note(S.REJECTED),
    },
    S.WITHDRAWN: {
        **{a: invalid() for a in Action if a is not Action.SUBMIT},
        Action.NOTE: note(S.WITHDRAWN),
    },
}


# The 督办, 延期 and 挂起 actions (DESIGN §4), for a fresh case: no extension pending, not
# paused, so deciding an extension or resuming is not possible yet (X), and only for
# those who could (the level above; the handler).
def deadline_actions(status):
    if status in (S.ACCEPTED, S.IN_PROGRESS):
        return {
            Action.URGE: row(leader1=status, committee1=status),
            Action.REQUEST_EXTENSION: row(officer1=S.IN_PROGRESS),
            Action.APPROVE_EXTENSION: row(leader1=X, committee1=X),
            Action.REFUSE_EXTENSION: row(leader1=X, committee1=X),
            Action.PAUSE: row(officer1=S.IN_PROGRESS),
            Action.RESUME: row(officer1=X),
        }
    actions = {
        a: invalid()
        for a in (
            Action.URGE,
            Action.REQUEST_EXTENSION,
            Action.APPROVE_EXTENSION,
            Action.REFUSE_EXTENSION,
            Action.PAUSE,
            Action.RESUME,
        )
    }
    if status is S.SUBMITTED:
        actions[Action.URGE] = row(leader1=S.SUBMITTED, committee1=S.SUBMITTED)
    return actions


for _status, _actions in EXPECTED.items():
    _actions.update(deadline_actions(_status))
EXPECTED[S.REJECTED][Action.NOTE] = note(S.REJECTED)
EXPECTED[S.WITHDRAWN][Action.NOTE] = note(S.WITHDRAWN)

PAYLOAD = {"satisfaction": "satisfied", "solved": True}


def outcome(case, action, user):
    relations = access.case_relations(user, case)
    try:
        return check_action(case, action, relations, PAYLOAD, utcnow())
    except ActionNotAllowed as exc:
        return exc.code


@pytest.mark.parametrize("status", list(CaseStatus))
def test_every_action_and_role_against_the_table(app, zone, status):
    with app.app_context():
        case = make_case(zone.ent_a, zone.officer1)
        case.status = status
        if status is S.CLOSED:
            case.closed_at = utcnow()
        users = {
            name: db.session.scalar(db.select(User).filter_by(username=name)) for name in ROLES
        }
        mismatches = []
        for action, expected_by_role in EXPECTED[status].items():
            for role, expected in expected_by_role.items():
                got = outcome(case, action, users[role])
                if got != expected:
                    mismatches.append((action.value, role, str(expected), str(got)))
        assert mismatches == []


def test_table_covers_every_action():
    for status in CaseStatus:
        assert set(EXPECTED[status]) == set(Action) - {Action.SUBMIT}


def test_available_actions_follow_the_table(app, zone):
    with app.app_context():
        case = make_case(zone.ent_a, zone.officer1)
        officer = db.session.get(User, zone.officer1)
        relations = access.case_relations(officer, case)
        assert relations == {Relation.HANDLER, Relation.STAFF}
        names = [a.value for a in available_actions(case, relations, utcnow())]
        assert names == ["accept", "note", "reply", "resolve", "reject"]


def test_no_escalation_beyond_level_three(app, zone):
    with app.app_context():
        case = make_case(zone.ent_a, zone.officer1)
        case.status, case.level, case.handler_id = S.IN_PROGRESS, 3, None
        committee = db.session.get(User, zone.committee)
        assert outcome(case, Action.ESCALATE, committee) == X
        assert outcome(case, Action.RESOLVE, committee) == S.RESOLVED


def test_enterprise_reopen_window_is_thirty_days(app, zone):
    with app.app_context():
        case = make_case(zone.ent_a, zone.officer1)
        case.status = S.CLOSED
        ent, leader = (db.session.get(User, zone.user_a), db.session.get(User, zone.leader1))
        case.closed_at = utcnow() - timedelta(days=29)
        assert outcome(case, Action.REOPEN, ent) == S.IN_PROGRESS
        case.closed_at = utcnow() - timedelta(days=31)
        assert outcome(case, Action.REOPEN, ent) == X
        assert outcome(case, Action.REOPEN, leader) == S.IN_PROGRESS  # after a 回访


def test_leaders_queue_case_can_be_taken_by_any_leader(app, zone):
    with app.app_context():
        case = make_case(zone.ent_c, zone.committee)  # 丙企业 has no officer
        assert case.handler_id is None
        leader2 = db.session.get(User, zone.leader2)
        assert Relation.HANDLER in access.case_relations(leader2, case)
        officer1 = db.session.get(User, zone.officer1)
        assert outcome(case, Action.ACCEPT, officer1) == F
        visible = db.session.scalars(access.select_visible_cases(leader2)).all()
        assert case in visible


def test_other_roles_see_nothing_of_the_case(app, zone):
    with app.app_context():
        case = make_case(zone.ent_a, zone.officer1)
        for user_id in (zone.officer2, zone.leader2, zone.dept1, zone.user_b):
            user = db.session.get(User, user_id)
            assert db.session.scalars(access.select_visible_cases(user)).all() == []
        assert isinstance(case, Case)


def test_the_system_may_only_escalate_urge_and_close(app, zone):
    with app.app_context():
        case = make_case(zone.ent_a, zone.officer1)
        system = frozenset({Relation.SYSTEM})
        allowed = {a.value for a in available_actions(case, system, utcnow())}
        assert allowed == {"escalate", "urge"}
        assert check_action(case, Action.ESCALATE, system, {}, utcnow()) is S.SUBMITTED
        case.status = S.RESOLVED
        assert {a.value for a in available_actions(case, system, utcnow())} == {"close"}


def test_extension_and_pause_facts(app, zone):
    with app.app_context():
        case = make_case(zone.ent_a, zone.officer1)
        case.status = S.IN_PROGRESS
        leader = db.session.get(User, zone.leader1)
        officer = db.session.get(User, zone.officer1)
        case.extension_pending_days = 3
        assert outcome(case, Action.APPROVE_EXTENSION, leader) is S.IN_PROGRESS
        assert outcome(case, Action.REQUEST_EXTENSION, officer) == X
        case.extension_pending_days = None
        case.paused_at = utcnow()
        assert outcome(case, Action.RESUME, officer) is S.IN_PROGRESS
        assert outcome(case, Action.PAUSE, officer) == X
        case.level = 2  # the enterprise's leader no longer stands above the case
        case.extension_pending_days = 3
        assert outcome(case, Action.APPROVE_EXTENSION, leader) == F
