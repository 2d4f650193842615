"""Admin page for the password policy (口令策略)."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from hgq import access
from hgq.errors import DomainError
from hgq.extensions import db
from hgq.security.forms import PasswordPolicyForm
from hgq.security.passwords import POLICY_KEY, PasswordPolicy, current_policy
from hgq.settings.services import save_setting, setting_version
from hgq.viewhelpers import refuse

bp = Blueprint("admin_security", __name__, url_prefix="/admin/security")


@bp.route("/password-policy", methods=["GET", "POST"])
@access.admin_required
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
