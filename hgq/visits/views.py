"""Visit pages: the contact list (联络提醒) and logging a visit (登记走访)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from hgq import access
from hgq.accounts.models import Role
from hgq.cases.models import Category
from hgq.cases.queries import select_categories
from hgq.errors import DomainError
from hgq.extensions import db
from hgq.forms import show_refusal
from hgq.timeutil import local_today
from hgq.viewhelpers import paginate
from hgq.visits import queries
from hgq.visits.forms import VisitForm
from hgq.visits.queries import ContactStatus
from hgq.visits.services import Problem, record_visit

bp = Blueprint("visits", __name__)


@bp.route("/visits/")
@access.roles_required(Role.OFFICER, Role.LEADER)
def index() -> str:
    """The user's enterprises with their contact status, and his own recent visits."""
    raw = request.args.get("status") or ""
    status = ContactStatus(raw) if raw in set(ContactStatus) else None
    today = local_today()
    rows = queries.contact_due_for(current_user, today)
    counts = {s: sum(1 for r in rows if r.status is s) for s in ContactStatus}
    shown = [r for r in rows if status is None or r.status is status]
    mine = paginate(
        queries.filter_visits(
            access.select_visible_visits(current_user), visitor_id=current_user.id
        )
    )
    return render_template(
        "visits/index.html",
        rows=shown,
        counts=counts,
        total=len(rows),
        status=status,
        statuses=list(ContactStatus),
        page=mine,
        today=today,
    )


def _category_choices() -> list[SelectChoice]:
    return [SelectChoice(str(c.id), c.name) for c in db.session.scalars(select_categories())]


def _problems(form: VisitForm) -> list[Problem]:
    return [
        Problem(
            title=entry.form.title.data or "",
            description=entry.form.description.data or "",
            category=db.session.get(Category, entry.form.category.data)
            if entry.form.category.data
            else None,
        )
        for entry in form.problems
        if not entry.form.is_empty()
    ]


def _show_refusal(form: VisitForm, exc: DomainError) -> None:
    """Show a refusal at its field, ``problems-<i>-<field>`` at that problem's field."""
    for entry in form.problems:
        for field in entry.form:
            if field.name == exc.field:
                field.errors = [*field.errors, str(exc)]
                return
    show_refusal(form, exc)


@bp.route("/enterprises/<int:enterprise_id>/visits/new", methods=["GET", "POST"])
@access.roles_required(Role.OFFICER, Role.LEADER)
def new(enterprise_id: int) -> str | Response | tuple[str, int]:
    enterprise = access.access_visit_enterprise(current_user, enterprise_id)
    form = VisitForm()
    form.set_categories(_category_choices())
    if request.method == "GET":
        form.visited_on.data = local_today()
    if form.validate_on_submit():
        problems = _problems(form)
        try:
            visit, cases = record_visit(
                visitor=current_user._get_current_object(),
                enterprise=enterprise,
                visited_on=form.visited_on.data,
                method=form.method.data,
                summary=form.summary.data or "",
                people_met=form.people_met.data or "",
                problems_found=form.problems_found.data or "",
                problems=problems,
            )
        except DomainError as exc:
            db.session.rollback()  # nothing of the visit or its cases is kept
            _show_refusal(form, exc)
        else:
            db.session.commit()
            message = f"已登记{visit.method.label}联络。"
            if cases:
                message += f"同时登记诉求 {len(cases)} 件：" + "、".join(c.code for c in cases)
            flash(message, "success")
            return redirect(url_for("enterprises.detail", enterprise_id=enterprise.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "visits/new.html", form=form, enterprise=enterprise, today=local_today().isoformat()
    ), status
