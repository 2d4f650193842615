"""Password policy: length and complexity from the setting, no reuse of recent
passwords, a change forced after an administrator's reset or on a new account, and
an optional maximum age. Demo accounts are exempt."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from hgq.accounts import services
from hgq.accounts.models import Role, User
from hgq.db import utcnow
from hgq.errors import NotAllowed
from hgq.extensions import db
from hgq.security.passwords import POLICY_KEY, change_required
from hgq.settings.services import save_setting
from tests import factories
from tests.factories import PASSWORD


def _user(user_id: int) -> User:
    return db.session.get(User, user_id)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1-", "至少需要8位"),
        ("abcdefgh123", "至少三类"),  # two classes
        ("ABCDEFGH!!", "至少三类"),
        ("x" * 129, "不能超过128位"),
    ],
)
def test_weak_passwords_are_refused(app, zone, password, message):
    with app.app_context(), pytest.raises(NotAllowed, match=message):
        services.check_password_policy(password)


def test_the_policy_is_a_setting(app, zone):
    with app.app_context():
        save_setting(POLICY_KEY, {"min_length": 12, "complexity": False}, _user(zone.admin))
        db.session.commit()
        with pytest.raises(NotAllowed, match="至少需要12位"):
            services.check_password_policy("abcdefgh123")
        services.check_password_policy("abcdefghijklm")  # complexity off


def test_recent_passwords_cannot_be_reused(app, zone):
    with app.app_context():
        user = _user(zone.officer1)
        services.change_own_password(user, PASSWORD, "Second-pass-2")
        services.change_own_password(user, "Second-pass-2", "Third-pass-3")
        for old in (PASSWORD, "Second-pass-2"):
            with pytest.raises(NotAllowed, match="最近5次"):
                services.change_own_password(user, "Third-pass-3", old)
        services.change_own_password(user, "Third-pass-3", "Fourth-pass-4")


def test_a_reset_must_be_changed_at_the_next_sign_in(app, zone, client, auth):
    with app.app_context():
        services.reset_password(_user(zone.officer1), "Reset-by-admin-1", actor=None)
        db.session.commit()
    auth.login("officer1", "Reset-by-admin-1")
    response = client.get("/cases/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account")
    html = client.get("/account").get_data(as_text=True)
    assert "请先设置您自己的新密码" in html
    # The API gives no token until it is changed.
    api = client.post(
        "/api/v1/tokens", json={"username": "officer1", "password": "Reset-by-admin-1"}
    )
    assert api.status_code == 403
    assert api.get_json()["error"]["code"] == "password_change_required"
    client.post(
        "/account",
        data={
            "current_password": "Reset-by-admin-1",
            "new_password": "My-own-pass-9",
            "confirm": "My-own-pass-9",
        },
    )
    auth.login("officer1", "My-own-pass-9")
    assert client.get("/cases/").status_code == 200


def test_new_accounts_must_change_demo_accounts_need_not(app, zone):
    with app.app_context():
        made = services.create_user(
            username="newbie",
            name="新人",
            password="Initial-pass-1",
            roles=[Role.OFFICER],
            actor=None,
        )
        assert change_required(made, utcnow())
        demo_like = factories.make_user("demo_like", Role.OFFICER)
        assert change_required(demo_like, utcnow()) is None


def test_maximum_age_when_set(app, zone):
    with app.app_context():
        user = _user(zone.officer1)
        assert change_required(user, utcnow() + timedelta(days=400)) is None  # off by default
        save_setting(POLICY_KEY, {"max_age_days": 90}, _user(zone.admin))
        db.session.commit()
        assert "90天" in change_required(user, utcnow() + timedelta(days=91))
        assert change_required(user, utcnow() + timedelta(days=89)) is None
        count = db.session.scalar(sa.select(sa.func.count()).select_from(User))
        assert count > 0
