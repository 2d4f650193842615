"""Query strings of the list endpoints → checked filters and paging. Like the body
parsers in :mod:`hgq.api.schemas`, every bad argument is collected before a 400
``invalid_input`` names them all."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hgq.api.schemas import (
    DIGITS,
    FALSE_VALUES,
    MAX_ID,
    MAX_PAGE,
    MAX_PER_PAGE,
    Q_MAX,
    TRUE_VALUES,
    FieldChecker,
    text_problem,
)
from hgq.api.visit_schemas import parse_date
from hgq.cases.models import CaseStatus
from hgq.cases.queries import LIGHT_VALUES


# -- input: query strings -------------------------------------------------------
def _query_int(fields: FieldChecker, name: str, label: str, low: int, high: int) -> int | None:
    raw = fields.data.get(name)
    if raw is None or raw == "":
        return None
    if not DIGITS.fullmatch(raw) or not low <= int(raw) <= high:
        fields.fail(name, f"{label}须为{low}到{high}之间的整数")
        return None
    return int(raw)


def _query_text(fields: FieldChecker, name: str, label: str) -> str:
    raw = fields.data.get(name) or ""
    problem = text_problem(raw, label, Q_MAX)
    if problem:
        fields.fail(name, problem)
        return ""
    return raw.strip()


@dataclass(frozen=True)
class ListQuery:
    page: int
    per_page: int
    q: str = ""
    filters: dict[str, Any] = field(default_factory=dict)
    # Cases only: the light and 督办 filters (hgq.cases.queries.filter_deadlines).
    deadline_filters: dict[str, Any] = field(default_factory=dict)


def _list_query(
    fields: FieldChecker, default_per_page: int, filters: dict[str, Any] | None = None
) -> ListQuery:
    """``page`` (from 1), ``per_page`` (1–100) and ``q``; refuses if any field is bad."""
    page = _query_int(fields, "page", "页码（page）", 1, MAX_PAGE) or 1
    per_page = _query_int(fields, "per_page", "每页条数（per_page）", 1, MAX_PER_PAGE)
    q = _query_text(fields, "q", "搜索内容（q）")
    fields.check()
    return ListQuery(page, per_page or min(default_per_page, MAX_PER_PAGE), q, filters or {})


def parse_enterprise_query(args: Mapping[str, str], default_per_page: int) -> ListQuery:
    return _list_query(FieldChecker(args), default_per_page)


def _query_bool(fields: FieldChecker, name: str, label: str) -> bool | None:
    raw = fields.data.get(name)
    if raw is None or raw == "":
        return None
    if raw in TRUE_VALUES:
        return True
    if raw in FALSE_VALUES:
        return False
    fields.fail(name, f"{label}须为 true 或 false（也接受 1 或 0）")
    return None


def _query_light(fields: FieldChecker) -> str | None:
    raw = fields.data.get("light")
    if raw is None or raw == "":
        return None
    if raw in LIGHT_VALUES:
        return raw
    fields.fail("light", f"期限状态（light）无效，可选值：{'、'.join(LIGHT_VALUES)}")
    return None


def parse_case_query(
    args: Mapping[str, str], default_per_page: int, *, staff: bool = True
) -> ListQuery:
    """Filters of the case list: ``status``, ``level``, ``enterprise_id``, ``q``, and
    on the deadline ``light`` (green, yellow, red) and ``urged`` (true or false; staff
    only, 督办 being internal)."""
    fields = FieldChecker(args)
    if not staff and args.get("urged"):
        fields.fail("urged", "督办（urged）筛选仅供工作人员使用")
    status = None
    if args.get("status"):
        status = fields.choice("status", "状态（status）", CaseStatus)
    filters = {
        "status": status,
        "level": _query_int(fields, "level", "级别（level）", 1, 3),
        "enterprise_id": _query_int(
            fields, "enterprise_id", "企业编号（enterprise_id）", 1, MAX_ID
        ),
    }
    deadline_filters = {
        "light": _query_light(fields),
        "urged": _query_bool(fields, "urged", "督办（urged）"),
    }
    query = _list_query(fields, default_per_page, filters)
    return ListQuery(query.page, query.per_page, query.q, filters, deadline_filters)


@dataclass(frozen=True)
class VisitQuery:
    page: int
    per_page: int
    enterprise_id: int | None
    since: date | None
    until: date | None


def _query_date(fields: FieldChecker, name: str, label: str) -> date | None:
    raw = fields.data.get(name)
    if raw is None or raw == "":
        return None
    value = parse_date(raw)
    if value is None:
        fields.fail(name, f"{label}须为 YYYY-MM-DD 格式的日期")
    return value


def parse_visit_query(args: Mapping[str, str], default_per_page: int) -> VisitQuery:
    """Filters of the visit list: ``enterprise_id``, ``from`` and ``to`` (dates,
    inclusive), and paging."""
    fields = FieldChecker(args)
    enterprise_id = _query_int(fields, "enterprise_id", "企业编号（enterprise_id）", 1, MAX_ID)
    since = _query_date(fields, "from", "开始日期（from）")
    until = _query_date(fields, "to", "结束日期（to）")
    if since and until and since > until:
        fields.fail("to", "结束日期（to）不能早于开始日期（from）")
    page = _query_int(fields, "page", "页码（page）", 1, MAX_PAGE) or 1
    per_page = _query_int(fields, "per_page", "每页条数（per_page）", 1, MAX_PER_PAGE)
    fields.check()
    return VisitQuery(
        page, per_page or min(default_per_page, MAX_PER_PAGE), enterprise_id, since, until
    )
