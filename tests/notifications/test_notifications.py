"""Who is told of case events, and the notification centre."""

import sqlalchemy as sa

from hgq.accounts.models import Role, User
from hgq.cases.models import Case
from hgq.cases.services import perform_action
from hgq.cases.workflow import Action
from hgq.extensions import db
from hgq.notifications.models import Notification
from tests.factories import make_case, make_user


def inbox(user_id):
    return db.session.scalars(
        sa.select(Notification.kind)
        .where(Notification.user_id == user_id)
        .order_by(Notification.id)
    ).all()


def act(case, user_id, action, **kw):
    perform_action(case, action, db.session.get(User, user_id), expected_version=case.version, **kw)
    db.session.commit()


def test_case_lifecycle_notifies_the_right_people(app, zone):
    with app.app_context():
        case = make_case(zone.ent_a, zone.user_a)
        assert inbox(zone.officer1) == ["case_new"]
        assert inbox(zone.user_a) == []  # the actor is never told of his own action
        act(case, zone.officer1, Action.ACCEPT)
        assert inbox(zone.user_a) == ["case_accept"]
        act(case, zone.officer1, Action.NOTE, note="内部研判")
        assert inbox(zone.user_a) == ["case_accept"]  # internal notes tell nobody outside
        act(case, zone.officer1, Action.ESCALATE, note="需领导协调")
        assert inbox(zone.leader1) == ["case_escalated"]
        assert inbox(zone.user_a) == ["case_accept"]  # escalation reasons stay internal
        act(case, zone.leader1, Action.ESCALATE, note="提交集中研究")
        assert inbox(zone.committee) == ["case_escalated"]
        act(case, zone.committee, Action.RESOLVE, note="已协调解决", resolution_type="solved")
        assert inbox(zone.user_a) == ["case_accept", "case_resolve"]
        act(case, zone.user_a, Action.RATE, solved=False, satisfaction="dissatisfied")
        # handler is the committee queue (None): the first owner hears of the reopening
        assert inbox(zone.officer1) == ["case_new", "case_reopened"]


def test_dissatisfied_rating_tells_the_handler(app, zone):
    with app.app_context():
        case = make_case(zone.ent_a, zone.officer1)
        act(case, zone.officer1, Action.RESOLVE, note="已答复", resolution_type="solved")
        act(case, zone.user_a, Action.RATE, solved=False, satisfaction="dissatisfied")
        assert inbox(zone.officer1) == ["case_reopened"]


def test_uncovered_enterprise_case_tells_the_committee(app, zone):
    with app.app_context():
        other = make_user("committee2", Role.COMMITTEE)
        case = make_case(zone.ent_c, other.id)
        assert case.handler_id is None and case.first_owner_id == other.id
        assert inbox(zone.committee) == ["case_new"]
        assert inbox(other.id) == []


def test_centre_lists_marks_read_and_guards_ids(app, zone, auth, client):
    with app.app_context():
        case = make_case(zone.ent_a, zone.user_a)
        case_id, code = case.id, case.code
        note_id = db.session.scalar(
            sa.select(Notification.id).where(Notification.user_id == zone.officer1)
        )
    auth.login("officer1")
    page = client.get("/notifications/").get_data(as_text=True)
    assert code in page
    assert "条未读消息" in client.get("/").get_data(as_text=True)
    response = client.post(f"/notifications/{note_id}/open")
    assert response.headers["Location"].endswith(f"/cases/{case_id}")
    with app.app_context():
        assert db.session.get(Notification, note_id).read_at is not None
    auth.logout()
    auth.login("officer2")
    assert client.post(f"/notifications/{note_id}/open").status_code == 404
    assert client.post("/notifications/read-all").status_code == 302
    auth.logout()
    auth.login("leader1")
    client.post("/notifications/read-all")
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Notification)
                .where(Notification.user_id == zone.leader1, Notification.read_at.is_(None))
            )
            == 0
        )


def test_notification_centre_needs_login(client):
    assert client.get("/notifications/").status_code == 302


def test_case_model_is_linked(app, zone):
    with app.app_context():
        case = make_case(zone.ent_a, zone.user_a)
        note = db.session.scalar(
            sa.select(Notification).where(Notification.user_id == zone.officer1)
        )
        assert isinstance(note.case, Case) and note.case.id == case.id
