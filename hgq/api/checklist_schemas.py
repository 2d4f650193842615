"""What the weekly checklist endpoints (每周清单) send and accept: checklists and their
items → JSON-ready dicts, and the week in the path, the ``user_id`` query argument
and the request bodies → checked values, in the conventions of
:mod:`hgq.api.schemas` (shape checks here, domain rules in
:mod:`hgq.checklists.services`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import request

from hgq.api.errors import ApiError, invalid_input
from hgq.api.schemas import DIGITS, FieldChecker, iso, read_json_object
from hgq.api.visit_schemas import parse_date
from hgq.checklists.models import ChecklistItem, Outcome, WeeklyChecklist
from hgq.checklists.services import PROGRESS_MAX, TITLE_MAX, is_frozen, outcome_at
from hgq.checklists.weeks import Week

# outcome → the contract's ``on_time`` (null while the week may still be submitted)
ON_TIME = {Outcome.ON_TIME: True, Outcome.LATE: False, Outcome.MISSING: False}


# -- output -----------------------------------------------------------------------
def item_to_dict(item: ChecklistItem) -> dict[str, Any]:
    """One line of a checklist. ``ref_id`` is the case (origin ``case``) or the
    enterprise (origin ``contact``) it is about, null for the officer's own items."""
    return {
        "id": item.id,
        "kind": item.kind.value,
        "origin": item.origin.value,
        "ref_id": item.ref_id,
        "title": item.title,
        "due_at": iso(item.due_at),
        "progress": item.progress,
        "done": item.done,
        "carried_from_id": item.carried_from_id,
        "updated_at": iso(item.updated_at),
    }


def changed_item_to_dict(item: ChecklistItem, checklist: WeeklyChecklist) -> dict[str, Any]:
    """An item after a change, with the checklist's new ``version`` (to send with the
    next change) as ``checklist_version``."""
    return {**item_to_dict(item), "checklist_version": checklist.version}


def _review_to_dict(checklist: WeeklyChecklist) -> dict[str, Any] | None:
    if checklist.reviewed_at is None:
        return None
    reviewer = checklist.reviewed_by
    return {
        "comment": checklist.review_comment,
        "by": reviewer.name if reviewer else None,
        "by_id": checklist.reviewed_by_id,
        "at": iso(checklist.reviewed_at),
    }


def checklist_to_dict(checklist: WeeklyChecklist, now: datetime) -> dict[str, Any]:
    """A checklist as the API sends it; ``outcome``, ``on_time`` and ``frozen`` are
    how the week stands at ``now``."""
    week = Week(checklist.week_start)
    outcome = outcome_at(checklist, week, now)
    return {
        "week": str(week),
        "user_id": checklist.user_id,
        "user_name": checklist.user.name,
        "status": checklist.status.value,
        "due_at": iso(checklist.due_at),
        "submitted_at": iso(checklist.submitted_at),
        "outcome": None if outcome is None else outcome.value,
        "on_time": None if outcome is None else ON_TIME[outcome],
        "frozen": is_frozen(checklist, now),
        "version": checklist.version,
        "review": _review_to_dict(checklist),
        "items": [item_to_dict(item) for item in checklist.items],
    }


# -- input: path and query --------------------------------------------------------
def parse_week(text: str) -> Week:
    """``2026-W48`` → that week; anything else answers 404 ``not_found``, like any
    path that names nothing."""
    week = Week.parse(text)
    if week is None:
        raise ApiError(404, "not_found", "周次无效，应形如 2026-W48")
    return week


def parse_user_id(args: Mapping[str, str]) -> int | None:
    """The optional ``user_id`` query argument (whose checklist a leader asks for);
    None when absent or empty, 400 ``invalid_input`` when not a whole number."""
    raw = args.get("user_id")
    if raw is None or raw == "":
        return None
    if not DIGITS.fullmatch(raw):
        raise invalid_input({"user_id": "user_id 须为用户编号（整数）"})
    return int(raw)


def refuse_user_id(args: Mapping[str, str]) -> None:
    """The changes act on the caller's own checklist: a ``user_id`` is refused (400)
    rather than ignored, so a client cannot believe it changed someone else's."""
    if "user_id" in args:
        raise invalid_input({"user_id": "只能填报本人的每周清单，不能指定 user_id"})


# -- input: bodies ----------------------------------------------------------------
def read_optional_json_object() -> dict[str, Any]:
    """The body as a JSON object, or {} when there is no body at all."""
    if not request.get_data(cache=True):
        return {}
    return read_json_object()


def _version(fields: FieldChecker) -> int | None:
    return fields.identifier("version", "版本号（version）", required=False)


@dataclass(frozen=True)
class NewItem:
    title: str
    due_on: date | None
    version: int | None


def parse_new_item(body: Mapping[str, Any]) -> NewItem:
    """``title`` (required), ``due_on`` (YYYY-MM-DD, optional), ``version`` (optional)."""
    fields = FieldChecker(body)
    title = fields.text("title", "事项", TITLE_MAX)
    due_on = None
    if body.get("due_on") is not None:
        due_on = parse_date(body["due_on"])
        if due_on is None:
            fields.fail("due_on", "完成时限须为日期（YYYY-MM-DD）")
    version = _version(fields)
    fields.check()
    return NewItem(title, due_on, version)


@dataclass(frozen=True)
class ItemProgress:
    progress: str
    done: bool | None  # None: leave as it is
    version: int | None


def parse_item_progress(body: Mapping[str, Any]) -> ItemProgress:
    """``progress`` (required, may be empty to clear it), ``done`` (optional boolean),
    ``version`` (optional)."""
    fields = FieldChecker(body)
    if body.get("progress") is None:
        fields.fail("progress", "请填写进展（progress，可为空字符串）")
    progress = fields.text("progress", "进展", PROGRESS_MAX, required=False)
    done = body.get("done")
    if done is not None and not isinstance(done, bool):
        fields.fail("done", "done 须为 true 或 false")
        done = None
    version = _version(fields)
    fields.check()
    return ItemProgress(progress, done, version)


def parse_submission(body: Mapping[str, Any]) -> int | None:
    """The optional ``version`` of a submission (the body itself may be absent)."""
    fields = FieldChecker(body)
    version = _version(fields)
    fields.check()
    return version
