"""The demo zone's visits and contact lists; the admin's tag interval."""

from __future__ import annotations

import sqlalchemy as sa

from hgq.accounts.models import Role, User, UserRole
from hgq.demo.cli import demo_command
from hgq.enterprises.models import Tag
from hgq.extensions import db
from hgq.timeutil import local_today
from hgq.visits.models import Visit
from hgq.visits.queries import ContactStatus, contact_due_for


def test_demo_zone_has_visits_and_overdue_enterprises(app, runner):
    assert runner.invoke(demo_command).exit_code == 0
    with app.app_context():
        visits = db.session.scalar(sa.select(sa.func.count(Visit.id)))
        assert visits >= 10
        officers = db.session.scalars(
            sa.select(User).join(UserRole).where(UserRole.role == Role.OFFICER)
        ).all()
        statuses = [r.status for o in officers for r in contact_due_for(o, local_today())]
        assert statuses.count(ContactStatus.OVERDUE) >= 2
        assert ContactStatus.OK in statuses
        tag = db.session.scalar(sa.select(Tag).where(Tag.contact_interval_days.is_not(None)))
        assert tag is not None
    result = runner.invoke(demo_command)  # idempotent
    assert result.exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Visit.id))) == visits


def test_admin_sets_a_tag_interval(app, zone, auth, client):
    with app.app_context():
        tag = Tag(name="重点项目企业")
        db.session.add(tag)
        db.session.commit()
        tag_id = tag.id
    auth.login("admin")
    assert "联络周期" in client.get("/admin/tags").get_data(as_text=True)
    url = f"/admin/tags/{tag_id}/interval"
    assert client.post(url, data={"contact_interval_days": "7"}).status_code == 302
    client.post(url, data={"contact_interval_days": "0"})  # refused, flashed
    with app.app_context():
        assert db.session.get(Tag, tag_id).contact_interval_days == 7
    client.post(url, data={"contact_interval_days": ""})
    with app.app_context():
        assert db.session.get(Tag, tag_id).contact_interval_days is None
