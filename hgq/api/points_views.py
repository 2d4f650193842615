"""The points endpoints (积分考核) of /api/v1, on the API's blueprint. Read-only.

- ``GET /points?user_id=&period=``: a person's entries of a month or quarter and
  their total — the caller's own by default; a leader adds ``user_id`` for one of his
  officers, an assessor (admin, committee) for anyone; anyone else gets 404, as for a
  stranger. The period defaults to the current month.
- ``GET /rankings?period=&role=officer|leader``: the ranking, best first, with
  standard competition ranks (1, 2, 2, 4). Public within the administration.

Both are for staff: an enterprise account gets 403 ``forbidden``. A malformed
``period``, ``role`` or ``user_id`` answers 400 ``invalid_input`` naming it.
"""

from __future__ import annotations

from typing import Any

from flask import g, request

from hgq import access
from hgq.accounts.models import User
from hgq.api.auth import token_required
from hgq.api.errors import ApiError
from hgq.api.points_schemas import (
    parse_period_arg,
    parse_points_user_id,
    parse_role_arg,
    points_to_dict,
    rank_to_dict,
)
from hgq.api.views import bp
from hgq.db import utcnow
from hgq.extensions import db
from hgq.points import queries

STAFF_ONLY = "积分考核仅限园区工作人员查看"


def _staff_user() -> User:
    user: User = g.api_user
    if not access.can_see_rankings(user):
        raise ApiError(403, "forbidden", STAFF_ONLY)
    return user


@bp.get("/points")
@token_required
def get_points() -> dict[str, Any]:
    user = _staff_user()
    user_id = parse_points_user_id(request.args)
    period = parse_period_arg(request.args, utcnow())
    person = access.access_points_person(user, user_id)  # 404 unless he may see them
    entries = list(db.session.scalars(queries.select_entries(person.id, period)))
    total = sum(entry.points for entry in entries)
    return points_to_dict(person.id, person.name, period, total, entries)


@bp.get("/rankings")
@token_required
def get_rankings() -> list[dict[str, Any]]:
    _staff_user()
    period = parse_period_arg(request.args, utcnow())
    role = parse_role_arg(request.args)
    return [rank_to_dict(row) for row in queries.rankings(period, role)]
