"""Enterprise pages for staff: the list one may see, and an enterprise's page."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from hgq import access
from hgq.accounts.models import Role
from hgq.cases import queries as case_queries
from hgq.enterprises import queries
from hgq.extensions import db
from hgq.viewhelpers import paginate
from hgq.visits.queries import filter_visits

bp = Blueprint("enterprises", __name__, url_prefix="/enterprises")


def _int_arg(name: str) -> int | None:
    return request.args.get(name, type=int)


@bp.route("/")
@access.roles_required(Role.OFFICER, Role.LEADER, Role.COMMITTEE, Role.ADMIN)
def index() -> str:
    q = request.args.get("q", "").strip()
    tag_id = _int_arg("tag")
    covered_arg = request.args.get("covered")
    covered = {"yes": True, "no": False}.get(covered_arg or "")
    stmt = queries.filter_enterprises(
        access.select_visible_enterprises(current_user), q=q, tag_id=tag_id, covered=covered
    )
    page = paginate(queries.with_coverage(stmt))
    return render_template(
        "enterprises/index.html",
        page=page,
        q=q,
        tag_id=tag_id,
        covered=covered_arg,
        tags=db.session.scalars(queries.select_tags()).all(),
    )


@bp.route("/<int:enterprise_id>")
@access.signed_in
def detail(enterprise_id: int) -> str:
    enterprise = access.access_enterprise(current_user, enterprise_id)
    history = (
        db.session.scalars(queries.select_assignment_history(enterprise.id)).all()
        if access.can_see_assignment_history(current_user)
        else []
    )
    visible_cases = access.select_visible_cases(current_user)
    cases = db.session.scalars(
        case_queries.select_latest_of_enterprise(visible_cases, enterprise.id, limit=10)
    ).all()
    of_enterprise = case_queries.filter_cases(visible_cases, enterprise_id=enterprise.id)
    visible_visits = access.select_visible_visits(current_user)
    visits = db.session.scalars(
        filter_visits(visible_visits, enterprise_id=enterprise.id).limit(5)
    ).all()
    return render_template(
        "enterprises/detail.html",
        enterprise=enterprise,
        history=history,
        can_manage=access.can_manage_registry(current_user),
        cases=cases,
        case_count=db.session.scalar(case_queries.count_of(of_enterprise)),
        can_create_case=current_user.is_staff
        and access.can_create_case_for(current_user, enterprise),
        visits=visits,
        can_see_visits=access.can_see_contact_records(current_user),
        can_log_visit=access.can_log_visit(current_user, enterprise),
    )
