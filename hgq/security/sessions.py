"""Session lifetime: an idle timeout and an absolute lifetime for signed-in sessions,
ending every session of a user at sign-out, holding a user who must change his
password (hgq.security.passwords) on the account page until he has, and then one whom
the setting requires to use two-factor sign-in (hgq.security.totp) on its set-up page.

The session cookie is signed, so the two times it carries (when the session began,
when it was last used) cannot be altered by the browser. Every request of a signed-in
user checks them; an expired session is cleared and the user sent to sign in again
(the API is unaffected: it authenticates with bearer tokens, not the cookie).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.wrappers import Response

from hgq.accounts.models import User
from hgq.db import utcnow
from hgq.extensions import db
from hgq.security import totp
from hgq.security.passwords import change_required

# What a user who must change his password may still reach.
PASSWORD_CHANGE_ENDPOINTS = frozenset({"auth.account", "auth.logout", "static"})
# What a user whom the setting requires to use two-factor sign-in (hgq.security.totp)
# may reach before he has set it up.
TOTP_SETUP_ENDPOINTS = frozenset({"two_factor.setup", "auth.logout", "static"})

STARTED = "hgq_started"
SEEN = "hgq_seen"


def start_session(now: datetime) -> None:
    """Call right after login_user: the session's clock starts now."""
    session[STARTED] = session[SEEN] = int(now.timestamp())


def end_all_sessions(user: User) -> None:
    """Sign ``user`` out everywhere (every device and server process): a plain UPDATE
    of the session version, so an admin's open edit form of the user stays valid."""
    version = user.session_version + 1
    db.session.execute(
        sa.update(User).where(User.id == user.id).values(session_version=version),
        execution_options={"synchronize_session": False},
    )
    set_committed_value(user, "session_version", version)


def _expired(now: int) -> bool:
    started, seen = session.get(STARTED), session.get(SEEN)
    if not isinstance(started, int) or not isinstance(seen, int):
        return True  # a session from before these rules: start afresh
    idle = int(current_app.config["SESSION_IDLE_MINUTES"]) * 60
    lifetime = int(current_app.config["SESSION_MAX_HOURS"]) * 3600
    return now - seen > idle or now - started > lifetime


def _check_session() -> Response | None:
    if request.path.startswith(("/api/", "/static/")) or not current_user.is_authenticated:
        return None
    now = int(utcnow().timestamp())
    if _expired(now):
        logout_user()
        session.clear()
        flash("登录已超时，请重新登录。", "warning")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    session[SEEN] = now
    reason = change_required(current_user, utcnow())
    if reason and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
        flash(reason, "warning")
        return redirect(url_for("auth.account"))
    if request.endpoint not in TOTP_SETUP_ENDPOINTS and totp.must_enrol(current_user):
        flash("系统要求管理员和工委管委账号使用两步验证，请先完成设置。", "warning")
        return redirect(url_for("two_factor.setup"))
    return None


def init_app(app: Flask) -> None:
    app.before_request(_check_session)
