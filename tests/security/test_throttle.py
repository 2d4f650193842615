"""登录失败处理: lockout after repeated failures, per-address limits, unlock, and the
same counters behind the web login and POST /api/v1/tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from hgq.accounts.models import User
from hgq.audit.models import AuditRecord
from hgq.extensions import db
from hgq.security import throttle
from hgq.security.throttle import SignInRefused
from tests.factories import PASSWORD

T0 = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


def _fail(username: str, at: datetime, ip: str = "10.0.0.1") -> SignInRefused:
    with pytest.raises(SignInRefused) as caught:
        throttle.sign_in(username, "wrong-password", ip, at)
    db.session.commit()
    return caught.value


def test_five_failures_lock_the_username_for_fifteen_minutes(app, zone):
    with app.app_context():
        for n in range(5):
            assert _fail("officer1", T0 + timedelta(minutes=n)).status == 401
        refused = _fail("officer1", T0 + timedelta(minutes=5))
        assert refused.status == 429 and "锁定" in str(refused)
        # Locked: even the right password is refused, without being checked.
        with pytest.raises(SignInRefused):
            throttle.sign_in("officer1", PASSWORD, "10.0.0.2", T0 + timedelta(minutes=10))
        # 15 minutes after the last failure the lock is over.
        user = throttle.sign_in("officer1", PASSWORD, "10.0.0.2", T0 + timedelta(minutes=20))
        assert user.username == "officer1"
        db.session.commit()
        actions = db.session.scalars(sa.select(AuditRecord.action)).all()
        assert actions.count("auth.login_failed") == 5
        assert "auth.lockout" in actions and "auth.login_locked" in actions
        assert "auth.login" in actions


def test_failures_spread_out_or_before_a_success_do_not_lock(app, zone):
    with app.app_context():
        for n in range(4):
            _fail("officer1", T0 + timedelta(minutes=n))
        throttle.sign_in("officer1", PASSWORD, "10.0.0.1", T0 + timedelta(minutes=5))
        for n in range(4):
            _fail("officer1", T0 + timedelta(minutes=6 + n))
        assert throttle.locked_until("officer1", T0 + timedelta(minutes=10)) is None
        # Old failures leave the window.
        for n in range(4):
            _fail("officer2", T0 + timedelta(minutes=n))
        _fail("officer2", T0 + timedelta(minutes=30))
        assert throttle.locked_until("officer2", T0 + timedelta(minutes=30)) is None


def test_an_unknown_username_locks_the_same_way(app, zone):
    with app.app_context():
        for n in range(5):
            _fail("nobody", T0 + timedelta(minutes=n))
        assert "锁定" in str(_fail("nobody", T0 + timedelta(minutes=6)))


def test_one_address_spraying_many_usernames_is_refused(app, zone):
    app.config["LOGIN_IP_MAX_FAILURES"] = 3
    with app.app_context():
        for n, name in enumerate(["officer1", "officer2", "leader1"]):
            _fail(name, T0 + timedelta(minutes=n), ip="10.9.9.9")
        refused = _fail("leader2", T0 + timedelta(minutes=4), ip="10.9.9.9")
        assert refused.status == 429 and "稍后" in str(refused)
        # Another address is not affected.
        assert throttle.sign_in("leader2", PASSWORD, "10.0.0.5", T0 + timedelta(minutes=4))


def test_the_login_page_and_the_api_share_the_counters(app, zone, client):
    for _ in range(3):
        response = client.post("/login", data={"username": "officer1", "password": "nope"})
        assert "用户名或密码错误" in response.get_data(as_text=True)
    for _ in range(2):
        response = client.post("/api/v1/tokens", json={"username": "officer1", "password": "nope"})
        assert response.status_code == 401
    response = client.post("/api/v1/tokens", json={"username": "officer1", "password": PASSWORD})
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "too_many_requests"
    response = client.post("/login", data={"username": "officer1", "password": PASSWORD})
    assert response.status_code == 429 and "锁定" in response.get_data(as_text=True)


def test_an_admin_unlocks(app, zone, client, auth):
    for _ in range(5):
        client.post("/login", data={"username": "officer1", "password": "nope"})
    auth.login("admin")
    html = client.get(f"/admin/users/{zone.officer1}/edit").get_data(as_text=True)
    assert "账号锁定至" in html
    response = client.post(f"/admin/users/{zone.officer1}/unlock")
    assert response.status_code == 302
    assert "账号锁定至" not in client.get(f"/admin/users/{zone.officer1}/edit").get_data(
        as_text=True
    )
    auth.logout()
    response = auth.login("officer1")
    assert response.status_code == 302
    with app.app_context():
        record = db.session.scalar(
            sa.select(AuditRecord).where(AuditRecord.action == "auth.unlock")
        )
        assert record.target_id == str(zone.officer1)
        assert db.session.get(User, zone.officer1).username == "officer1"
