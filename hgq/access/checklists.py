"""Who may see and do what with weekly checklists (每周清单); part of :mod:`hgq.access`
(the rules are in its docstring), which re-exports everything here."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort

from hgq.accounts.models import Role, User
from hgq.accounts.queries import select_active_with_role
from hgq.enterprises.models import Assignment
from hgq.extensions import db


def _leads_officer(leader_id: Any, officer_id: Any) -> sa.ColumnElement[bool]:
    return sa.exists().where(
        Assignment.leader_id == leader_id,
        Assignment.officer_id == officer_id,
        Assignment.end_date.is_(None),
    )


def select_team_officers(user: User) -> sa.Select[tuple[User]]:
    """The active officers whose checklists ``user`` oversees: all for committee and
    admin, a leader's own officers (of the enterprises he currently leads)."""
    stmt = select_active_with_role(Role.OFFICER)
    if user.has_role(Role.ADMIN, Role.COMMITTEE):
        return stmt
    if user.has_role(Role.LEADER):
        return stmt.where(_leads_officer(user.id, User.id))
    return stmt.where(sa.false())


def can_oversee_checklists(user: User) -> bool:
    return user.has_role(Role.LEADER, Role.COMMITTEE, Role.ADMIN)


def can_view_checklist(user: User, officer: User) -> bool:
    """The officer himself, and those who oversee him (see select_team_officers)."""
    if user.id == officer.id:
        return True
    if not officer.has_role(Role.OFFICER):
        return False
    if user.has_role(Role.ADMIN, Role.COMMITTEE):
        return True
    return user.has_role(Role.LEADER) and bool(
        db.session.scalar(sa.select(_leads_officer(user.id, officer.id)))
    )


def can_keep_checklist(user: User) -> bool:
    """Officers keep weekly checklists."""
    return user.has_role(Role.OFFICER) and user.is_active


def can_review_checklist(user: User, officer: User) -> bool:
    """His leaders and the committee review (点评) an officer's week; not himself."""
    if user.id == officer.id or not user.has_role(Role.LEADER, Role.COMMITTEE):
        return False
    return can_view_checklist(user, officer)


def access_checklist_owner(user: User, user_id: int | None) -> User:
    """Whose checklist ``user`` asks for: himself without ``user_id``; another officer
    only if he may see that officer's checklists (404 otherwise, as for a stranger)."""
    if user_id is None or user_id == user.id:
        return user
    officer = db.session.get(User, user_id) if 0 < user_id < 2**31 else None
    if officer is None or not can_view_checklist(user, officer):
        abort(404)
    return officer
