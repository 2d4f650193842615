"""Bearer tokens: issuing, storing hashed, expiry, revocation, and who gets a 401."""

import hashlib
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from hgq.accounts.models import User
from hgq.api.models import ApiToken
from hgq.db import utcnow
from hgq.extensions import db
from tests.api import Api, assert_error, get_token


def test_issue_returns_a_token_stored_only_as_its_hash(app, zone, client):
    response = client.post(
        "/api/v1/tokens", json={"username": "officer1", "password": "test-pass-123"}
    )
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"token", "expires_at"}
    assert response.headers["Cache-Control"] == "no-store"
    expires = datetime.fromisoformat(body["expires_at"])
    assert expires.utcoffset() == timedelta(0)
    assert timedelta(days=29) < expires - utcnow() <= timedelta(days=30)
    with app.app_context():
        rows = db.session.scalars(sa.select(ApiToken)).all()
        assert len(rows) == 1
        stored = rows[0]
        assert stored.user_id == zone.officer1
        assert stored.token_hash == hashlib.sha256(body["token"].encode()).hexdigest()
        values = [getattr(stored, c.key) for c in ApiToken.__table__.columns]
        assert body["token"] not in [str(v) for v in values]


def test_ttl_comes_from_the_setting(app, zone, client):
    app.config["API_TOKEN_TTL_HOURS"] = 2
    response = client.post(
        "/api/v1/tokens", json={"username": "ent_a", "password": "test-pass-123"}
    )
    expires = datetime.fromisoformat(response.get_json()["expires_at"])
    assert timedelta(hours=1, minutes=59) < expires - utcnow() <= timedelta(hours=2)


@pytest.mark.parametrize(
    ("username", "password"),
    [("officer1", "wrong-password"), ("nobody", "test-pass-123"), ("OFFICER1", "x")],
)
def test_bad_credentials_get_one_generic_401(zone, client, username, password):
    response = client.post("/api/v1/tokens", json={"username": username, "password": password})
    error = assert_error(response, 401, "invalid_credentials")
    assert error["message"] == "用户名或密码错误"
    assert error["fields"] == {}


def test_deactivated_user_cannot_get_a_token(app, zone, client):
    with app.app_context():
        db.session.get(User, zone.officer2).active = False
        db.session.commit()
    response = client.post(
        "/api/v1/tokens", json={"username": "officer2", "password": "test-pass-123"}
    )
    assert_error(response, 401, "invalid_credentials")


def test_token_request_needs_both_fields_as_strings(zone, client):
    response = client.post("/api/v1/tokens", json={"username": 5})
    assert_error(response, 400, "invalid_input", "username", "password")


def test_me(zone, client):
    body = Api(client, "ent_a").get("/me").get_json()
    assert body == {
        "id": zone.user_a,
        "username": "ent_a",
        "name": "甲企业联系人",
        "roles": ["enterprise"],
        "enterprise_id": zone.ent_a,
    }
    assert Api(client, "officer1").get("/me").get_json()["roles"] == ["officer"]


@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Bearer ", "Basic b2ZmaWNlcjE6eA==", "Bearer not-a-real-token", "Token x"],
)
def test_missing_or_unknown_token_is_401(zone, client, header):
    headers = {"Authorization": header} if header is not None else {}
    response = client.get("/api/v1/me", headers=headers)
    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_expired_token_is_401(app, zone, client):
    api = Api(client, "officer1")
    assert api.get("/me").status_code == 200
    with app.app_context():
        db.session.execute(sa.update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert_error(api.get("/me"), 401, "unauthorized")


def test_revoking_the_current_token(app, zone, client):
    api = Api(client, "officer1")
    other = Api(client, "officer1")
    response = api.delete("/tokens/current")
    assert response.status_code == 204
    assert response.get_data() == b""
    assert_error(api.get("/me"), 401, "unauthorized")
    assert_error(api.delete("/tokens/current"), 401, "unauthorized")
    assert other.get("/me").status_code == 200  # only the token used is revoked
    with app.app_context():
        revoked = db.session.scalars(sa.select(ApiToken).where(ApiToken.revoked_at.is_not(None)))
        assert len(revoked.all()) == 1


def test_deactivating_the_user_ends_his_tokens(app, zone, client):
    api = Api(client, "officer2")
    assert api.get("/me").status_code == 200
    with app.app_context():
        db.session.get(User, zone.officer2).active = False
        db.session.commit()
    assert_error(api.get("/me"), 401, "unauthorized")


def test_password_reset_ends_his_tokens(app, zone, client):
    from hgq.accounts.services import reset_password

    api = Api(client, "officer2")
    assert api.get("/me").status_code == 200
    with app.app_context():
        reset_password(db.session.get(User, zone.officer2), "brand-new-pass-1", actor=None)
        db.session.commit()
    assert_error(api.get("/me"), 401, "unauthorized")


def test_use_is_recorded(app, zone, client):
    api = Api(client, "officer1")
    api.get("/me")
    with app.app_context():
        assert db.session.scalar(sa.select(ApiToken.last_used_at)) is not None


def test_the_session_cookie_is_not_a_credential(zone, auth, client):
    auth.login("officer1")
    assert client.get("/").status_code == 200  # signed in for the pages
    assert_error(client.get("/api/v1/me"), 401, "unauthorized")


def test_no_csrf_token_needed(app, zone, client):
    app.config["WTF_CSRF_ENABLED"] = True
    token = get_token(client, "ent_a")
    response = client.post(
        "/api/v1/cases",
        json={"title": "用工", "description": "招工难", "category": "labor"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.get_json()
    assert (
        client.delete(
            "/api/v1/tokens/current", headers={"Authorization": f"Bearer {token}"}
        ).status_code
        == 204
    )
    assert client.post("/logout").status_code == 400  # the pages are still protected
