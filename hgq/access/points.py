"""Who may see and do what with points (积分考核); part of :mod:`hgq.access`, which
re-exports everything here.

- assessors (admin and committee) see everyone's points, adjust them and decide
  appeals;
- a person sees his own points, and a leader those of his officers (the officers
  covering an enterprise he currently leads, as for weekly checklists);
- rankings are public within the administration: any staff member reads them.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from hgq.access.checklists import _leads_officer
from hgq.accounts.models import Role, User
from hgq.extensions import db

MAX_ID = 2**31 - 1


def is_assessor(user: User) -> bool:
    """Admin and committee members assess points (adjustments, appeals)."""
    return user.has_role(Role.ADMIN, Role.COMMITTEE)


def can_see_points_of(user: User, person: User) -> bool:
    """Himself; assessors everyone; a leader the officers of the enterprises he
    currently leads."""
    if user.id == person.id or is_assessor(user):
        return True
    if not (user.has_role(Role.LEADER) and person.has_role(Role.OFFICER)):
        return False
    return bool(db.session.scalar(sa.select(_leads_officer(user.id, person.id))))


def can_see_rankings(user: User) -> bool:
    """Rankings are public within the administration: staff yes, enterprises no."""
    return user.is_staff


def access_points_person(user: User, user_id: int | None) -> User:
    """Whose points ``user`` asks for: himself without ``user_id``; another person only
    if he may see that person's points (404 otherwise, as for a stranger)."""
    if user_id is None or user_id == user.id:
        return user
    person = db.session.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if person is None or not can_see_points_of(user, person):
        abort(404)
    return person
