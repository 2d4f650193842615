"""The enterprise's own pages: 我的诉求 and submitting a new request."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from hgq import access
from hgq.accounts.models import Role
from hgq.cases import attachments, queries, services
from hgq.cases.enterprise_forms import CaseSubmitForm
from hgq.cases.models import OPEN_STATUSES, Case, CaseStatus, Category, Channel, Urgency
from hgq.enterprises.models import Enterprise, Project
from hgq.errors import DomainError, NotAllowed
from hgq.extensions import db
from hgq.viewhelpers import paginate, refuse

bp = Blueprint("my", __name__, url_prefix="/my")

S = CaseStatus


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    statuses: frozenset[CaseStatus] | None  # None: every status
    always: bool = True  # shown even when it holds no case


TABS = (
    Tab("all", "全部", None),
    Tab("open", "办理中", OPEN_STATUSES),
    Tab("resolved", "待评价", frozenset({S.RESOLVED})),
    Tab("closed", "已归档", frozenset({S.CLOSED})),
    Tab("rejected", "不予受理", frozenset({S.REJECTED}), always=False),
    Tab("withdrawn", "已撤回", frozenset({S.WITHDRAWN}), always=False),
)
TABS_BY_KEY = {tab.key: tab for tab in TABS}

# Where an open case stands, in the enterprise's words.
LEVEL_WORDS = {1: "包保责任人办理中", 2: "已提交包保领导协调", 3: "工委管委集中研究中"}


@bp.app_template_filter("progress_for_enterprise")
def progress_for_enterprise(case: Case) -> str:
    """Where the case stands, as the enterprise should read it."""
    if case.status is S.SUBMITTED:
        if case.handler_id is None and case.level == 1:
            return "待园区安排包保干部办理"
        return "待包保责任人受理" if case.level == 1 else LEVEL_WORDS[case.level]
    if case.status in OPEN_STATUSES:
        return LEVEL_WORDS[case.level]
    if case.status is S.RESOLVED:
        return "已办结，请您确认并评价"
    if case.status is S.CLOSED:
        return "已归档（未评价）" if case.closed_unrated else "已评价归档"
    if case.status is S.REJECTED:
        return "不予受理，请查看答复说明"
    return "已撤回"


def _enterprise() -> Enterprise | None:
    if current_user.enterprise_id is None:
        return None
    return db.session.get(Enterprise, current_user.enterprise_id)


@bp.route("/cases")
@access.roles_required(Role.ENTERPRISE)
def cases() -> str:
    """我的诉求: every case of the user's enterprise, newest first, by status tab."""
    enterprise = _enterprise()
    tab = TABS_BY_KEY.get(request.args.get("status", ""), TABS[0])
    stmt = queries.select_enterprise_cases(enterprise.id if enterprise else -1)
    by_status = dict(db.session.execute(queries.count_cases_by_status(stmt)).all())
    counts = {
        t.key: sum(n for s, n in by_status.items() if t.statuses is None or s in t.statuses)
        for t in TABS
    }
    if tab.statuses is not None:
        stmt = stmt.where(Case.status.in_(tab.statuses))
    page = paginate(stmt)
    ids = [case.id for case in page.items]
    updated = dict(db.session.execute(queries.select_last_visible_update(ids)).all())
    return render_template(
        "cases/my_cases.html",
        enterprise=enterprise,
        page=page,
        tabs=[t for t in TABS if t.always or counts[t.key] or t is tab],
        tab=tab,
        counts=counts,
        updated=updated,
    )


def _fill_choices(form: CaseSubmitForm, enterprise: Enterprise) -> None:
    categories = db.session.scalars(queries.select_categories()).all()
    form.category.choices = [
        SelectChoice("", "请选择…"),
        *(SelectChoice(str(c.id), c.name) for c in categories),
    ]
    projects = sorted(enterprise.projects, key=lambda p: p.name)
    form.project_id.choices = [
        SelectChoice("", "不涉及具体项目"),
        *(SelectChoice(str(p.id), p.name) for p in projects),
    ]


def _submit(form: CaseSubmitForm, enterprise: Enterprise, written: list[Path]) -> Case:
    """Check the files, create the case, then write the files (paths into ``written``).
    Raises DomainError naming the field; the caller commits."""
    checked = attachments.check_files(form.files.data or [])
    project = None
    if form.project_id.data is not None:
        project = db.session.get(Project, form.project_id.data)
        if project is None:
            raise NotAllowed("所选项目不存在", "project_id")
    category = db.session.get(Category, form.category.data) if form.category.data else None
    case = services.create_case(
        creator=current_user,
        enterprise=enterprise,
        title=form.title.data or "",
        description=form.description.data or "",
        category=category,
        channel=Channel.SELF_REPORTED,
        urgency=Urgency(form.urgency.data),
        project=project,
    )
    attachments.save_attachments(case, checked, current_user, written, event=case.events[0])
    return case


def _check_files_too(form: CaseSubmitForm) -> None:
    """When other fields are wrong, say at once what is wrong with the files as well."""
    try:
        attachments.check_files(form.files.data or [])
    except DomainError as exc:
        form.files.errors.append(str(exc))


def _handled_by(case: Case) -> str:
    if case.first_owner is not None:
        return f"将由贵企业的包保责任人{case.first_owner.name}为您办理。"
    return "园区将尽快安排包保干部为您办理。"


@bp.route("/cases/new", methods=["GET", "POST"])
@access.roles_required(Role.ENTERPRISE)
def case_new() -> str | Response:
    """Submit a request (企业自报), with optional files."""
    enterprise = _enterprise()
    if enterprise is None:
        flash("您的账号尚未关联企业，请联系系统管理员。", "warning")
        return redirect(url_for("home.index"))
    form = CaseSubmitForm()
    _fill_choices(form, enterprise)
    if not form.validate_on_submit():
        if form.is_submitted():
            _check_files_too(form)
    else:
        try:
            with attachments.removing_on_error() as written:
                case = _submit(form, enterprise, written)
                db.session.commit()
        except DomainError as exc:
            refuse(form, exc)
        else:
            flash(f"诉求已提交，编号 {case.code}。{_handled_by(case)}", "success")
            return redirect(url_for("cases.detail", case_id=case.id))
    files_lost = form.is_submitted() and bool(attachments.chosen_files(form.files.data or []))
    return render_template(
        "cases/my_new.html",
        form=form,
        enterprise=enterprise,
        files_lost=files_lost,
    )
