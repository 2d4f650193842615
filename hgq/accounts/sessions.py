"""Flask-Login wiring: loading the signed-in user from the session cookie."""

from __future__ import annotations

from flask import Flask

from hgq.accounts.models import User
from hgq.extensions import db, login_manager


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Accept the cookie only if the user is active and its session version still matches.

    Deactivation and password resets bump ``session_version``, which ends every
    session that user has open, on every server process.
    """
    try:
        raw_id, raw_version = user_id.split(":", 1)
        uid, version = int(raw_id), int(raw_version)
    except ValueError:
        return None
    user = db.session.get(User, uid)
    if user is None or not user.active or user.session_version != version:
        return None
    return user
