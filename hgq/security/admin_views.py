"""The security pages (安全管理): overview with locked accounts, 三员分立, and the
password policy (口令策略). The system admin's unless separation of duties is on, then
the security admin's (:func:`hgq.access.can_manage_security`)."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from hgq import access
from hgq.accounts.models import Role, User
from hgq.db import utcnow
from hgq.errors import DomainError
from hgq.extensions import db
from hgq.security import totp
from hgq.security.duties import SEPARATION_KEY, active_holders, separation_of_duties, set_separation
from hgq.security.forms import PasswordPolicyForm, SeparationForm, TwoFactorPolicyForm
from hgq.security.passwords import POLICY_KEY, PasswordPolicy, current_policy
from hgq.security.throttle import locked_accounts, unlock
from hgq.settings.services import save_setting, setting_version
from hgq.viewhelpers import refuse

bp = Blueprint("admin_security", __name__, url_prefix="/admin/security")

# Further security settings listed on the overview: (endpoint, label, description).
SECURITY_LINKS: list[tuple[str, str, str]] = [
    (
        "admin_security.two_factor",
        "两步验证",
        "是否要求管理员和工委管委账号登录时输入验证器应用上的验证码；重置丢失手机的账号。",
    ),
]


@bp.route("/password-policy", methods=["GET", "POST"])
@access.security_admin_required
def password_policy() -> str | Response | tuple[str, int]:
    policy = current_policy()
    form = PasswordPolicyForm(data={**asdict(policy), "version": setting_version(POLICY_KEY)})
    if form.validate_on_submit():
        chosen = PasswordPolicy(
            min_length=form.min_length.data,  # type: ignore[arg-type]
            complexity=bool(form.complexity.data),
            max_age_days=form.max_age_days.data,  # type: ignore[arg-type]
            history=form.history.data,  # type: ignore[arg-type]
        )
        try:
            save_setting(POLICY_KEY, asdict(chosen), current_user, form.loaded_version())
        except DomainError as exc:
            refuse(form, exc)
        else:
            db.session.commit()
            flash("已保存口令策略，新设置对此后设置的密码生效。", "success")
            return redirect(url_for(".password_policy"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("admin/security/password_policy.html", form=form, policy=policy), status


@bp.route("/")
@access.security_admin_required
def index() -> str | tuple[str, int]:
    """安全管理: the accounts locked right now (with unlock), the policies in force and
    the 三员分立 switch."""
    return _render_index(SeparationForm(data=_separation_data()))


def _separation_data() -> dict[str, object]:
    return {"enabled": separation_of_duties(), "version": setting_version(SEPARATION_KEY)}


def _render_index(form: SeparationForm, status: int = 200) -> tuple[str, int]:
    return render_template(
        "admin/security/index.html",
        form=form,
        locked=locked_accounts(utcnow()),
        policy=current_policy(),
        separation=separation_of_duties(),
        holders={role: active_holders(role) for role in (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)},
        security_links=SECURITY_LINKS,
    ), status


@bp.route("/separation", methods=["POST"])
@access.security_admin_required
def separation() -> str | Response | tuple[str, int]:
    """Turn 三员分立 on or off (audited as a setting change)."""
    form = SeparationForm()
    if form.validate_on_submit():
        try:
            set_separation(bool(form.enabled.data), current_user, form.loaded_version())
        except DomainError as exc:
            refuse(form, exc)
        else:
            db.session.commit()
            flash("已启用三员分立。" if form.enabled.data else "已关闭三员分立。", "success")
            return redirect(url_for(".index"))
    return _render_index(form, 400)


@bp.route("/unlock/<int:user_id>", methods=["POST"])
@access.security_admin_required
def unlock_user(user_id: int) -> Response:
    """解锁 from the overview (CSRFProtect checks the token)."""
    user = db.get_or_404(User, user_id)
    unlock(user, current_user, utcnow())
    db.session.commit()
    flash(f"已解除用户“{user.name}”的登录锁定。", "success")
    return redirect(url_for(".index"))


@bp.route("/two-factor", methods=["GET", "POST"])
@access.security_admin_required
def two_factor() -> str | Response | tuple[str, int]:
    """两步验证: require it of the admin and committee accounts or not (optimistic
    version, audited as a setting change), and who uses it, with a reset for each."""
    form = TwoFactorPolicyForm(
        data={"required": totp.totp_required(), "version": setting_version(totp.REQUIRED_KEY)}
    )
    if form.validate_on_submit():
        try:
            totp.set_required(bool(form.required.data), current_user, form.loaded_version())
        except DomainError as exc:
            refuse(form, exc)
        else:
            db.session.commit()
            flash(
                "已要求各管理员和工委管委账号使用两步验证，未设置的账号下次操作时须先完成设置。"
                if form.required.data
                else "已不再强制要求两步验证，已启用的账号仍继续使用。",
                "success",
            )
            return redirect(url_for(".two_factor"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "admin/security/two_factor.html",
        form=form,
        required=totp.totp_required(),
        users=db.session.scalars(totp.select_overview()).all(),
        required_roles=totp.REQUIRED_ROLES,
    ), status
