"""``GET /api/v1/stats``: the three rates (响应率, 解决率, 满意率) and the escalation
rate by officer, leader, department, category or month, on the API's blueprint.

Who gets what (:func:`hgq.access.stats_filter_for`): committee and admin the whole
zone; a leader the cases of the enterprises he led at submission; an officer the
cases he received first (首问); both roles, both shares; anyone else 403.

Query: ``group_by`` (required: officer, leader, department, category or month),
``from`` and ``to`` (optional; YYYY-MM-DD or YYYY-MM). The statistics are kept by
submission month, so both are rounded to whole months. Every bad argument is named
in one 400 ``invalid_input``.

Answer: ``{"items": [...], "formulas": {...}, "group_by", "from", "to", "total"}``
— ``from``/``to`` the months counted (YYYY-MM, null when open), ``total`` the same
figures for all the caller's cases in those months, with counts by status and level
and the median days to resolve. Rates are fractions from 0 to 1, null where the
denominator is 0.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import g, request

from hgq import access
from hgq.accounts.models import User
from hgq.api.auth import token_required
from hgq.api.errors import ApiError
from hgq.api.schemas import FieldChecker
from hgq.api.views import bp
from hgq.stats.queries import (
    FORMULAS,
    GROUP_BY,
    Row,
    Summary,
    as_dict,
    breakdown,
    first_of_month,
    summary,
)

NO_STATS = "只有包保责任人、包保领导、工委管委和系统管理员可以查看统计数据"
MONTH_OR_DATE = re.compile(r"([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?")
# People are keyed by user id; the rows say so by name too.
USER_GROUPS = ("officer", "leader")


@dataclass(frozen=True)
class StatsQuery:
    group_by: str
    since: date | None
    until: date | None


def parse_month_or_date(raw: str) -> date | None:
    """``2026-11`` or ``2026-11-15`` → the first day of that month; None if neither."""
    match = MONTH_OR_DATE.fullmatch(raw.strip())
    if not match:
        return None
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        return first_of_month(date(year, month, day))
    except ValueError:
        return None


def _month_arg(fields: FieldChecker, name: str, label: str) -> date | None:
    raw = fields.data.get(name)
    if raw is None or raw == "":
        return None
    value = parse_month_or_date(raw)
    if value is None:
        fields.fail(name, f"{label}须为 YYYY-MM 或 YYYY-MM-DD 格式")
    return value


def parse_stats_query(args: Mapping[str, str]) -> StatsQuery:
    """The checked arguments; raises 400 ``invalid_input`` naming every bad one."""
    fields = FieldChecker(args)
    group_by = args.get("group_by") or ""
    if not group_by:
        fields.fail("group_by", f"请指定分组方式（group_by）：{'、'.join(GROUP_BY)}")
    elif group_by not in GROUP_BY:
        fields.fail("group_by", f"分组方式（group_by）无效，可选值：{'、'.join(GROUP_BY)}")
    since = _month_arg(fields, "from", "开始月份（from）")
    until = _month_arg(fields, "to", "结束月份（to）")
    if since and until and until < since:
        fields.fail("to", "结束月份（to）不能早于开始月份（from）")
    fields.check()
    return StatsQuery(group_by, since, until)


def _month_text(day: date | None) -> str | None:
    return f"{day.year:04d}-{day.month:02d}" if day else None


def row_to_dict(row: Row, group_by: str) -> dict[str, Any]:
    item = as_dict(row)
    if group_by in USER_GROUPS:
        item["user_id"] = row.key or None  # 0 (未指定) is nobody
    return item


def summary_to_dict(total: Summary) -> dict[str, Any]:
    item = as_dict(total)
    item["by_level"] = {str(level): n for level, n in total.by_level.items()}
    return item


@bp.get("/stats")
@token_required
def stats() -> dict[str, Any]:
    """The caller's share of the statistics, grouped; see the module docstring."""
    user: User = g.api_user
    if not access.can_view_stats(user):
        raise ApiError(403, "forbidden", NO_STATS)
    query = parse_stats_query(request.args)
    flt = access.stats_filter_for(user, since=query.since, until=query.until)
    if flt is None:  # can_view_stats said yes; kept in step with it
        raise ApiError(403, "forbidden", NO_STATS)
    return {
        "items": [row_to_dict(row, query.group_by) for row in breakdown(flt, query.group_by)],
        "formulas": FORMULAS,
        "group_by": query.group_by,
        "from": _month_text(query.since),
        "to": _month_text(query.until),
        "total": summary_to_dict(summary(flt)),
    }
