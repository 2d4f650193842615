"""Recording visits (cases found during them, all or nothing) and the contact policy."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from hgq.accounts.models import User
from hgq.cases.models import Case, Category, Channel
from hgq.enterprises.models import Enterprise, Tag
from hgq.errors import NotAllowed
from hgq.extensions import db
from hgq.timeutil import local_today
from hgq.visits.models import Visit, VisitMethod
from hgq.visits.queries import ContactStatus, contact_due_for, contact_status
from hgq.visits.services import Problem, record_visit
from tests import factories


def _category(code: str = "land") -> Category:
    return db.session.scalar(sa.select(Category).where(Category.code == code))


def _visit(user_id: int, enterprise_id: int, **kw):  # type: ignore[no-untyped-def]
    return record_visit(
        visitor=db.session.get(User, user_id),
        enterprise=db.session.get(Enterprise, enterprise_id),
        visited_on=kw.pop("visited_on", local_today()),
        method=kw.pop("method", VisitMethod.ONSITE),
        summary=kw.pop("summary", "了解生产经营情况"),
        **kw,
    )


def test_a_visit_creates_two_cases_with_the_visitor_as_first_owner(app, zone):
    with app.app_context():
        problems = [
            Problem("用电增容", "二期产线需要增容 2000 千伏安", _category("infrastructure")),
            Problem("招工难", "急需 30 名熟练焊工", _category("labor")),
        ]
        # A leader logs it: he, not the enterprise's officer, is 首问.
        visit, cases = _visit(zone.leader1, zone.ent_a, method=VisitMethod.PHONE, problems=problems)
        db.session.commit()
        assert len(cases) == 2
        for case in cases:
            assert case.first_owner_id == zone.leader1
            assert case.visit_id == visit.id
            assert case.channel is Channel.PHONE
        assert [c.title for c in db.session.get(Visit, visit.id).cases] == ["用电增容", "招工难"]


def test_a_bad_problem_saves_nothing(app, zone):
    with app.app_context():
        problems = [
            Problem("用电增容", "二期产线需要增容", _category()),
            Problem("招工难", "", _category()),
        ]
        with pytest.raises(NotAllowed) as caught:
            _visit(zone.officer1, zone.ent_a, problems=problems)
        assert caught.value.field == "problems-1-description"
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Visit.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0


def test_a_visit_in_the_future_is_refused(app, zone):
    with app.app_context():
        with pytest.raises(NotAllowed) as caught:
            _visit(zone.officer1, zone.ent_a, visited_on=local_today() + timedelta(days=1))
        assert caught.value.field == "visited_on"


@pytest.mark.parametrize(
    ("user", "enterprise", "allowed"),
    [
        ("officer1", "ent_a", True),
        ("officer1", "ent_b", False),
        ("leader1", "ent_a", True),
        ("leader1", "ent_b", False),
        ("admin", "ent_a", False),
        ("committee", "ent_a", False),
    ],
)
def test_who_may_log_a_visit(app, zone, user, enterprise, allowed):
    with app.app_context():
        if allowed:
            _visit(getattr(zone, user), getattr(zone, enterprise))
        else:
            with pytest.raises(NotAllowed):
                _visit(getattr(zone, user), getattr(zone, enterprise))


def test_contact_status_by_week():
    wednesday = date(2026, 11, 25)
    assert contact_status(date(2026, 11, 24), wednesday) is ContactStatus.OVERDUE
    assert contact_status(wednesday, wednesday) is ContactStatus.DUE_THIS_WEEK
    assert contact_status(date(2026, 11, 29), wednesday) is ContactStatus.DUE_THIS_WEEK
    assert contact_status(date(2026, 11, 30), wednesday) is ContactStatus.OK


def test_contact_due_uses_the_shortest_tag_interval(app, zone):
    """Four enterprises of officer1: one visited recently (ok), one a tagged 重点项目企业
    (7 days) visited 8 days ago (overdue), one visited 27 days ago (due this week or
    overdue by the default 30 days), one never visited since January (overdue)."""
    with app.app_context():
        today = local_today()
        admin = db.session.get(User, zone.admin)
        officer = db.session.get(User, zone.officer1)
        leader = db.session.get(User, zone.leader1)
        key = Tag(name="重点项目企业", contact_interval_days=7)
        loose = Tag(name="宽松标签", contact_interval_days=60)
        db.session.add_all([key, loose])
        tagged = factories.make_enterprise("重点企业")
        tagged.tags = [key, loose]
        stale = factories.make_enterprise("久未联络企业")
        never = factories.make_enterprise("从未联络企业")
        for firm in (tagged, stale, never):
            factories.assign(firm, officer, leader, admin)
        _visit(zone.officer1, zone.ent_a, visited_on=today - timedelta(days=3))
        _visit(zone.leader1, tagged.id, visited_on=today - timedelta(days=8))
        _visit(zone.officer1, tagged.id, visited_on=today - timedelta(days=20))
        _visit(zone.officer1, stale.id, visited_on=today - timedelta(days=27))
        db.session.commit()

        rows = {r.name: r for r in contact_due_for(officer, today)}
        assert set(rows) == {"甲企业", "重点企业", "久未联络企业", "从未联络企业"}
        assert rows["甲企业"].status is ContactStatus.OK
        assert rows["甲企业"].due_on == today + timedelta(days=27)
        assert rows["重点企业"].interval_days == 7
        assert rows["重点企业"].last_contact_by == "领导一"
        assert rows["重点企业"].status is ContactStatus.OVERDUE
        assert rows["久未联络企业"].due_on == today + timedelta(days=3)
        assert rows["久未联络企业"].status is contact_status(today + timedelta(days=3), today)
        assert rows["从未联络企业"].last_contact_on is None
        assert rows["从未联络企业"].due_on == date(2026, 1, 5) + timedelta(days=30)
        assert rows["从未联络企业"].overdue
        # The most urgent first; the leader sees the same enterprises.
        assert next(iter(contact_due_for(officer, today))).name == "从未联络企业"
        assert {r.name for r in contact_due_for(leader, today)} == set(rows)
        overdue = contact_due_for(officer, today, ContactStatus.OVERDUE)
        assert {r.name for r in overdue} == {"重点企业", "从未联络企业"}
        # Neither the committee nor an enterprise user has a contact list.
        assert contact_due_for(db.session.get(User, zone.committee), today) == []
