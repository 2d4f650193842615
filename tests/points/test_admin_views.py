"""The point rules page (积分规则): rules in force, scheduling a change, history."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from hgq.audit.models import AuditRecord
from hgq.extensions import db
from hgq.points.models import PointRule
from hgq.points.rules import DEFAULT_RULES, RULE_NAMES
from hgq.timeutil import local_today

CODE = next(iter(DEFAULT_RULES))


def versions(app, code: str = CODE) -> list[tuple[int, int | None, str, bool]]:  # type: ignore[no-untyped-def]
    with app.app_context():
        rows = db.session.execute(
            sa.select(
                PointRule.points, PointRule.monthly_cap, PointRule.active_from, PointRule.enabled
            )
            .where(PointRule.code == code)
            .order_by(PointRule.active_from)
        )
        return [(p, cap, day.isoformat(), on) for p, cap, day, on in rows]


def test_only_the_admin_sees_the_rules(zone, auth, client):
    for username in ("committee1", "officer1"):
        auth.login(username)
        assert client.get("/admin/points/rules").status_code == 403
        auth.logout()
    auth.login("admin")
    html = client.get("/admin/points/rules").get_data(as_text=True)
    assert "积分规则" in html and RULE_NAMES[CODE] in html
    assert f"/admin/points/rules/{CODE}" in html
    assert client.get("/admin/points/rules/manual").status_code == 404
    assert client.get("/admin/points/rules/no_such_rule").status_code == 404
    assert "积分规则" in client.get("/admin/").get_data(as_text=True)  # on the admin menu


def test_the_admin_schedules_a_change(app, zone, auth, client):
    auth.login("admin")
    before = versions(app)
    html = client.get(f"/admin/points/rules/{CODE}").get_data(as_text=True)
    assert "调整积分规则" in html and "生效日期" in html
    day = local_today() + timedelta(days=3)
    response = client.post(
        f"/admin/points/rules/{CODE}",
        data={"points": "7", "monthly_cap": "20", "active_from": day.isoformat(), "enabled": "y"},
    )
    assert response.status_code == 302
    assert versions(app) == sorted([*before, (7, 20, day.isoformat(), True)], key=lambda v: v[2])
    html = client.get("/admin/points/rules").get_data(as_text=True)
    assert "待生效" in html and day.isoformat() in html
    with app.app_context():
        audit = db.session.scalar(sa.select(AuditRecord).where(AuditRecord.action == "points.rule"))
        assert audit is not None and audit.after["points"] == 7


def test_bad_input_shows_the_message_and_saves_nothing(app, zone, auth, client):
    auth.login("admin")
    before = versions(app)
    yesterday = (local_today() - timedelta(days=1)).isoformat()
    for data, message in [
        ({"points": "", "active_from": local_today().isoformat()}, "请填写分值"),
        ({"points": "1", "active_from": ""}, "请选择生效日期"),
        ({"points": "1", "monthly_cap": "0", "active_from": yesterday}, "每月上限应在"),
        ({"points": "500", "active_from": local_today().isoformat()}, "分值应在"),
    ]:
        response = client.post(f"/admin/points/rules/{CODE}", data=data)
        assert response.status_code == 400, data
        assert message in response.get_data(as_text=True), data
    # The service refuses a date in the past, at the field.
    response = client.post(
        f"/admin/points/rules/{CODE}", data={"points": "1", "active_from": yesterday}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "生效日期" in html and "is-invalid" in html and f'value="{yesterday}"' in html
    assert versions(app) == before
