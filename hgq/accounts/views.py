"""Signing in and out, and the user's own account page."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from hgq import access
from hgq.accounts import services
from hgq.accounts.forms import LoginForm, PasswordChangeForm
from hgq.audit.services import record_audit
from hgq.db import utcnow
from hgq.errors import DomainError
from hgq.extensions import db
from hgq.notifications.forms import NotificationSettingsForm
from hgq.notifications.mail import mail_enabled
from hgq.notifications.services import set_email_preference
from hgq.security.passwords import change_required, current_policy
from hgq.security.sessions import end_all_sessions, start_session
from hgq.security.throttle import SignInRefused, sign_in
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
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = sign_in(
                form.username.data or "",
                form.password.data or "",
                request.remote_addr or "",
                utcnow(),
            )
        except SignInRefused as exc:
            db.session.commit()  # the failed attempt counts towards the lockout
            flash(str(exc), "danger")
            status = exc.status if exc.status == 429 else 200
        else:
            session.clear()  # a fresh session at sign-in: nothing carries over
            login_user(user)
            start_session(utcnow())
            services.record_login(user)
            db.session.commit()
            target = request.args.get("next")
            return redirect(target if is_safe_next(target) else url_for("home.index"))
    return render_template("auth/login.html", form=form), status


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
