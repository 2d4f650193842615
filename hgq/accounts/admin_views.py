"""Admin pages for users and departments: thin views over hgq.accounts.services."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from hgq import access
from hgq.accounts import queries, services
from hgq.accounts.admin_forms import (
    DepartmentEditForm,
    DepartmentForm,
    PasswordResetForm,
    UserCreateForm,
    UserEditForm,
    UserProfileForm,
)
from hgq.accounts.models import ROLE_LABELS, Department, Role, User
from hgq.db import utcnow
from hgq.enterprises.models import Enterprise
from hgq.enterprises.queries import filter_enterprises
from hgq.errors import DomainError
from hgq.extensions import db
from hgq.security.throttle import locked_until, unlock
from hgq.viewhelpers import paginate, refuse

bp = Blueprint("admin_accounts", __name__, url_prefix="/admin")


# Which field a refusal from the services belongs beside, by what its message is about;
# anything else (roles that do not fit, the last admin, current coverage) goes to roles.
def _load_choices(form: UserProfileForm, user: User | None = None) -> None:
    """Active departments and enterprises, plus the user's own even if inactive."""
    departments = list(db.session.scalars(queries.select_departments(active_only=True)))
    enterprises = list(db.session.scalars(filter_enterprises(sa.select(Enterprise))))
    if user is not None and user.department and user.department not in departments:
        departments.append(user.department)
    if user is not None and user.enterprise and user.enterprise not in enterprises:
        enterprises.append(user.enterprise)
    none = SelectChoice("", "（无）")
    form.department_id.choices = [none, *(SelectChoice(str(d.id), d.name) for d in departments)]
    form.enterprise_id.choices = [none, *(SelectChoice(str(e.id), e.name) for e in enterprises)]


def _keep_own_session(user: User) -> None:
    """A change to one's own password or roles ends one's sessions; keep this one."""
    if user.id == current_user.id:
        login_user(user)


# -- users ----------------------------------------------------------------------
@bp.route("/users")
@access.admin_required
def users() -> str:
    q = request.args.get("q", "").strip()
    role_arg = request.args.get("role", "")
    role = Role(role_arg) if role_arg in {r.value for r in Role} else None
    active_arg = request.args.get("active", "")
    active = {"1": True, "0": False}.get(active_arg)
    stmt = queries.select_users(q=q, role=role, active=active).options(
        selectinload(User.department), selectinload(User.enterprise)
    )
    page = paginate(stmt)
    return render_template(
        "admin/accounts/users.html",
        page=page,
        q=q,
        role=role,
        active=active_arg,
        role_labels=ROLE_LABELS,
    )


@bp.route("/users/new", methods=["GET", "POST"])
@access.admin_required
def user_new() -> str | Response:
    form = UserCreateForm()
    _load_choices(form)
    if form.validate_on_submit():
        try:
            user = services.create_user(
                username=form.username.data or "",
                name=form.name.data or "",
                password=form.password.data or "",
                roles=form.roles.data or (),
                phone=form.phone.data or "",
                department_id=form.department_id.data,
                enterprise_id=form.enterprise_id.data,
                email=form.email.data or "",
                actor=current_user,
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            db.session.commit()
            flash(
                f"已创建用户“{user.name}”（{user.username}），现在可以用初始密码登录。", "success"
            )
            return redirect(url_for(".users"))
    return render_template("admin/accounts/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@access.admin_required
def user_edit(user_id: int) -> str | Response:
    user = db.get_or_404(User, user_id)
    form = UserEditForm(obj=user)
    _load_choices(form, user)
    if form.validate_on_submit():
        try:
            services.update_user(
                user,
                expected_version=form.loaded_version(),
                name=form.name.data or "",
                phone=form.phone.data or "",
                roles=form.roles.data or (),
                department_id=form.department_id.data,
                enterprise_id=form.enterprise_id.data,
                email=form.email.data or "",
                actor=current_user,
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            db.session.commit()
            _keep_own_session(user)
            flash(f"已保存用户“{user.name}”的资料。", "success")
            return redirect(url_for(".users"))
    return render_template(
        "admin/accounts/user_form.html",
        form=form,
        user=user,
        locked_until=locked_until(user.username, utcnow()),
        # 三员分立: unlocking and resetting two-factor may be the security admin's.
        can_secure=access.can_manage_security(current_user),
    )


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@access.admin_required
def user_deactivate(user_id: int) -> Response:
    user = db.get_or_404(User, user_id)
    try:
        services.deactivate_user(user, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(f"未能停用：{exc}", "danger")
    else:
        db.session.commit()
        flash(f"已停用用户“{user.name}”，其所有登录已立即失效。", "success")
    return redirect(url_for(".user_edit", user_id=user_id))


@bp.route("/users/<int:user_id>/activate", methods=["POST"])
@access.admin_required
def user_activate(user_id: int) -> Response:
    user = db.get_or_404(User, user_id)
    services.activate_user(user, actor=current_user)
    db.session.commit()
    flash(f"已启用用户“{user.name}”。", "success")
    return redirect(url_for(".user_edit", user_id=user_id))


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@access.security_admin_required
def user_unlock(user_id: int) -> Response:
    """解锁: lift a lockout after repeated failed sign-ins (CSRFProtect checks the token)."""
    user = db.get_or_404(User, user_id)
    unlock(user, current_user, utcnow())
    db.session.commit()
    flash(f"已解除用户“{user.name}”的登录锁定。", "success")
    return redirect(url_for(".user_edit", user_id=user_id))


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@access.admin_required
def user_reset_password(user_id: int) -> str | Response:
    user = db.get_or_404(User, user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            # Resetting one's own password is a change of one's own: nothing to force.
            services.reset_password(
                user,
                form.password.data or "",
                by_admin=user.id != current_user.id,
                actor=current_user,
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            db.session.commit()
            _keep_own_session(user)
            flash(f"已重置用户“{user.name}”的密码，其原有登录已全部失效。", "success")
            return redirect(url_for(".user_edit", user_id=user_id))
    return render_template("admin/accounts/user_password.html", form=form, user=user)


# -- departments ----------------------------------------------------------------
@bp.route("/departments")
@access.admin_required
def departments() -> str:
    rows = db.session.scalars(queries.select_departments()).all()
    counts = dict(db.session.execute(queries.count_active_users_by_department()).all())
    return render_template("admin/accounts/departments.html", departments=rows, counts=counts)


@bp.route("/departments/new", methods=["GET", "POST"])
@access.admin_required
def department_new() -> str | Response:
    form = DepartmentForm()
    if form.validate_on_submit():
        try:
            department = services.create_department(
                name=form.name.data or "",
                is_industry=form.is_industry.data,
                description=form.description.data or "",
                actor=current_user,
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            db.session.commit()
            flash(f"已新增部门“{department.name}”。", "success")
            return redirect(url_for(".departments"))
    return render_template("admin/accounts/department_form.html", form=form, department=None)


@bp.route("/departments/<int:department_id>/edit", methods=["GET", "POST"])
@access.admin_required
def department_edit(department_id: int) -> str | Response:
    department = db.get_or_404(Department, department_id)
    form = DepartmentEditForm(obj=department)
    if form.validate_on_submit():
        try:
            services.update_department(
                department,
                expected_version=form.loaded_version(),
                name=form.name.data or "",
                is_industry=form.is_industry.data,
                description=form.description.data or "",
                is_active=form.is_active.data,
                actor=current_user,
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            db.session.commit()
            flash(f"已保存部门“{department.name}”。", "success")
            return redirect(url_for(".departments"))
    return render_template("admin/accounts/department_form.html", form=form, department=department)
