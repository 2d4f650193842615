"""The landing page of each role and the 包保公示 board."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from hgq import access
from hgq.accounts.models import Role
from hgq.cases import queries as cq
from hgq.cases.models import OPEN_STATUSES, Case, CaseStatus
from hgq.checklists.queries import week_summary
from hgq.deadlines.views import page_now
from hgq.enterprises import queries as eq
from hgq.enterprises.models import Enterprise
from hgq.extensions import db
from hgq.home.queries import select_workload
from hgq.stats.queries import FORMULAS, Summary, summary
from hgq.timeutil import local_today
from hgq.viewhelpers import paginate
from hgq.visits.queries import ContactStatus, contact_due_for

bp = Blueprint("home", __name__)


@bp.route("/")
@access.signed_in
def index() -> str | Response:
    """Each role lands on the page that fits it; a user with several roles lands on the
    highest (admin, committee, leader, officer, department, enterprise); the security
    and audit admins (held alone) on their one page."""
    user = current_user
    if user.has_role(Role.ADMIN):
        return redirect(url_for("admin.dashboard"))
    if user.has_role(Role.SECURITY_ADMIN):
        return redirect(url_for("admin_security.index"))
    if user.has_role(Role.AUDIT_ADMIN):
        return redirect(url_for("audit.index"))
    if user.has_role(Role.COMMITTEE):
        return _committee_home()
    if user.has_role(Role.LEADER, Role.OFFICER):
        return _coverage_home()
    if user.has_role(Role.DEPARTMENT):
        return render_template("home/department.html", department=user.department)
    return _enterprise_home()


def _committee_home() -> str:
    uncovered = db.session.scalars(
        eq.filter_enterprises(access.select_visible_enterprises(current_user), covered=False).limit(
            10
        )
    ).all()
    return render_template(
        "home/committee.html",
        coverage=eq.count_coverage(),
        uncovered=uncovered,
        officers=db.session.execute(select_workload(Role.OFFICER)).all(),
        leaders=db.session.execute(select_workload(Role.LEADER)).all(),
        todo=_todo_count(),
        lights=_light_counts(sa.select(Case)),
        rates=_year_rates(),
        formulas=FORMULAS,
    )


def _coverage_home() -> str:
    """Officer and leader: the enterprises they cover, grouped by officer for a leader."""
    assignments = db.session.scalars(eq.select_current_assignments_of(current_user.id)).all()
    as_officer = sorted(
        (a for a in assignments if a.officer_id == current_user.id), key=lambda a: a.enterprise.name
    )
    led_by_officer = defaultdict(list)
    for a in sorted(assignments, key=lambda a: (a.officer.name, a.enterprise.name)):
        if a.leader_id == current_user.id:
            led_by_officer[a.officer].append(a)
    # A leader sees how the open cases of the enterprises he leads stand on time.
    lights = (
        _light_counts(cq.select_led_cases(current_user.id))
        if current_user.has_role(Role.LEADER)
        else None
    )
    contact_due = [
        row
        for row in contact_due_for(current_user, local_today())
        if row.status is not ContactStatus.OK
    ]
    return render_template(
        "home/coverage.html",
        contact_due=contact_due,
        as_officer=as_officer,
        led_by_officer=dict(led_by_officer),
        todo=_todo_count(),
        lights=lights,
        checklist_week=week_summary(current_user, page_now()),
        rates=_year_rates(),
        formulas=FORMULAS,
    )


def _year_rates() -> Summary | None:
    """This year's three rates of the user's share (two queries on the rollup)."""
    today = local_today()
    flt = access.stats_filter_for(current_user, since=date(today.year, 1, 1), until=today)
    return None if flt is None else summary(flt)


def _light_counts(stmt: sa.Select[tuple[Case]]) -> dict[str, int]:
    """Open cases of ``stmt`` by traffic light, plus 督办 and 挂起 (one query)."""
    row = db.session.execute(cq.count_deadline_lights(stmt, page_now())).one()
    return {key: int(value) for key, value in row._mapping.items()}


def _todo_count() -> int:
    return db.session.scalar(cq.count_of(cq.select_todo_for(current_user))) or 0


def _enterprise_home() -> str:
    """The enterprise's page: who covers it, and its latest cases with what awaits it."""
    enterprise = (
        db.session.get(Enterprise, current_user.enterprise_id)
        if current_user.enterprise_id
        else None
    )
    if enterprise is None:
        return render_template("home/enterprise.html", enterprise=None)
    cases = cq.select_enterprise_cases(enterprise.id)
    by_status = dict(db.session.execute(cq.count_cases_by_status(cases)).all())
    return render_template(
        "home/enterprise.html",
        enterprise=enterprise,
        latest_cases=db.session.scalars(cases.limit(5)).all(),
        open_count=sum(n for s, n in by_status.items() if s in OPEN_STATUSES),
        awaiting_rating=by_status.get(CaseStatus.RESOLVED, 0),
        total_cases=sum(by_status.values()),
    )


@bp.route("/board")
@access.staff_required
def board() -> str:
    """挂牌公示: who covers which enterprise, with phone numbers, for every staff member."""
    q = request.args.get("q", "").strip()
    stmt = eq.with_coverage(
        eq.filter_enterprises(access.select_board_enterprises(current_user), q=q)
    )
    page = paginate(stmt)
    return render_template("home/board.html", page=page, q=q)
