"""三员分立: the security admin and the audit admin, held alone; the setting that takes
their parts away from the system admin; the guards that keep it switchable."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hgq.accounts import services as accounts
from hgq.accounts.models import Role, User
from hgq.audit.models import AuditRecord
from hgq.errors import NotAllowed
from hgq.extensions import db
from hgq.security.duties import SEPARATION_KEY, separation_of_duties
from hgq.settings.services import get_setting
from tests.factories import make_user

SECURITY_PAGES = ["/admin/security/", "/admin/security/password-policy"]
AUDIT_PAGES = ["/audit/", "/audit/export.xlsx"]


def _turn_on(client, auth, username: str = "admin"):  # type: ignore[no-untyped-def]
    auth.login(username)
    return client.post("/admin/security/separation", data={"enabled": "y", "version": "0"})


def test_each_admin_lands_on_his_page_and_sees_only_it(client, auth, zone):
    auth.login("secadmin")
    assert client.get("/").headers["Location"].endswith("/admin/security/")
    page = client.get("/admin/security/").get_data(as_text=True)
    assert "当前被锁定的账号" in page and "三员分立" in page
    for url in SECURITY_PAGES:
        assert client.get(url).status_code == 200
    for url in [*AUDIT_PAGES, "/admin/", "/admin/users", "/cases/", "/enterprises/", "/stats/"]:
        assert client.get(url).status_code == 403, url
    auth.logout()

    auth.login("auditor")
    assert client.get("/").headers["Location"].endswith("/audit/")
    for url in AUDIT_PAGES:
        assert client.get(url).status_code == 200
    for url in [*SECURITY_PAGES, "/admin/", "/cases/", "/points/", "/board"]:
        assert client.get(url).status_code in (403, 404), url
    # The audit admin changes nothing: no form he could post is open to him.
    assert client.post("/admin/security/separation", data={"enabled": ""}).status_code == 403


def test_the_security_and_audit_roles_are_held_alone(app, zone):
    with app.app_context():
        for roles in [(Role.AUDIT_ADMIN, Role.OFFICER), (Role.SECURITY_ADMIN, Role.ADMIN),
                      (Role.AUDIT_ADMIN, Role.SECURITY_ADMIN)]:  # fmt: skip
            with pytest.raises(NotAllowed, match="只能单独担任"):
                make_user("combined", *roles)
            db.session.rollback()


def test_off_by_default_the_system_admin_does_all_three(client, auth, zone):
    auth.login("admin")
    for url in [*SECURITY_PAGES, *AUDIT_PAGES]:
        assert client.get(url).status_code == 200, url
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "安全管理" in dashboard and "审计记录" in dashboard


def test_on_the_system_admin_loses_security_and_audit(app, client, auth, zone):
    response = _turn_on(client, auth)
    assert response.status_code == 302
    with app.app_context():
        assert separation_of_duties() is True
        record = db.session.scalars(
            sa.select(AuditRecord).where(AuditRecord.action == "setting.update")
        ).all()[-1]
        assert record.target_id == SEPARATION_KEY and record.after == {"value": True}
    for url in [*SECURITY_PAGES, *AUDIT_PAGES]:
        assert client.get(url).status_code == 403, url
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "安全管理" not in dashboard and "审计记录" not in dashboard
    assert client.get("/admin/users").status_code == 200  # the registry stays his
    auth.logout()
    auth.login("secadmin")
    assert client.get("/admin/security/").status_code == 200
    auth.logout()
    auth.login("auditor")
    assert client.get("/audit/").status_code == 200


def test_turning_on_needs_a_security_and_an_audit_admin(app, client, auth, zone):
    with app.app_context():
        auditor = db.session.scalar(sa.select(User).where(User.username == "auditor"))
        admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
        accounts.deactivate_user(auditor, actor=admin)
        db.session.commit()
    response = _turn_on(client, auth)
    assert response.status_code == 400
    assert "审计管理员" in response.get_data(as_text=True)
    with app.app_context():
        assert get_setting(SEPARATION_KEY, None) is None


def test_while_on_the_last_audit_admin_cannot_be_removed(app, client, auth, zone):
    _turn_on(client, auth)
    with app.app_context():
        auditor = db.session.scalar(sa.select(User).where(User.username == "auditor"))
        admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
        with pytest.raises(NotAllowed, match="审计管理员"):
            accounts.deactivate_user(auditor, actor=admin)
        db.session.rollback()
        make_user("auditor2", Role.AUDIT_ADMIN)
        db.session.commit()
        accounts.deactivate_user(auditor, actor=admin)  # another one remains
        db.session.commit()


def test_the_security_admin_unlocks_from_the_overview(app, client, auth, zone):
    for _ in range(5):
        client.post("/login", data={"username": "officer1", "password": "wrong-password"})
    client.post("/login", data={"username": "nosuchuser", "password": "x"})
    for _ in range(4):
        client.post("/login", data={"username": "nosuchuser", "password": "x"})
    auth.login("secadmin")
    page = client.get("/admin/security/").get_data(as_text=True)
    assert "<td>干部一</td>" in page and "nosuchuser" in page and "无此账号" in page
    with app.app_context():
        officer = db.session.scalar(sa.select(User).where(User.username == "officer1"))
        officer_id = officer.id
    response = client.post(f"/admin/security/unlock/{officer_id}")
    assert response.status_code == 302
    page = client.get("/admin/security/").get_data(as_text=True)
    assert "<td>干部一</td>" not in page and "nosuchuser" in page
    with app.app_context():
        unlock = db.session.scalars(
            sa.select(AuditRecord).where(AuditRecord.action == "auth.unlock")
        ).one()
        assert unlock.target_id == str(officer_id)
    auth.logout()
    assert auth.login("officer1").status_code == 302  # signs in again


@pytest.mark.parametrize("username", ["secadmin", "auditor"])
def test_through_the_api_they_see_and_change_no_zone_data(client, zone, username):
    token = client.post("/api/v1/tokens", json={"username": username, "password": "test-pass-123"})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    assert client.get("/api/v1/cases", headers=headers).get_json()["items"] == []
    assert client.get("/api/v1/enterprises", headers=headers).get_json()["items"] == []
    response = client.post(
        "/api/v1/cases",
        json={"title": "用工", "description": "招工难", "category": "labor",
              "channel": "onsite", "enterprise_id": zone.ent_a},
        headers=headers,
    )  # fmt: skip
    assert response.status_code in (403, 404), response.get_json()
