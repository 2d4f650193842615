"""两步验证 (TOTP): enrolment, the code step of a web sign-in (five minutes, lockout,
no replay), switching off, an administrator's reset, the setting that requires it of
admin and committee accounts, and the token request of the API.

Time is fixed with :func:`hgq.db.clock_at` (every "now" of the app moves with it);
codes come from pyotp for the same moment. T0 is on a 30-second step boundary.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from hgq.accounts.models import User
from hgq.audit.models import AuditRecord
from hgq.db import clock_at
from hgq.errors import NotAllowed
from hgq.extensions import db
from hgq.security import totp
from hgq.security.models import AttemptKind, LoginAttempt
from hgq.security.throttle import locked_until
from hgq.settings.services import save_setting
from tests.factories import PASSWORD

T0 = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
STEP = timedelta(seconds=30)


def _user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def _enrol(app: Flask, username: str, moment: datetime = T0) -> str:
    """Turn two-factor sign-in on for ``username`` (with the code of the step before
    ``moment``, so ``moment``'s own code is still unused); returns the secret."""
    with app.app_context(), clock_at(moment):
        user = _user(username)
        secret = totp.pending_secret(user)
        totp.enable(user, pyotp.TOTP(secret).at(moment - STEP), moment)
        db.session.commit()
    return secret


def _secret(app: Flask, username: str) -> str:
    with app.app_context():
        return _user(username).totp_secret  # type: ignore[return-value]


def _code(secret: str, moment: datetime) -> str:
    return pyotp.TOTP(secret).at(moment)


def _require(app: Flask, on: bool = True) -> None:
    with app.app_context():
        save_setting(totp.REQUIRED_KEY, on, _user("admin"))
        db.session.commit()


def _actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditRecord.action).order_by(AuditRecord.id)))


def _signed_in(client: FlaskClient) -> bool:
    return client.get("/account").status_code == 200


def _password(client: FlaskClient, username: str, moment: datetime, next_: str = ""):  # type: ignore[no-untyped-def]
    url = "/login" + (f"?next={next_}" if next_ else "")
    with clock_at(moment):
        return client.post(url, data={"username": username, "password": PASSWORD})


def _send_code(client: FlaskClient, code: str, moment: datetime):  # type: ignore[no-untyped-def]
    with clock_at(moment):
        return client.post("/login/two-factor", data={"code": code})


# -- enrolment --------------------------------------------------------------------
def test_enrolment_shows_a_qr_code_and_needs_a_right_code(app, zone, client, auth):
    auth.login("officer1")
    with clock_at(T0):
        page = client.get("/account/two-factor")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<svg" in html and "<script>" not in html  # inline SVG, no inline script
    assert 'inputmode="numeric"' in html and 'autocomplete="one-time-code"' in html
    with app.app_context():
        secret = _user("officer1").totp_secret
    assert secret and totp.grouped(secret) in html
    # Reloading keeps the same secret (the QR code already scanned stays valid).
    with clock_at(T0):
        client.get("/account/two-factor")
    with app.app_context():
        assert _user("officer1").totp_secret == secret

    wrong = f"{(int(_code(secret, T0)) + 1) % 1_000_000:06d}"
    with clock_at(T0):
        refused = client.post("/account/two-factor", data={"code": wrong})
    assert refused.status_code == 400 and "验证码不正确" in refused.get_data(as_text=True)
    with app.app_context():
        assert not totp.is_enabled(_user("officer1"))
    assert _actions(app)[-1] == "auth.totp_failed"

    with clock_at(T0):
        done = client.post("/account/two-factor", data={"code": _code(secret, T0)})
    assert done.status_code == 302
    with app.app_context():
        user = _user("officer1")
        assert totp.is_enabled(user) and user.totp_enabled_at == T0
    assert _actions(app)[-1] == "totp.enable"
    with clock_at(T0):
        html = client.get("/account").get_data(as_text=True)
    assert "两步验证" in html and "已启用" in html


def test_codes_are_six_digits_within_one_step(app, zone):
    secret = _enrol(app, "officer1", T0)
    with app.app_context():
        user = _user("officer1")
        assert not totp.verify_code(user, "12345", T0 + 4 * STEP)
        assert not totp.verify_code(user, _code(secret, T0 + 2 * STEP), T0 + 4 * STEP)
        code = _code(secret, T0 + 5 * STEP)
        assert totp.verify_code(user, f"{code[:3]} {code[3:]}", T0 + 4 * STEP)  # +1 step


# -- signing in ---------------------------------------------------------------------
def test_the_password_alone_does_not_sign_in(app, zone, client):
    secret = _enrol(app, "officer1")
    response = _password(client, "officer1", T0, next_="/cases/")
    assert response.status_code == 302 and response.headers["Location"] == "/login/two-factor"
    with clock_at(T0):
        assert not _signed_in(client)
        page = client.get("/login/two-factor")
    assert page.status_code == 200 and "两步验证" in page.get_data(as_text=True)
    assert "auth.login" not in _actions(app)

    response = _send_code(client, _code(secret, T0 + STEP), T0 + STEP)
    assert response.status_code == 302 and response.headers["Location"] == "/cases/"
    with clock_at(T0 + STEP):
        assert _signed_in(client)
    with app.app_context():
        assert _user("officer1").last_login_at == T0 + STEP
    assert _actions(app)[-1] == "auth.login"


def test_users_without_two_factor_sign_in_as_before(app, zone, client):
    _enrol(app, "officer1")
    response = _password(client, "officer2", T0)
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_the_code_step_lasts_five_minutes(app, zone, client):
    secret = _enrol(app, "officer1")
    _password(client, "officer1", T0)
    late = T0 + timedelta(minutes=5, seconds=30)
    response = _send_code(client, _code(secret, late), late)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    with clock_at(late):
        assert "超时" in client.get("/login").get_data(as_text=True)
        assert not _signed_in(client)
    # Without a pending sign-in, the code page just sends to the login page.
    with clock_at(late):
        assert client.get("/login/two-factor").headers["Location"] == "/login"


def test_wrong_codes_count_towards_the_lockout(app, zone, client):
    secret = _enrol(app, "officer1")
    _password(client, "officer1", T0)
    for n in range(4):
        response = _send_code(client, "000000", T0 + n * STEP)
        assert response.status_code == 200 and "验证码不正确" in response.get_data(as_text=True)
    # The right password again does not clear the failures of the codes.
    _password(client, "officer1", T0 + 4 * STEP)
    _send_code(client, "000000", T0 + 4 * STEP)
    with app.app_context():
        assert locked_until("officer1", T0 + 5 * STEP) is not None
    # Locked: the right code is refused too, and it is back to the password.
    response = _send_code(client, _code(secret, T0 + 5 * STEP), T0 + 5 * STEP)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    response = _password(client, "officer1", T0 + 5 * STEP)
    assert response.status_code == 429 and "锁定" in response.get_data(as_text=True)
    actions = _actions(app)
    assert actions.count("auth.totp_failed") == 5 and "auth.lockout" in actions
    assert "auth.login" not in actions


def test_a_code_is_accepted_once(app, zone):
    secret = _enrol(app, "officer1")
    phone, desktop = (app.test_client(), app.test_client())
    for client in (phone, desktop):
        _password(client, "officer1", T0)
    code = _code(secret, T0)
    assert _send_code(phone, code, T0).status_code == 302
    replay = _send_code(desktop, code, T0 + STEP)
    assert replay.status_code == 200 and "验证码不正确或已使用" in replay.get_data(as_text=True)
    # An older code (still inside the window) is refused as well; a newer one is fine.
    assert _send_code(desktop, _code(secret, T0 - STEP), T0).status_code == 200
    assert _send_code(desktop, _code(secret, T0 + STEP), T0 + STEP).status_code == 302


def test_a_pending_sign_in_ends_with_the_users_sessions(app, zone, client):
    secret = _enrol(app, "officer1")
    _password(client, "officer1", T0)
    with app.app_context():
        _user("officer1").session_version += 1  # e.g. an administrator's password reset
        db.session.commit()
    response = _send_code(client, _code(secret, T0), T0)
    assert response.status_code == 302 and response.headers["Location"] == "/login"


# -- switching off and resetting ------------------------------------------------------
def test_switching_off_needs_a_right_code(app, zone, client):
    secret = _enrol(app, "officer1")
    _password(client, "officer1", T0)
    _send_code(client, _code(secret, T0), T0)
    with clock_at(T0 + STEP):
        refused = client.post("/account/two-factor/disable", data={"code": "000000"})
        assert "验证码不正确" in client.get(refused.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert totp.is_enabled(_user("officer1"))
        failures = db.session.scalar(
            sa.select(sa.func.count()).where(LoginAttempt.kind == AttemptKind.FAILURE)
        )
        assert failures == 1
    with clock_at(T0 + STEP):
        client.post("/account/two-factor/disable", data={"code": _code(secret, T0 + STEP)})
    with app.app_context():
        user = _user("officer1")
        assert not totp.is_enabled(user) and user.totp_secret is None
    assert _actions(app)[-1] == "totp.disable"
    client.post("/logout")
    response = _password(client, "officer1", T0 + 2 * STEP)
    assert response.headers["Location"] == "/"


def test_it_cannot_be_switched_off_while_required(app, zone):
    secret = _enrol(app, "committee1")
    _require(app)
    with app.app_context(), pytest.raises(NotAllowed, match="不能关闭"):
        totp.disable(_user("committee1"), _code(secret, T0), "", T0)


def test_an_administrator_resets_a_lost_phone(app, zone, client, auth):
    _enrol(app, "officer1")
    auth.login("admin")
    html = client.get(f"/admin/users/{zone.officer1}/edit").get_data(as_text=True)
    assert "重置两步验证" in html
    response = client.post(
        f"/admin/users/{zone.officer1}/two-factor/reset",
        data={"next": f"/admin/users/{zone.officer1}/edit"},
    )
    assert response.headers["Location"] == f"/admin/users/{zone.officer1}/edit"
    with app.app_context():
        user = _user("officer1")
        assert not totp.is_enabled(user) and user.totp_secret is None
        record = db.session.scalar(sa.select(AuditRecord).where(AuditRecord.action == "totp.reset"))
        assert record.target_id == str(zone.officer1) and record.actor_id == zone.admin
    # Nothing left to reset; an outside "next" is not followed.
    response = client.post(
        f"/admin/users/{zone.officer1}/two-factor/reset", data={"next": "https://evil.example/"}
    )
    assert response.headers["Location"] == "/admin/security/two-factor"
    auth.logout()
    assert auth.login("officer1").headers["Location"] == "/"


def test_only_the_security_managers_reset(app, zone, client, auth):
    _enrol(app, "officer1")
    auth.login("leader1")
    response = client.post(f"/admin/users/{zone.officer1}/two-factor/reset")
    assert response.status_code == 403
    with app.app_context():
        assert totp.is_enabled(_user("officer1"))


# -- the setting ----------------------------------------------------------------------
def test_the_setting_page_saves_with_a_version(app, zone, client, auth):
    auth.login("admin")
    page = client.get("/admin/security/two-factor")
    assert page.status_code == 200 and "两步验证" in page.get_data(as_text=True)
    response = client.post("/admin/security/two-factor", data={"required": "y", "version": "0"})
    assert response.status_code == 302
    with app.app_context():
        assert totp.totp_required()
    # The admin himself now has to enrol first.
    after = client.get("/admin/security/two-factor")
    assert after.status_code == 302 and after.headers["Location"] == "/account/two-factor"
    assert "setting.update" in _actions(app)


def test_a_stale_setting_form_is_refused(app, zone, client, auth):
    _enrol(app, "admin")
    _require(app)  # version 1 now
    _password(client, "admin", T0)
    _send_code(client, _code(_secret(app, "admin"), T0), T0)
    with clock_at(T0):
        stale = client.post("/admin/security/two-factor", data={"version": "0"})
    assert stale.status_code == 400 and "已被他人修改" in stale.get_data(as_text=True)
    with app.app_context():
        assert totp.totp_required()


@pytest.mark.parametrize("username", ["admin", "committee1"])
def test_required_accounts_are_held_on_the_enrolment_page(app, zone, client, username):
    _require(app)
    response = _password(client, username, T0)
    assert response.status_code == 302  # signed in with the password alone
    with clock_at(T0):
        for url in ("/", "/cases/", "/account", "/admin/users", "/notifications"):
            response = client.get(url)
            assert response.status_code == 302, url
            assert response.headers["Location"] == "/account/two-factor", url
        assert client.get("/account/two-factor").status_code == 200
        static = client.get("/static/css/hgq.css")
        static.close()
        assert static.status_code == 200
    secret = _secret(app, username)
    with clock_at(T0):
        client.post("/account/two-factor", data={"code": _code(secret, T0)})
        assert client.get("/cases/").status_code == 200
        assert client.post("/logout").status_code == 302


def test_the_setting_leaves_other_accounts_alone(app, zone, client, auth):
    _require(app)
    auth.login("officer1")
    assert client.get("/cases/").status_code == 200
    auth.logout()
    _require(app, False)
    auth.login("committee1")
    assert client.get("/cases/").status_code == 200


def test_signing_out_works_while_held(app, zone, client, auth):
    _require(app)
    auth.login("committee1")
    response = client.post("/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert not _signed_in(client)


# -- the API ----------------------------------------------------------------------------
def _token(client: FlaskClient, username: str, moment: datetime, **extra: object):  # type: ignore[no-untyped-def]
    with clock_at(moment):
        return client.post(
            "/api/v1/tokens", json={"username": username, "password": PASSWORD, **extra}
        )


def test_the_api_asks_for_the_code(app, zone, client):
    secret = _enrol(app, "officer1")
    missing = _token(client, "officer1", T0)
    assert missing.status_code == 401
    assert missing.get_json()["error"]["code"] == "totp_required"
    assert set(missing.get_json()["error"]) == {"code", "message", "fields"}
    wrong = _token(client, "officer1", T0, totp_code="000000")
    assert wrong.status_code == 401
    assert wrong.get_json() == _token(client, "officer1", T0, password="nope").get_json()
    assert wrong.get_json()["error"]["code"] == "invalid_credentials"
    not_text = _token(client, "officer1", T0, totp_code=123456)
    assert not_text.status_code == 400 and "totp_code" in not_text.get_json()["error"]["fields"]
    right = _token(client, "officer1", T0, totp_code=_code(secret, T0))
    assert right.status_code == 201 and right.get_json()["token"]
    replay = _token(client, "officer1", T0, totp_code=_code(secret, T0))
    assert replay.status_code == 401
    with app.app_context():
        failures = db.session.scalars(
            sa.select(LoginAttempt.kind).where(LoginAttempt.username == "officer1")
        ).all()
    # wrong code, wrong password, replay: failures; the right code: one success
    assert failures.count(AttemptKind.FAILURE) == 3
    assert failures.count(AttemptKind.SUCCESS) == 1
    assert _actions(app).count("auth.totp_failed") == 2


def test_wrong_api_codes_lock_the_username(app, zone, client):
    secret = _enrol(app, "officer1")
    for n in range(5):
        _token(client, "officer1", T0 + n * STEP, totp_code="000000")
    locked = _token(client, "officer1", T0 + 5 * STEP, totp_code=_code(secret, T0 + 5 * STEP))
    assert locked.status_code == 429


def test_the_api_refuses_a_required_account_without_two_factor(app, zone, client):
    _require(app)
    response = _token(client, "committee1", T0)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "totp_setup_required"
    assert _token(client, "officer1", T0).status_code == 201
    secret = _enrol(app, "committee1")
    assert _token(client, "committee1", T0, totp_code=_code(secret, T0)).status_code == 201
