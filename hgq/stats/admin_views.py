"""Admin page for the composite score (综合得分): weighted or threshold scoring.

The rule is a run-time setting (``stats.composite``, hgq.settings), saved with an
audit record of before and after and guarded by its version against lost updates.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from hgq import access
from hgq.errors import DomainError
from hgq.extensions import db
from hgq.settings.services import save_setting, setting_version
from hgq.stats import composite as scoring
from hgq.stats.forms import CompositeForm
from hgq.viewhelpers import refuse

bp = Blueprint("admin_stats", __name__, url_prefix="/admin/stats")


@bp.route("/composite", methods=["GET", "POST"])
@access.admin_required
def composite() -> str | Response:
    settings = scoring.current_rule()
    form = CompositeForm()
    if request.method == "GET":
        form.fill(settings, setting_version(scoring.SETTING_KEY))
    elif form.validate_on_submit():
        value = form.settings(settings)
        try:
            scoring.check_settings(value)
            save_setting(
                scoring.SETTING_KEY,
                value,
                actor=current_user._get_current_object(),
                expected_version=form.loaded_version(),
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            db.session.commit()
            flash(f"已保存综合得分规则（{scoring.MODES[value['mode']]}）。", "success")
            return redirect(url_for(".composite"))
    return render_template(
        "admin/stats/composite.html",
        form=form,
        settings=settings,
        described=scoring.describe(settings),
        defaults=scoring.describe(scoring.default_settings()),
        modes=scoring.MODES,
    )
