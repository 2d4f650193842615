"""Changes to users and departments. Services check invariants and flush; callers commit.

Every change writes one audit record (:mod:`hgq.audit`) in the same transaction, with
its ``actor`` (None: the system — the demo builder, a CLI command) and the fields that
changed; a refused change writes none. Passwords and their hashes never go into the
record. The actions: ``user.create``, ``user.update`` (or ``user.roles``, see
:func:`update_user`), ``user.password_reset``, ``auth.password_change``,
``user.deactivate``, ``user.activate``, ``department.create``, ``department.update``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from hgq.accounts.models import SOLE_ROLES, STAFF_ROLES, Department, Role, User, UserRole
from hgq.accounts.queries import get_user_by_username
from hgq.audit.services import record_audit, record_change
from hgq.db import utcnow
from hgq.enterprises.models import Assignment, Enterprise
from hgq.errors import NotAllowed, VersionConflict
from hgq.extensions import db
from hgq.notifications.services import clean_email, set_email_address
from hgq.security.duties import separation_of_duties
from hgq.security.passwords import check_password, remember_old_hash

# Compared against when the username is unknown, so both paths cost one hash check.
_DUMMY_HASH = generate_password_hash("hgq-no-such-user", method="pbkdf2:sha256:1000")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_password_policy(password: str, field: str = "password", user: User | None = None) -> None:
    """Raise NotAllowed if ``password`` breaks the password policy (for ``user``: also
    his recent passwords). See :mod:`hgq.security.passwords`."""
    check_password(password, user, field)


def authenticate(username: str, password: str) -> User | None:
    """The active user with this username and password, or None (never says which failed)."""
    user = db.session.scalar(get_user_by_username(username))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def record_login(user: User) -> None:
    """Note the sign-in time. A plain UPDATE, so it does not bump ``User.version``:
    signing in is not an edit and must not make an admin's open edit form stale."""
    now = utcnow()
    db.session.execute(
        sa.update(User).where(User.id == user.id).values(last_login_at=now),
        execution_options={"synchronize_session": False},
    )
    set_committed_value(user, "last_login_at", now)


def user_state(user: User) -> dict[str, Any]:
    """What the audit trail keeps of a user: never the password or its hash, nor any
    second-factor secret. Roles as sorted codes; department and enterprise by name."""
    department = db.session.get(Department, user.department_id) if user.department_id else None
    enterprise = db.session.get(Enterprise, user.enterprise_id) if user.enterprise_id else None
    return {
        "username": user.username,
        "name": user.name,
        "phone": user.phone,
        "email": user.email,
        "email_mode": user.email_mode,
        "roles": sorted(role.value for role in user.roles),
        "department": department.name if department else None,
        "enterprise": enterprise.name if enterprise else None,
        "active": user.active,
        "must_change_password": user.must_change_password,
    }


def _check_version(obj: User | Department, expected_version: int | None) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise VersionConflict()


def _check_roles(
    roles: Iterable[Role], department_id: int | None, enterprise_id: int | None
) -> frozenset[Role]:
    roles = frozenset(roles)
    if not roles:
        raise NotAllowed("请至少选择一个角色", "roles")
    if roles & SOLE_ROLES and len(roles) > 1:
        raise NotAllowed("安全管理员、审计管理员只能单独担任，不能兼任其他角色", "roles")
    if Role.ENTERPRISE in roles:
        if roles & STAFF_ROLES:
            raise NotAllowed("企业用户不能同时拥有工作人员角色", "roles")
        if enterprise_id is None:
            raise NotAllowed("企业用户必须选择所属企业", "enterprise_id")
    elif enterprise_id is not None:
        raise NotAllowed("只有企业用户可以关联企业", "enterprise_id")
    if Role.DEPARTMENT in roles and department_id is None:
        raise NotAllowed("行业部门用户必须选择所属部门", "department_id")
    return roles


def create_user(
    *,
    username: str,
    name: str,
    password: str,
    roles: Iterable[Role],
    phone: str = "",
    department_id: int | None = None,
    enterprise_id: int | None = None,
    email: str = "",
    must_change_password: bool = True,
    actor: User | None,
) -> User:
    """Create an active user. Raises NotAllowed for a taken username, a weak password,
    a malformed email, or roles that do not fit the department and enterprise given.
    The user must change the password at first sign-in unless ``must_change_password``
    is False (demo accounts, tests). Audited as ``user.create`` (after: the new user's
    :func:`user_state`)."""
    username = username.strip().lower()
    if db.session.scalar(get_user_by_username(username)) is not None:
        raise NotAllowed(f"用户名“{username}”已被使用", "username")
    check_password_policy(password)
    role_set = _check_roles(roles, department_id, enterprise_id)
    email = clean_email(email)
    user = User(
        username=username,
        name=name.strip(),
        phone=phone.strip(),
        department_id=department_id,
        enterprise_id=enterprise_id,
        password_hash=hash_password(password),
        must_change_password=must_change_password,
        password_changed_at=utcnow(),
    )
    user.role_links = [UserRole(role=r) for r in sorted(role_set)]
    db.session.add(user)
    set_email_address(user, email)  # flushes
    record_audit(
        "user.create", actor=actor, target_type="user", target_id=user.id, after=user_state(user)
    )
    return user


def update_user(
    user: User,
    *,
    expected_version: int | None,
    name: str,
    phone: str,
    roles: Iterable[Role],
    department_id: int | None,
    enterprise_id: int | None,
    email: str | None = None,
    actor: User | None,
) -> User:
    """Edit a user's profile, roles and (unless ``email`` is None) email address. A
    change of roles ends the user's sessions.

    Refused: a stale ``expected_version``; roles that do not fit the department and
    enterprise; a malformed email; dropping the admin role from oneself (``actor``) or
    from the last admin; dropping officer or leader from someone who still covers
    enterprises.

    Audited as one record holding, before and after, only the fields of
    :func:`user_state` that changed (roles as sorted role codes, the department and
    enterprise by name). Its action is ``user.roles`` when the roles changed — a change
    of permissions, so the audit page can list those alone — else ``user.update``. An
    edit that changes nothing writes no record.
    """
    _check_version(user, expected_version)
    role_set = _check_roles(roles, department_id, enterprise_id)
    if email is not None:
        email = clean_email(email)
    dropping_admin = Role.ADMIN in user.roles and Role.ADMIN not in role_set
    if dropping_admin and actor is not None and actor.id == user.id:
        raise NotAllowed("不能取消自己的系统管理员角色", "roles")
    _check_keeps_holders(user, role_set)
    lost = user.roles - role_set
    if lost & {Role.OFFICER, Role.LEADER}:
        _check_no_current_assignments(user)
    before = user_state(user)
    roles_changed = role_set != user.roles
    if roles_changed:
        existing = {link.role: link for link in user.role_links}
        user.role_links = [existing.get(r) or UserRole(role=r) for r in sorted(role_set)]
        user.session_version += 1
    user.name = name.strip()
    user.phone = phone.strip()
    user.department_id = department_id
    user.enterprise_id = enterprise_id
    if email is not None:
        set_email_address(user, email)
    db.session.flush()
    record_change(
        "user.roles" if roles_changed else "user.update",
        actor=actor,
        target_type="user",
        target_id=user.id,
        before=before,
        after=user_state(user),
    )
    return user


def reset_password(
    user: User,
    new_password: str,
    field: str = "password",
    *,
    by_admin: bool = True,
    actor: User | None,
) -> None:
    """An administrator (``actor``) sets a new password; ends the user's other sessions.
    The user must change it at the next sign-in unless ``by_admin`` is False (an admin
    resetting his own). Audited as ``user.password_reset``: after holds only
    ``must_change_password``, never the password."""
    _set_password(user, new_password, field, must_change=by_admin)
    record_audit(
        "user.password_reset",
        actor=actor,
        target_type="user",
        target_id=user.id,
        after={"must_change_password": by_admin},
    )


def _set_password(user: User, new_password: str, field: str, *, must_change: bool) -> None:
    check_password_policy(new_password, field, user)
    remember_old_hash(user)
    user.password_hash = hash_password(new_password)
    user.must_change_password = must_change
    user.password_changed_at = utcnow()
    user.session_version += 1
    db.session.flush()


def change_own_password(user: User, current_password: str, new_password: str) -> None:
    """The user changes his own password (he is the actor); ends his other sessions and
    clears a required change. Audited as ``auth.password_change`` (no before or after:
    the record says who and when, never the password)."""
    if not check_password_hash(user.password_hash, current_password):
        raise NotAllowed("当前密码不正确", "current_password")
    if current_password == new_password:
        raise NotAllowed("新密码不能与当前密码相同", "new_password")
    _set_password(user, new_password, "new_password", must_change=False)
    record_audit("auth.password_change", actor=user, target_type="user", target_id=user.id)


def deactivate_user(user: User, *, actor: User | None) -> None:
    """Deactivate: the user can no longer sign in and loses every open session at once.

    Refused for oneself, for the last active admin, and for an officer or leader who
    still covers enterprises (reassign them first, so coverage is never silently lost).
    Audited as ``user.deactivate`` (active: true → false); none if already inactive.
    """
    if actor is not None and user.id == actor.id:
        raise NotAllowed("不能停用自己的账号")
    _check_keeps_holders(user, frozenset())
    _check_no_current_assignments(user)
    was_active = user.active
    user.active = False
    user.session_version += 1
    db.session.flush()
    _record_active("user.deactivate", user, was_active, actor)


def activate_user(user: User, *, actor: User | None) -> None:
    """Let a deactivated user sign in again. Audited as ``user.activate``
    (active: false → true); none if already active."""
    was_active = user.active
    user.active = True
    db.session.flush()
    _record_active("user.activate", user, was_active, actor)


def _record_active(action: str, user: User, was_active: bool, actor: User | None) -> None:
    record_change(
        action,
        actor=actor,
        target_type="user",
        target_id=user.id,
        before={"active": was_active},
        after={"active": user.active},
    )


def _check_keeps_holders(user: User, kept: frozenset[Role]) -> None:
    """Refuse to leave a guarded role without an active holder: the system admin
    always; the security and audit admins while 三员分立 is on (nobody else could then
    do their part, nor turn the separation off)."""
    guarded = {Role.ADMIN} | (SOLE_ROLES if separation_of_duties() else frozenset())
    for role in sorted((user.roles & guarded) - kept):
        others = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(User)
            .join(UserRole)
            .where(UserRole.role == role, User.active.is_(True), User.id != user.id)
        )
        if not others:
            raise NotAllowed(f"系统至少需要保留一名在用的{role.label}", "roles")


def _check_no_current_assignments(user: User) -> None:
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Assignment)
        .where(
            Assignment.end_date.is_(None),
            sa.or_(Assignment.officer_id == user.id, Assignment.leader_id == user.id),
        )
    )
    if count:
        raise NotAllowed(f"该用户仍在包保{count}家企业，请先调整包保关系", "roles")


# -- departments ----------------------------------------------------------------
def _check_department_name(name: str, exclude_id: int | None = None) -> str:
    name = name.strip()
    stmt = sa.select(Department.id).where(Department.name == name)
    if exclude_id is not None:
        stmt = stmt.where(Department.id != exclude_id)
    if db.session.scalar(stmt) is not None:
        raise NotAllowed(f"部门“{name}”已存在", "name")
    return name


def department_state(department: Department) -> dict[str, Any]:
    """What the audit trail keeps of a department."""
    return {
        "name": department.name,
        "is_industry": department.is_industry,
        "description": department.description,
        "is_active": department.is_active,
    }


def create_department(
    *, name: str, is_industry: bool = False, description: str = "", actor: User | None
) -> Department:
    """Add a department (refused if the name is taken); audited as ``department.create``."""
    department = Department(
        name=_check_department_name(name),
        is_industry=is_industry,
        description=description.strip(),
        is_active=True,
    )
    db.session.add(department)
    db.session.flush()
    record_audit(
        "department.create",
        actor=actor,
        target_type="department",
        target_id=department.id,
        after=department_state(department),
    )
    return department


def update_department(
    department: Department,
    *,
    expected_version: int | None,
    name: str,
    is_industry: bool,
    description: str,
    is_active: bool,
    actor: User | None,
) -> Department:
    """Edit a department (refused: a stale version, a taken name); audited as
    ``department.update`` with the fields that changed (none if nothing did)."""
    _check_version(department, expected_version)
    before = department_state(department)
    department.name = _check_department_name(name, exclude_id=department.id)
    department.is_industry = is_industry
    department.description = description.strip()
    department.is_active = is_active
    db.session.flush()
    record_change(
        "department.update",
        actor=actor,
        target_type="department",
        target_id=department.id,
        before=before,
        after=department_state(department),
    )
    return department
