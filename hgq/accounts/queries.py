"""Reads of users and departments."""

from __future__ import annotations

import sqlalchemy as sa

from hgq.accounts.models import Department, Role, User, UserRole


def get_user_by_username(username: str) -> sa.Select[tuple[User]]:
    return sa.select(User).where(User.username == username.strip().lower())


def select_users(
    q: str = "", role: Role | None = None, active: bool | None = None
) -> sa.Select[tuple[User]]:
    """Users matching a search over username, name and phone, newest first."""
    stmt = sa.select(User).order_by(User.id.desc())
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(
            sa.or_(User.username.ilike(like), User.name.ilike(like), User.phone.ilike(like))
        )
    if role is not None:
        stmt = stmt.where(sa.exists().where(UserRole.user_id == User.id, UserRole.role == role))
    if active is not None:
        stmt = stmt.where(User.active.is_(active))
    return stmt


def select_active_with_role(role: Role) -> sa.Select[tuple[User]]:
    """Active users holding ``role``, by name (for officer and leader pickers)."""
    return (
        sa.select(User)
        .where(User.active.is_(True))
        .where(sa.exists().where(UserRole.user_id == User.id, UserRole.role == role))
        .order_by(User.name, User.id)
    )


def select_departments(active_only: bool = False) -> sa.Select[tuple[Department]]:
    stmt = sa.select(Department).order_by(Department.id)
    if active_only:
        stmt = stmt.where(Department.is_active.is_(True))
    return stmt


def count_active_users_by_department() -> sa.Select[tuple[int | None, int]]:
    """(department_id, number of active users) for every department that has any,
    in one grouped query (for the department list)."""
    return (
        sa.select(User.department_id, sa.func.count(User.id))
        .where(User.department_id.is_not(None), User.active.is_(True))
        .group_by(User.department_id)
    )
