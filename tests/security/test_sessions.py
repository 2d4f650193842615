"""Sessions: a fresh session at sign-in, idle timeout, absolute lifetime, and sign-out
ending every session of the user."""

from __future__ import annotations

from hgq.security.sessions import SEEN, STARTED
from tests.factories import PASSWORD


def _signed_in(client) -> bool:  # type: ignore[no-untyped-def]
    response = client.get("/account")
    return response.status_code == 200


def test_nothing_from_before_sign_in_carries_over(zone, client, auth):
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    auth.login("officer1")
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert isinstance(sess[STARTED], int) and sess[SEEN] == sess[STARTED]


def test_an_idle_session_ends(zone, client, auth):
    auth.login("officer1")
    assert _signed_in(client)
    with client.session_transaction() as sess:
        sess[SEEN] -= 31 * 60
    response = client.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "登录已超时" in client.get("/login").get_data(as_text=True)
    assert not _signed_in(client)


def test_activity_keeps_a_session_until_its_absolute_lifetime(zone, client, auth):
    auth.login("officer1")
    with client.session_transaction() as sess:
        sess[SEEN] -= 29 * 60  # used 29 minutes ago: still alive
    assert _signed_in(client)
    with client.session_transaction() as sess:
        sess[STARTED] -= 12 * 3600 + 1
    assert not _signed_in(client)


def test_signing_out_ends_the_users_other_sessions(app, zone):
    phone, desktop = app.test_client(), app.test_client()
    for client in (phone, desktop):
        client.post("/login", data={"username": "officer1", "password": PASSWORD})
        assert _signed_in(client)
    phone.post("/logout")
    assert not _signed_in(phone)
    assert not _signed_in(desktop)
