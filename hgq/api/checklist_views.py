"""The weekly checklist endpoints (每周清单) of /api/v1, on the API's blueprint.

Thin routes: token → access → parse → service → one commit. Reading may write: a
checklist is made the first time it is needed and kept in step with live data
(:func:`hgq.checklists.services.open_checklist`), so every route commits.

Who gets what:

- ``GET /checklists/<week>``: the caller's own week; a leader, committee member or
  admin adds ``?user_id=`` for an officer he oversees (404 for anyone else, as for a
  stranger). A week that has no checklist — not begun yet, closed before it was ever
  opened, or an owner who keeps none (only officers do) — answers 404 ``not_found``;
  a non-officer asking for his own week gets that 404 too (there is nothing to read,
  and the message says why) rather than a 403.
- the changes (add an item, record progress, submit) act on the caller's own
  checklist only: 403 ``forbidden`` for a caller who keeps no checklist, 409
  ``frozen`` once the week is submitted or closed, 409 ``version_conflict`` when the
  optional ``version`` is not the checklist's current one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import g, request

from hgq import access
from hgq.accounts.models import User
from hgq.api.auth import token_required
from hgq.api.checklist_schemas import (
    changed_item_to_dict,
    checklist_to_dict,
    parse_item_progress,
    parse_new_item,
    parse_submission,
    parse_user_id,
    parse_week,
    read_optional_json_object,
    refuse_user_id,
)
from hgq.api.errors import ApiError
from hgq.api.schemas import MAX_ID, read_json_object
from hgq.api.views import bp
from hgq.checklists import services
from hgq.checklists.models import ChecklistItem, WeeklyChecklist
from hgq.checklists.weeks import Week
from hgq.db import utcnow
from hgq.extensions import db

NO_CHECKLIST = "该周没有每周清单：尚未开始，或已过补交期限且从未填报"
KEEPS_NONE = "只有包保责任人填报每周清单"


def _api_user() -> User:
    return g.api_user  # type: ignore[no-any-return]


def _open(owner: User, week: Week) -> tuple[WeeklyChecklist, datetime]:
    """``owner``'s checklist for ``week`` (made or synced as needed) and the ``now`` it
    was opened at; 404 when the week has none."""
    now = utcnow()
    checklist = services.open_checklist(owner, week, now)
    if checklist is None:
        keeps = access.can_keep_checklist(owner)
        raise ApiError(404, "not_found", NO_CHECKLIST if keeps else KEEPS_NONE)
    return checklist, now


def _own_checklist(week_text: str) -> tuple[User, WeeklyChecklist, datetime]:
    """The caller's own checklist to change: 400 for a ``user_id``, 403 if he keeps
    no checklist, 404 for a bad week or one without a checklist."""
    user = _api_user()
    refuse_user_id(request.args)
    if not access.can_keep_checklist(user):
        raise ApiError(403, "forbidden", KEEPS_NONE)
    checklist, now = _open(user, parse_week(week_text))
    return user, checklist, now


@bp.get("/checklists/<week>")
@token_required
def get_checklist(week: str) -> dict[str, Any]:
    user = _api_user()
    user_id = parse_user_id(request.args)
    owner = access.access_checklist_owner(user, user_id)  # 404 unless he may see it
    checklist, now = _open(owner, parse_week(week))
    result = checklist_to_dict(checklist, now)
    db.session.commit()  # opening may have made or synced the checklist
    return result


@bp.post("/checklists/<week>/items")
@token_required
def add_checklist_item(week: str) -> tuple[dict[str, Any], int]:
    user, checklist, now = _own_checklist(week)
    data = parse_new_item(read_json_object())
    item = services.add_own_item(
        checklist, user, title=data.title, due_on=data.due_on, now=now, version=data.version
    )
    result = changed_item_to_dict(item, checklist)
    db.session.commit()
    return result, 201


def _find_item(checklist: WeeklyChecklist, item_id: int) -> ChecklistItem:
    item = next((i for i in checklist.items if i.id == item_id), None)
    if item_id > MAX_ID or item is None:
        raise ApiError(404, "not_found", "清单中没有该事项")
    return item


@bp.patch("/checklists/<week>/items/<int:item_id>")
@token_required
def update_checklist_item(week: str, item_id: int) -> dict[str, Any]:
    user, checklist, now = _own_checklist(week)
    item = _find_item(checklist, item_id)
    data = parse_item_progress(read_json_object())
    services.record_progress(
        checklist,
        user,
        {item.id: services.Progress(data.progress, data.done)},
        now=now,
        version=data.version,
    )
    result = changed_item_to_dict(item, checklist)
    db.session.commit()
    return result


@bp.post("/checklists/<week>/submit")
@token_required
def submit_checklist(week: str) -> dict[str, Any]:
    user, checklist, now = _own_checklist(week)
    version = parse_submission(read_optional_json_object())
    services.submit(checklist, user, now=now, version=version)
    result = checklist_to_dict(checklist, now)
    db.session.commit()
    return result
