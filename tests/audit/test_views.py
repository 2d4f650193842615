"""The audit page (/audit/): filters by person, action and local date, SQL pagination,
and the .xlsx export with the same filters, itself audited."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import openpyxl
import sqlalchemy as sa

from hgq.accounts.models import User
from hgq.audit.models import AuditRecord
from hgq.extensions import db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _records(app, zone) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        db.session.add_all(
            [
                AuditRecord(
                    action="user.login",
                    actor_id=zone.officer1,
                    ip="10.1.1.1",
                    at=datetime(2026, 10, 1, 0, 30, tzinfo=SHANGHAI),  # 30 Sep in UTC
                ),
                AuditRecord(
                    action="settings.update",
                    actor_id=zone.admin,
                    at=datetime(2026, 10, 2, 9, tzinfo=SHANGHAI),
                    before={"x": 1},
                    after={"x": "=1+1"},
                ),
                AuditRecord(
                    action="user.login",
                    actor_id=zone.leader1,
                    at=datetime(2026, 10, 3, 9, tzinfo=SHANGHAI),
                ),
            ]
        )
        db.session.commit()


def test_admin_filters_by_person_action_and_local_date(app, zone, auth, client):
    _records(app, zone)
    auth.login("admin")
    page = client.get("/audit/").get_data(as_text=True)
    assert "审计记录" in page and "settings.update" in page and "10.1.1.1" in page

    with app.app_context():
        officer = db.session.get(User, zone.officer1)
        assert officer is not None
        name = officer.name
    page = client.get("/audit/?person=officer1").get_data(as_text=True)
    assert "10.1.1.1" in page and "settings.update</div></td>" not in page
    page = client.get(f"/audit/?person={name}&action=settings.update").get_data(as_text=True)
    assert "没有符合条件的审计记录" in page
    # Local dates: 1 October 00:30 in Shanghai counts as 1 October.
    page = client.get("/audit/?start=2026-10-01&end=2026-10-01").get_data(as_text=True)
    assert "10.1.1.1" in page and "settings.update</div></td>" not in page
    page = client.get("/audit/?start=2026-10-02&action=user.login").get_data(as_text=True)
    assert "10.1.1.1" not in page and "user.login</div></td>" in page
    # Malformed dates are ignored, not an error.
    assert client.get("/audit/?start=nonsense&page=99").status_code == 200


def test_pagination_is_in_sql(app, zone, auth, client):
    with app.app_context():
        db.session.add_all([AuditRecord(action=f"bulk.{n:02d}") for n in range(25)])
        db.session.commit()
    auth.login("admin")
    with app.app_context():  # the zone's own records (its users, enterprises) count too
        pages = -(-db.session.scalar(sa.select(sa.func.count(AuditRecord.id))) // 20)
    first = client.get("/audit/").get_data(as_text=True)  # newest first, 20 a page
    assert "bulk.24</div></td>" in first and "bulk.04</div></td>" not in first
    assert f"第 1/{pages} 页" in first
    second = client.get("/audit/?page=2").get_data(as_text=True)
    assert "bulk.04</div></td>" in second and "bulk.24</div></td>" not in second


def test_export_uses_the_filters_and_is_audited(app, zone, auth, client):
    _records(app, zone)
    auth.login("admin")
    response = client.get("/audit/export.xlsx?action=settings.update")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("时间", "操作人", "用户名", "地址", "操作")
    assert len(rows) == 2
    assert rows[1][0] == "2026-10-02 09:00:00" and rows[1][4] == "settings.update"
    assert rows[1][8] == '{"x": "=1+1"}'  # text, never a formula
    with app.app_context():
        export = db.session.scalars(
            sa.select(AuditRecord).where(AuditRecord.action == "audit.export")
        ).one()
        assert export.actor_id == zone.admin
        assert export.after is not None
        assert export.after["action"] == "settings.update" and export.after["rows"] == 1


def test_actions_read_in_chinese_with_their_code(app, zone, auth, client):
    auth.login("admin")  # the sign-in itself is an audit record
    html = client.get("/audit/").get_data(as_text=True)
    assert "登录" in html and "auth.login" in html
    assert '<option value="auth.login">登录</option>' in html
