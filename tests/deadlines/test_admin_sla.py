"""The admin's SLA settings: the three levels in one form, bounds, optimistic locking,
audit records, defaults stored for missing levels."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from hgq.audit.models import AuditRecord
from hgq.deadlines.models import SlaPolicy
from hgq.extensions import db


@pytest.fixture
def admin(zone, auth):  # type: ignore[no-untyped-def]
    auth.login("admin")
    return zone


def field_errors(html: str, field_id: str) -> list[str]:
    start = html.index(f'id="{field_id}"')
    end = html.find('<div class="mb-3', start)
    block = html[start:end] if end != -1 else html[start:]
    return re.findall(r'class="invalid-feedback[^"]*">([^<]*)</div>', block)


def form_data(html: str) -> dict[str, str]:
    """The form as the page shows it (inputs' values, checked checkboxes)."""
    data = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        if 'type="checkbox"' in tag:
            if "checked" in tag:
                data[name.group(1)] = "y"
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    return data


def policies(app) -> dict[int, SlaPolicy]:  # type: ignore[no-untyped-def]
    with app.app_context():
        rows = db.session.scalars(sa.select(SlaPolicy)).all()
        for r in rows:
            db.session.expunge(r)
        return {r.level: r for r in rows}


def audits(app) -> list[AuditRecord]:  # type: ignore[no-untyped-def]
    with app.app_context():
        rows = db.session.scalars(
            sa.select(AuditRecord)
            .where(AuditRecord.action == "sla.update")
            .order_by(AuditRecord.id)
        ).all()
        for r in rows:
            db.session.expunge(r)
        return list(rows)


@pytest.mark.parametrize("username", ["committee1", "leader1", "officer1", "dept1", "ent_a"])
def test_only_the_admin(app, zone, auth, client, username):
    auth.login(username)
    assert client.get("/admin/sla").status_code == 403
    assert client.post("/admin/sla", data={"resolution_workdays_1": "9"}).status_code == 403
    assert policies(app)[1].resolution_workdays == 5


def test_anonymous_goes_to_login(zone, client):
    response = client.get("/admin/sla")
    assert response.status_code == 302 and "/login" in response.location


def test_page_shows_the_defaults_and_explains(admin, client):
    html = client.get("/admin/sla").get_data(as_text=True)
    data = form_data(html)
    assert data["resolution_workdays_1"] == "5"
    assert data["resolution_workdays_2"] == "10"
    assert data["resolution_workdays_3"] == "20"
    assert data["response_workdays_1"] == "1"
    assert "response_workdays_2" not in data  # only level 1 counts the response
    assert data["auto_escalate_3"] == "y" and "超期自动督办" in html
    assert "已经生成的期限保持不变" in html and "自然日" in html


def test_save_changes_and_audits_before_after(app, admin, client):
    data = form_data(client.get("/admin/sla").get_data(as_text=True))
    data.update(resolution_workdays_2="12", due_soon_workdays_2="2", auto_close_days_2="10")
    data.pop("auto_escalate_3")
    response = client.post("/admin/sla", data=data)
    assert response.status_code == 302
    stored = policies(app)
    assert stored[2].resolution_workdays == 12 and stored[2].due_soon_workdays == 2
    assert stored[2].auto_close_days == 10 and stored[2].version == 2
    assert stored[3].auto_escalate is False
    assert stored[1].version == 1  # unchanged level: no write
    records = audits(app)
    assert [r.target_id for r in records] == ["2", "3"]
    assert records[0].before["resolution_workdays"] == 10
    assert records[0].after["resolution_workdays"] == 12
    assert records[1].before["auto_escalate"] is True and records[1].after["auto_escalate"] is False
    assert "已保存办理时限" in client.get("/admin/sla").get_data(as_text=True)


def test_saving_unchanged_writes_nothing(app, admin, client):
    data = form_data(client.get("/admin/sla").get_data(as_text=True))
    client.post("/admin/sla", data=data)
    assert audits(app) == [] and policies(app)[1].version == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("resolution_workdays_1", "0", "应为1至60个工作日"),
        ("resolution_workdays_3", "61", "应为1至60个工作日"),
        ("response_workdays_1", "", "请填写天数"),
        ("response_workdays_1", "abc", "不是有效的整数"),
        ("auto_close_days_2", "31", "应为0至30天"),
        ("auto_close_days_2", "-1", "应为0至30天"),
        ("due_soon_workdays_1", "5", "临期提醒应少于办结时限的工作日数"),
    ],
)
def test_bounds_errors_at_the_field(app, admin, client, field, value, message):
    data = form_data(client.get("/admin/sla").get_data(as_text=True))
    data.update({field: value, "resolution_workdays_2": "15"})
    response = client.post("/admin/sla", data=data)
    assert response.status_code == 200
    errors = field_errors(response.get_data(as_text=True), field)
    assert errors and message in errors[0]
    assert policies(app)[2].resolution_workdays == 10  # nothing saved
    assert audits(app) == []


def test_stale_form_is_refused(app, admin, client):
    data = form_data(client.get("/admin/sla").get_data(as_text=True))
    with app.app_context():  # someone else saves in between
        db.session.get(SlaPolicy, 3).resolution_workdays = 25
        db.session.commit()
    data.update(resolution_workdays_1="7")
    html = client.post("/admin/sla", data=data).get_data(as_text=True)
    assert "已被他人修改" in html
    stored = policies(app)
    assert stored[1].resolution_workdays == 5 and stored[3].resolution_workdays == 25
    assert audits(app) == []


def test_missing_rows_are_stored_with_defaults(app, admin, client):
    with app.app_context():
        db.session.execute(sa.delete(SlaPolicy).where(SlaPolicy.level.in_([2, 3])))
        db.session.commit()
    data = form_data(client.get("/admin/sla").get_data(as_text=True))
    assert data["version_2"] == "0" and data["resolution_workdays_2"] == "10"
    data.update(resolution_workdays_3="22")
    assert client.post("/admin/sla", data=data).status_code == 302
    stored = policies(app)
    assert set(stored) == {1, 2, 3}
    assert stored[2].resolution_workdays == 10 and stored[3].resolution_workdays == 22
    [record] = audits(app)
    assert record.target_id == "3" and record.before["resolution_workdays"] == 20
