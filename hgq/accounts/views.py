"""Signing in and out, and the user's own account page."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from hgq import access
from hgq.accounts import services
from hgq.accounts.forms import LoginForm, PasswordChangeForm
from hgq.accounts.models import User
from hgq.audit.services import record_audit
from hgq.db import utcnow
from hgq.errors import DomainError
from hgq.extensions import db
from hgq.notifications.forms import NotificationSettingsForm
from hgq.notifications.mail import mail_enabled
from hgq.notifications.services import set_email_preference
from hgq.security import totp
from hgq.security.forms import TotpCodeForm
from hgq.security.passwords import change_required, current_policy
from hgq.security.sessions import end_all_sessions, start_session
from hgq.security.throttle import SignInRefused, check_credentials, record_success
from hgq.viewhelpers import refuse

bp = Blueprint("auth", __name__)


def is_safe_next(target: str | None) -> bool:
    """Only same-site paths may be redirected to after login (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


@bp.route("/login", methods=["GET", "POST"])
@access.public
def login() -> str | Response:
    """Sign in with username and password; a user with two-factor sign-in goes on to
    :func:`login_two_factor` instead of being signed in."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        now, ip = utcnow(), request.remote_addr or ""
        try:
            user = check_credentials(form.username.data or "", form.password.data or "", ip, now)
        except SignInRefused as exc:
            db.session.commit()  # the failed attempt counts towards the lockout
            flash(str(exc), "danger")
            status = exc.status if exc.status == 429 else 200
        else:
            target = request.args.get("next")
            if totp.is_enabled(user):
                return _await_code(user, target, now)
            record_success(user, ip, now)
            return _finish_sign_in(user, target)
    return render_template("auth/login.html", form=form), status


# The sign-in waiting for its two-factor code: the user (as his session id, so ending
# his sessions meanwhile ends it too), when his password was right, where to go next.
PENDING = "hgq_2fa_pending"


def _await_code(user: User, target: str | None, now: datetime) -> Response:
    session.clear()  # nothing from before carries over; nobody is signed in yet
    session[PENDING] = {
        "user": user.get_id(),
        "at": int(now.timestamp()),
        "next": target if is_safe_next(target) else None,
    }
    return redirect(url_for(".login_two_factor"))


def _pending_sign_in(now: datetime) -> tuple[User, str | None] | None:
    """The user waiting for his code and his ``next``, or None when there is none, it
    is older than ``totp.PENDING_LOGIN_SECONDS``, or his account changed meanwhile
    (deactivated, sessions ended, second factor reset). A stale one is dropped."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    ident, at = pending.get("user"), pending.get("at")
    age = int(now.timestamp()) - at if isinstance(at, int) else -1
    user_id = ident.partition(":")[0] if isinstance(ident, str) else ""
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if (
        not 0 <= age <= totp.PENDING_LOGIN_SECONDS
        or user is None
        or not user.active
        or user.get_id() != ident
        or not totp.is_enabled(user)
    ):
        session.pop(PENDING, None)
        return None
    target = pending.get("next")
    return user, target if isinstance(target, str) else None


def _finish_sign_in(user: User, target: str | None) -> Response:
    session.clear()  # a fresh session at sign-in: nothing carries over
    login_user(user)
    start_session(utcnow())
    services.record_login(user)
    db.session.commit()
    return redirect(target if is_safe_next(target) else url_for("home.index"))


@bp.route("/login/two-factor", methods=["GET", "POST"])
@access.public
def login_two_factor() -> str | Response:
    """两步验证 at sign-in: the code from the user's authenticator app, within five
    minutes of his password. A wrong code counts as a failed sign-in (the lockout
    applies); once locked, the user starts again from the password."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    now = utcnow()
    waiting = PENDING in session
    pending = _pending_sign_in(now)
    if pending is None:
        if waiting:
            flash("两步验证已超时，请重新输入用户名和密码。", "warning")
        return redirect(url_for(".login"))
    user, target = pending
    form = TotpCodeForm()
    if form.validate_on_submit():
        try:
            totp.sign_in_with_code(user, form.code.data or "", request.remote_addr or "", now)
        except SignInRefused as exc:
            db.session.commit()  # the failed code counts towards the lockout
            if exc.status == 429:
                session.pop(PENDING, None)
                flash(str(exc), "danger")
                return redirect(url_for(".login"))
            form.code.errors.append(str(exc))
        else:
            return _finish_sign_in(user, target)
    return render_template("auth/two_factor.html", form=form)


@bp.route("/logout", methods=["POST"])
@access.signed_in
def logout() -> Response:
    # Signing out ends every session of the user, on every device.
    end_all_sessions(current_user)
    record_audit("auth.logout", actor=current_user, target_type="user", target_id=current_user.id)
    db.session.commit()
    logout_user()
    session.clear()
    flash("您已安全退出。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@access.signed_in
def account() -> str | Response:
    """The user's own page: his password, and his 通知设置 (email address and mode).
    Two forms post here; the settings form's submit button tells them apart."""
    settings_posted = request.method == "POST" and "save_settings" in request.form
    form = PasswordChangeForm(formdata=None) if settings_posted else PasswordChangeForm()
    settings = NotificationSettingsForm(
        formdata=request.form if settings_posted else None, obj=current_user
    )
    if settings_posted:
        if settings.validate():
            try:
                set_email_preference(
                    current_user,
                    email=settings.email.data or "",
                    mode=settings.email_mode.data or "",
                )
            except DomainError as exc:
                refuse(settings, exc)
            else:
                db.session.commit()
                flash("通知设置已保存。", "success")
                return redirect(url_for("auth.account"))
    elif form.validate_on_submit():
        try:
            services.change_own_password(
                current_user, form.current_password.data or "", form.new_password.data or ""
            )
        except DomainError as exc:
            form.current_password.errors.append(str(exc))
        else:
            db.session.commit()
            login_user(current_user)  # keep this session; the others have ended
            flash("密码已修改，其他设备上的登录已失效。", "success")
            return redirect(url_for("auth.account"))
    return render_template(
        "auth/account.html",
        form=form,
        settings=settings,
        mail_enabled=mail_enabled(),
        password_rule=current_policy().describe(),
        change_reason=change_required(current_user, utcnow()),
    )
