"""Signing in and out, sessions, CSRF and one's own password."""

import re

import pytest

from hgq.accounts import services
from hgq.accounts.models import User
from hgq.accounts.views import is_safe_next
from hgq.extensions import db
from tests.conftest import PASSWORD, make_test_app
from tests.factories import build_zone

GENERIC = "用户名或密码错误，或账号已停用。"


def test_login_then_logout(zone, auth, client):
    response = auth.login("officer1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    response = auth.logout()
    assert response.headers["Location"].endswith("/login")
    assert client.get("/").status_code == 302


def test_username_is_case_insensitive(zone, auth):
    assert auth.login("Officer1").status_code == 302


@pytest.mark.parametrize(
    ("username", "password"),
    [("officer1", "wrong-password"), ("nobody", PASSWORD), ("", PASSWORD)],
)
def test_failed_login_gives_one_generic_message(zone, auth, client, username, password):
    response = auth.login(username, password)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    if username:
        assert GENERIC in page
    else:
        assert "请输入用户名" in page
    assert client.get("/").status_code == 302


def test_deactivated_user_cannot_log_in(app, zone, auth):
    with app.app_context():
        user = db.session.get(User, zone.officer2)
        # officer2 covers 乙企业, so first hand it over.
        from hgq.enterprises.models import Assignment
        from hgq.enterprises.services import end_assignment

        current = db.session.scalar(db.select(Assignment).where(Assignment.officer_id == user.id))
        end_assignment(current, end_date=current.start_date, actor=None)
        services.deactivate_user(user, actor=db.session.get(User, zone.admin))
        db.session.commit()
    response = auth.login("officer2")
    assert GENERIC in response.get_data(as_text=True)


def test_deactivation_ends_open_sessions(app, zone, client):
    client.post("/login", data={"username": "dept1", "password": PASSWORD})
    assert client.get("/").status_code == 200
    with app.app_context():
        services.deactivate_user(
            db.session.get(User, zone.dept1), actor=db.session.get(User, zone.admin)
        )
        db.session.commit()
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_password_change_keeps_this_session_and_ends_others(app, zone):
    first, second = app.test_client(), app.test_client()
    for c in (first, second):
        c.post("/login", data={"username": "leader1", "password": PASSWORD})
    response = first.post(
        "/account",
        data={
            "current_password": PASSWORD,
            "new_password": "new-pass-456",
            "confirm": "new-pass-456",
        },
    )
    assert response.status_code == 302
    assert first.get("/").status_code == 200
    assert second.get("/").status_code == 302
    first.post("/logout")
    assert (
        first.post("/login", data={"username": "leader1", "password": "new-pass-456"}).status_code
        == 302
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {
                "current_password": "wrong",
                "new_password": "new-pass-456",
                "confirm": "new-pass-456",
            },
            "当前密码不正确",
        ),
        (
            {"current_password": PASSWORD, "new_password": "short", "confirm": "short"},
            "密码至少需要8位",
        ),
        (
            {"current_password": PASSWORD, "new_password": "new-pass-456", "confirm": "other-pass"},
            "两次输入的密码不一致",
        ),
    ],
)
def test_password_change_refuses_bad_input(app, zone, auth, client, data, message):
    auth.login("leader1")
    response = client.post("/account", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.get(User, zone.leader1)
        assert services.authenticate("leader1", PASSWORD) is user


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/enterprises/1", True),
        ("/", True),
        ("//evil.example/x", False),
        ("https://evil.example/", False),
        ("/\\evil.example", False),
        ("javascript:alert(1)", False),
        ("", False),
        (None, False),
    ],
)
def test_is_safe_next(target, safe):
    assert is_safe_next(target) is safe


def test_login_follows_only_safe_next(zone, client):
    response = client.post(
        "/login?next=/board", data={"username": "officer1", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/board"
    client.post("/logout")
    response = client.post(
        "/login?next=https://evil.example/", data={"username": "officer1", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_anonymous_is_sent_to_login_with_next(client):
    response = client.get("/board")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


def test_login_starts_a_fresh_session(zone, client):
    with client.session_transaction() as session:
        session["planted"] = "by-attacker"
    client.post("/login", data={"username": "officer1", "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session


@pytest.fixture
def csrf_app(tmp_path):
    app = make_test_app(tmp_path, f"sqlite:///{tmp_path / 'csrf.sqlite'}", WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
        build_zone()
    return app


def test_csrf_token_is_required(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/login", data={"username": "officer1", "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"username": "officer1", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_logout_needs_csrf_too(csrf_app):
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "officer1", "password": PASSWORD, "csrf_token": token})
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200
