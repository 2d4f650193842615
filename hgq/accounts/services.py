"""Changes to users and departments. Services check invariants and flush; callers commit."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from hgq.accounts.models import STAFF_ROLES, Department, Role, User, UserRole
from hgq.accounts.queries import get_user_by_username
from hgq.db import utcnow
from hgq.enterprises.models import Assignment
from hgq.errors import NotAllowed, VersionConflict
from hgq.extensions import db
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


def _check_version(obj: User | Department, expected_version: int | None) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise VersionConflict()


def _check_roles(
    roles: Iterable[Role], department_id: int | None, enterprise_id: int | None
) -> frozenset[Role]:
    roles = frozenset(roles)
    if not roles:
        raise NotAllowed("请至少选择一个角色", "roles")
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
    must_change_password: bool = True,
) -> User:
    """Create an active user. Raises NotAllowed for a taken username, a weak password,
    or roles that do not fit the department and enterprise given. The user must change
    the password at first sign-in unless ``must_change_password`` is False (demo
    accounts, tests)."""
    username = username.strip().lower()
    if db.session.scalar(get_user_by_username(username)) is not None:
        raise NotAllowed(f"用户名“{username}”已被使用", "username")
    check_password_policy(password)
    role_set = _check_roles(roles, department_id, enterprise_id)
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
    db.session.flush()
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
    actor: User | None = None,
) -> User:
    """Edit a user's profile and roles. A change of roles ends the user's sessions.

    Refused: a stale ``expected_version``; roles that do not fit the department and
    enterprise; dropping the admin role from oneself (``actor``) or from the last admin;
    dropping officer or leader from someone who still covers enterprises.
    """
    _check_version(user, expected_version)
    role_set = _check_roles(roles, department_id, enterprise_id)
    if Role.ADMIN in user.roles and Role.ADMIN not in role_set:
        if actor is not None and actor.id == user.id:
            raise NotAllowed("不能取消自己的系统管理员角色", "roles")
        _check_not_last_admin(user)
    lost = user.roles - role_set
    if lost & {Role.OFFICER, Role.LEADER}:
        _check_no_current_assignments(user)
    if role_set != user.roles:
        existing = {link.role: link for link in user.role_links}
        user.role_links = [existing.get(r) or UserRole(role=r) for r in sorted(role_set)]
        user.session_version += 1
    user.name = name.strip()
    user.phone = phone.strip()
    user.department_id = department_id
    user.enterprise_id = enterprise_id
    db.session.flush()
    return user


def reset_password(
    user: User, new_password: str, field: str = "password", *, by_admin: bool = True
) -> None:
    """Set a new password; ends the user's other sessions. An administrator's reset
    must be changed by the user at the next sign-in; the user's own change clears that."""
    check_password_policy(new_password, field, user)
    remember_old_hash(user)
    user.password_hash = hash_password(new_password)
    user.must_change_password = by_admin
    user.password_changed_at = utcnow()
    user.session_version += 1
    db.session.flush()


def change_own_password(user: User, current_password: str, new_password: str) -> None:
    if not check_password_hash(user.password_hash, current_password):
        raise NotAllowed("当前密码不正确", "current_password")
    if current_password == new_password:
        raise NotAllowed("新密码不能与当前密码相同", "new_password")
    reset_password(user, new_password, field="new_password", by_admin=False)


def deactivate_user(user: User, actor: User) -> None:
    """Deactivate: the user can no longer sign in and loses every open session at once.

    Refused for oneself, for the last active admin, and for an officer or leader who
    still covers enterprises (reassign them first, so coverage is never silently lost).
    """
    if user.id == actor.id:
        raise NotAllowed("不能停用自己的账号")
    if Role.ADMIN in user.roles:
        _check_not_last_admin(user)
    _check_no_current_assignments(user)
    user.active = False
    user.session_version += 1
    db.session.flush()


def activate_user(user: User) -> None:
    user.active = True
    db.session.flush()


def _check_not_last_admin(user: User) -> None:
    others = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(User)
        .join(UserRole)
        .where(UserRole.role == Role.ADMIN, User.active.is_(True), User.id != user.id)
    )
    if not others:
        raise NotAllowed("系统至少需要保留一名在用的系统管理员", "roles")


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


def create_department(*, name: str, is_industry: bool = False, description: str = "") -> Department:
    department = Department(
        name=_check_department_name(name), is_industry=is_industry, description=description.strip()
    )
    db.session.add(department)
    db.session.flush()
    return department


def update_department(
    department: Department,
    *,
    expected_version: int | None,
    name: str,
    is_industry: bool,
    description: str,
    is_active: bool,
) -> Department:
    _check_version(department, expected_version)
    department.name = _check_department_name(name, exclude_id=department.id)
    department.is_industry = is_industry
    department.description = description.strip()
    department.is_active = is_active
    db.session.flush()
    return department
