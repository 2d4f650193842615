"""What the points endpoints (积分考核) send and accept: entries and ranking rows →
JSON-ready dicts, and the ``period``, ``role`` and ``user_id`` query arguments →
checked values, in the conventions of :mod:`hgq.api.schemas` (400 ``invalid_input``
naming the field)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from hgq.accounts.models import Role
from hgq.api.errors import invalid_input
from hgq.api.schemas import DIGITS, MAX_ID, iso
from hgq.points.models import PointEntry
from hgq.points.queries import Period, RankRow, current_period, parse_period
from hgq.points.rules import RULE_NAMES

RANKED_ROLES = (Role.OFFICER, Role.LEADER)


# -- output -----------------------------------------------------------------------
def entry_to_dict(entry: PointEntry) -> dict[str, Any]:
    """One entry: ``rule`` is the rule code (or ``manual`` / ``appeal_reversal``),
    ``source_type`` and ``source_id`` the case, visit, checklist or (manual) the entry
    itself; ``event_id`` the case event it scored, if any; ``corrects_id`` the entry a
    correction corrects."""
    return {
        "id": entry.id,
        "points": entry.points,
        "rule": entry.rule_code,
        "rule_name": RULE_NAMES.get(entry.rule_code, entry.rule_code),
        "source_type": entry.source_type.value,
        "source_id": entry.source_id,
        "event_id": entry.event_id,
        "at": iso(entry.at),
        "period": entry.period,
        "note": entry.note,
        "corrects_id": entry.corrects_id,
    }


def points_to_dict(
    user_id: int, name: str, period: Period, total: int, entries: list[PointEntry]
) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "user_name": name,
        "period": period.text,
        "period_label": period.label,
        "total": total,
        "entries": [entry_to_dict(entry) for entry in entries],
    }


def rank_to_dict(row: RankRow) -> dict[str, Any]:
    return {"user_id": row.user_id, "name": row.name, "total": row.total, "rank": row.rank}


# -- input: query -----------------------------------------------------------------
def parse_period_arg(args: Mapping[str, str], now: datetime) -> Period:
    """``period``: ``2026-11`` or ``2026-Q4``; the current month when absent or empty."""
    raw = args.get("period")
    if raw is None or raw == "":
        return current_period(now)
    period = parse_period(raw)
    if period is None:
        raise invalid_input({"period": "period 应为月份（如 2026-11）或季度（如 2026-Q4）"})
    return period


def parse_role_arg(args: Mapping[str, str]) -> Role:
    """``role``: ``officer`` (the default) or ``leader``."""
    raw = args.get("role") or Role.OFFICER.value
    if raw not in {role.value for role in RANKED_ROLES}:
        raise invalid_input({"role": "role 应为 officer（包保责任人）或 leader（包保领导）"})
    return Role(raw)


def parse_points_user_id(args: Mapping[str, str]) -> int | None:
    """``user_id``: whose points; None (the caller) when absent or empty."""
    raw = args.get("user_id")
    if raw is None or raw == "":
        return None
    if not DIGITS.fullmatch(raw) or not 0 < int(raw) <= MAX_ID:
        raise invalid_input({"user_id": "user_id 须为用户编号（正整数）"})
    return int(raw)
