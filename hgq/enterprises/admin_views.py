"""Admin pages for enterprises, projects, tags and assignments (联点包保)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from hgq import access
from hgq.accounts.models import Role, User
from hgq.accounts.queries import select_active_with_role
from hgq.enterprises import queries, services
from hgq.enterprises.forms import (
    AssignForm,
    EndAssignmentForm,
    EnterpriseEditForm,
    EnterpriseForm,
    ProjectEditForm,
    ProjectForm,
    TagForm,
    TagIntervalForm,
)
from hgq.enterprises.models import Assignment, Enterprise, Project, Tag
from hgq.errors import DomainError
from hgq.extensions import db
from hgq.viewhelpers import paginate, per_page, refuse

bp = Blueprint("admin_enterprises", __name__, url_prefix="/admin")

COVERED_ARGS = {"yes": True, "no": False}
ACTIVE_ARGS = {"1": True, "0": False, "all": None}
PAGE = "admin/enterprises/"


def _tag_choices() -> list[SelectChoice]:
    return [SelectChoice(str(t.id), t.name) for t in db.session.scalars(queries.select_tags())]


def _people_choices(role: Role) -> list[SelectChoice]:
    people = [SelectChoice(str(u.id), f"{u.name}（{u.username}）") for u in _people(role)]
    return [SelectChoice("", "请选择…"), *people]


def _people(role: Role) -> list[User]:
    return list(db.session.scalars(select_active_with_role(role)))


def _user(user_id: int | None) -> User | None:
    return db.session.get(User, user_id) if user_id is not None else None


# -- enterprises ----------------------------------------------------------------
@bp.route("/enterprises")
@access.admin_required
def enterprises() -> str:
    q = request.args.get("q", "").strip()
    tag_id = request.args.get("tag", type=int)
    covered = request.args.get("covered", "")
    active = request.args.get("active", "1")
    stmt = queries.filter_enterprises(
        access.select_visible_enterprises(current_user),
        q=q,
        tag_id=tag_id,
        covered=COVERED_ARGS.get(covered),
        active=ACTIVE_ARGS.get(active, True),
    )
    page = paginate(queries.with_coverage(stmt))
    return render_template(
        PAGE + "enterprises.html",
        page=page,
        q=q,
        tag_id=tag_id,
        covered=covered,
        active=active,
        tags=db.session.scalars(queries.select_tags()).all(),
    )


def _enterprise_fields(form: EnterpriseForm) -> dict[str, object]:
    return {
        "name": form.name.data,
        "credit_code": form.credit_code.data,
        "industry": form.industry.data or "",
        "address": form.address.data or "",
        "contact_name": form.contact_name.data or "",
        "contact_phone": form.contact_phone.data or "",
        "tag_ids": form.tags.data or [],
    }


@bp.route("/enterprises/new", methods=["GET", "POST"])
@access.admin_required
def enterprise_new() -> str | Response:
    form = EnterpriseForm()
    form.tags.choices = _tag_choices()
    if form.validate_on_submit():
        try:
            enterprise = services.create_enterprise(
                **_enterprise_fields(form),  # type: ignore[arg-type]
                actor=current_user,
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            db.session.commit()
            flash(f"已新增企业“{enterprise.name}”。", "success")
            return redirect(url_for("enterprises.detail", enterprise_id=enterprise.id))
    return render_template(PAGE + "enterprise_form.html", form=form, enterprise=None)


@bp.route("/enterprises/<int:enterprise_id>/edit", methods=["GET", "POST"])
@access.admin_required
def enterprise_edit(enterprise_id: int) -> str | Response:
    enterprise = db.get_or_404(Enterprise, enterprise_id)
    form = EnterpriseEditForm(obj=enterprise)
    form.tags.choices = _tag_choices()
    if request.method == "GET":
        form.tags.data = [t.id for t in enterprise.tags]
    if form.validate_on_submit():
        try:
            services.update_enterprise(
                enterprise,
                expected_version=form.loaded_version(),
                is_active=form.is_active.data,
                **_enterprise_fields(form),  # type: ignore[arg-type]
                actor=current_user,
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            db.session.commit()
            flash(f"已保存企业“{enterprise.name}”。", "success")
            return redirect(url_for("enterprises.detail", enterprise_id=enterprise.id))
    return render_template(PAGE + "enterprise_form.html", form=form, enterprise=enterprise)


# -- projects -------------------------------------------------------------------
@bp.route("/enterprises/<int:enterprise_id>/projects/new", methods=["GET", "POST"])
@access.admin_required
def project_new(enterprise_id: int) -> str | Response:
    enterprise = db.get_or_404(Enterprise, enterprise_id)
    form = ProjectForm()
    if form.validate_on_submit():
        try:
            project = services.create_project(
                enterprise,
                name=form.name.data,
                investment=form.investment.data,
                stage=form.stage.data,
                actor=current_user,
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            db.session.commit()
            flash(f"已新增重点项目“{project.name}”。", "success")
            return redirect(url_for("enterprises.detail", enterprise_id=enterprise.id))
    return render_template(PAGE + "project_form.html", form=form, enterprise=enterprise)


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@access.admin_required
def project_edit(project_id: int) -> str | Response:
    project = db.get_or_404(Project, project_id)
    form = ProjectEditForm(obj=project)
    if form.validate_on_submit():
        try:
            services.update_project(
                project,
                expected_version=form.loaded_version(),
                name=form.name.data,
                investment=form.investment.data,
                stage=form.stage.data,
                actor=current_user,
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            db.session.commit()
            flash(f"已保存重点项目“{project.name}”。", "success")
            return redirect(url_for("enterprises.detail", enterprise_id=project.enterprise_id))
    return render_template(
        PAGE + "project_form.html", form=form, enterprise=project.enterprise, project=project
    )


# -- tags -----------------------------------------------------------------------
@bp.route("/tags", methods=["GET", "POST"])
@access.admin_required
def tags() -> str | Response:
    form = TagForm()
    if form.validate_on_submit():
        try:
            tag = services.create_tag(form.name.data, actor=current_user)
        except DomainError as exc:
            refuse(form, exc)
        else:
            db.session.commit()
            flash(f"已新增标签“{tag.name}”。", "success")
            return redirect(url_for(".tags"))
    rows = db.session.execute(queries.select_tags_with_counts()).all()
    return render_template(
        PAGE + "tags.html",
        form=form,
        rows=rows,
        default_interval=current_app.config["CONTACT_INTERVAL_DAYS"],
    )


@bp.post("/tags/<int:tag_id>/interval")
@access.admin_required
def tag_interval(tag_id: int) -> Response:
    """定期联络: set or clear the contact interval of a tag's enterprises."""
    tag = db.get_or_404(Tag, tag_id)
    form = TagIntervalForm()
    if not form.validate():
        for message in form.contact_interval_days.errors or ["提交的内容有误"]:
            flash(str(message), "danger")
        return redirect(url_for(".tags"))
    try:
        services.set_tag_contact_interval(tag, form.contact_interval_days.data, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(url_for(".tags"))
    db.session.commit()
    days = tag.contact_interval_days
    flash(f"“{tag.name}”的联络周期已设为{f'{days}天' if days else '默认'}。", "success")
    return redirect(url_for(".tags"))


# -- assignments (联点包保) -------------------------------------------------------
@bp.route("/assignments")
@access.admin_required
def assignments() -> str:
    q = request.args.get("q", "").strip()
    officer_id = request.args.get("officer_id", type=int)
    leader_id = request.args.get("leader_id", type=int)
    stmt = queries.select_current_assignments(q=q, officer_id=officer_id, leader_id=leader_id)
    page = paginate(stmt)
    uncovered = db.session.scalars(
        queries.filter_enterprises(
            access.select_visible_enterprises(current_user), covered=False
        ).limit(per_page())
    ).all()
    return render_template(
        PAGE + "assignments.html",
        page=page,
        q=q,
        officer_id=officer_id,
        leader_id=leader_id,
        officers=_people(Role.OFFICER),
        leaders=_people(Role.LEADER),
        uncovered=uncovered,
        coverage=queries.count_coverage(),
    )


def _assign_form(enterprise: Enterprise, *, posted: bool) -> AssignForm:
    form = AssignForm() if posted else AssignForm(formdata=None)
    form.officer_id.choices = _people_choices(Role.OFFICER)
    form.leader_id.choices = _people_choices(Role.LEADER)
    current = enterprise.current_assignment
    if not posted and current is not None:
        form.officer_id.data = current.officer_id
        form.leader_id.data = current.leader_id
    return form


def _render_assign(enterprise: Enterprise, form: AssignForm, end_form: EndAssignmentForm) -> str:
    history = db.session.scalars(queries.select_assignment_history(enterprise.id)).all()
    current = next((a for a in history if a.is_current), None)
    return render_template(
        PAGE + "assign.html",
        enterprise=enterprise,
        form=form,
        end_form=end_form,
        current=current,
        history=history,
    )


@bp.route("/enterprises/<int:enterprise_id>/assign", methods=["GET", "POST"])
@access.admin_required
def assign(enterprise_id: int) -> str | Response:
    enterprise = db.get_or_404(Enterprise, enterprise_id)
    form = _assign_form(enterprise, posted=request.method == "POST")
    if form.validate_on_submit():
        reassigning = enterprise.current_assignment is not None
        try:
            services.assign_enterprise(
                enterprise,
                officer=_user(form.officer_id.data),
                leader=_user(form.leader_id.data),
                start_date=form.start_date.data,  # type: ignore[arg-type]
                actor=current_user._get_current_object(),
                note=form.note.data or "",
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            db.session.commit()
            done = "调整包保，原包保关系已转入历史" if reassigning else "安排包保"
            flash(f"已为“{enterprise.name}”{done}。", "success")
            return redirect(url_for(".assign", enterprise_id=enterprise.id))
    return _render_assign(enterprise, form, EndAssignmentForm(formdata=None))


@bp.post("/assignments/<int:assignment_id>/end")
@access.admin_required
def assignment_end(assignment_id: int) -> str | Response:
    assignment = db.get_or_404(Assignment, assignment_id)
    enterprise = assignment.enterprise
    end_form = EndAssignmentForm()
    if end_form.validate_on_submit():
        try:
            services.end_assignment(
                assignment,
                end_date=end_form.end_date.data,  # type: ignore[arg-type]
                actor=current_user,
            )
        except DomainError as exc:
            refuse(end_form, exc)
        else:
            db.session.commit()
            flash(f"已结束“{enterprise.name}”的包保关系，该企业目前未安排包保。", "warning")
            return redirect(url_for(".assign", enterprise_id=enterprise.id))
    return _render_assign(enterprise, _assign_form(enterprise, posted=False), end_form)
