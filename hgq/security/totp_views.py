"""两步验证 pages: the user's own set-up and switching off (account area), and an
administrator's reset of a user's second factor (a lost phone). Thin views over
:mod:`hgq.security.totp`; the security admin's setting page is in
:mod:`hgq.security.admin_views`."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from hgq import access
from hgq.accounts.models import User
from hgq.accounts.views import is_safe_next
from hgq.db import utcnow
from hgq.errors import DomainError
from hgq.extensions import db
from hgq.forms import show_refusal
from hgq.security import totp
from hgq.security.forms import TotpCodeForm

bp = Blueprint("two_factor", __name__, url_prefix="/account/two-factor")
admin_bp = Blueprint("admin_two_factor", __name__, url_prefix="/admin/users")


@bp.route("", methods=["GET", "POST"])
@access.signed_in
def setup() -> str | Response | tuple[str, int]:
    """The user's 两步验证 page. Not yet on: the QR code and secret of a pending
    secret, and a code to confirm it (POST enables). On: how it is used, and a code
    form to switch it off (:func:`disable`)."""
    enabled = totp.is_enabled(current_user)
    form = TotpCodeForm()
    if not enabled and form.validate_on_submit():
        try:
            totp.enable(current_user, form.code.data or "", utcnow())
        except DomainError as exc:
            db.session.commit()  # keep the audit record of a wrong code
            show_refusal(form, exc)
        else:
            db.session.commit()
            flash("已启用两步验证。今后登录时，输入密码后还需输入验证器应用上的验证码。", "success")
            return redirect(url_for(".setup"))
    context: dict[str, object] = {"enabled": enabled, "required": totp.required_for(current_user)}
    if not enabled:
        secret = totp.pending_secret(current_user)
        db.session.commit()  # the pending secret stays the same across reloads
        context.update(
            secret=totp.grouped(secret), qr=totp.qr_svg(totp.provisioning_uri(current_user, secret))
        )
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "auth/two_factor_setup.html",
        form=form,
        disable_form=TotpCodeForm(formdata=None),
        **context,
    ), status


@bp.route("/disable", methods=["POST"])
@access.signed_in
def disable() -> str | Response | tuple[str, int]:
    """Switch two-factor sign-in off with a current code (a wrong one counts as a
    failed sign-in); refused while the setting requires it."""
    form = TotpCodeForm()
    if form.validate_on_submit():
        try:
            totp.disable(current_user, form.code.data or "", request.remote_addr or "", utcnow())
        except DomainError as exc:
            db.session.commit()  # a wrong code counts towards the lockout
            flash(f"未能关闭两步验证：{exc}", "danger")
        else:
            db.session.commit()
            flash("已关闭两步验证。今后登录只需密码。", "success")
    else:
        flash("请输入验证器应用上显示的6位数字后再关闭。", "danger")
    return redirect(url_for(".setup"))


@admin_bp.route("/<int:user_id>/two-factor/reset", methods=["POST"])
@access.security_admin_required
def reset(user_id: int) -> Response:
    """An administrator clears a user's second factor (lost or replaced phone); back to
    the page the button was on (CSRFProtect checks the token)."""
    user = db.get_or_404(User, user_id)
    try:
        totp.reset(user, current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(f"未能重置：{exc}", "danger")
    else:
        db.session.commit()
        flash(
            f"已重置用户“{user.name}”的两步验证：其可凭密码登录，再在“两步验证”页重新设置。",
            "success",
        )
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("admin_security.two_factor"))
