"""The administrator's landing page: registry figures and coverage gaps."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user

from hgq import access
from hgq.accounts.models import Department, User
from hgq.deadlines.services import missing_next_year
from hgq.enterprises import queries as eq
from hgq.extensions import db
from hgq.timeutil import local_today

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@access.admin_required
def dashboard() -> str:
    uncovered = db.session.scalars(
        eq.filter_enterprises(access.select_visible_enterprises(current_user), covered=False).limit(
            10
        )
    ).all()
    counts = {
        "users": db.session.scalar(
            sa.select(sa.func.count()).select_from(User).where(User.active.is_(True))
        ),
        "departments": db.session.scalar(sa.select(sa.func.count()).select_from(Department)),
    }
    return render_template(
        "admin/dashboard.html",
        coverage=eq.count_coverage(),
        uncovered=uncovered,
        counts=counts,
        # From October on: next year's holidays must be imported before deadlines reach it.
        missing_year=missing_next_year(local_today()),
    )
