"""What the visit endpoints send and accept (定期联络): visits and contact-due rows →
JSON-ready dicts, and the new-visit body → checked values, in the conventions of
:mod:`hgq.api.schemas`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from hgq.api.schemas import FieldChecker, iso
from hgq.cases.services import TEXT_MAX, TITLE_MAX
from hgq.visits.models import Visit, VisitMethod
from hgq.visits.queries import ContactDue

# -- visits (定期联络) -------------------------------------------------------------
MAX_PROBLEMS = 10
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(raw: object) -> date | None:
    """A YYYY-MM-DD string as a date, or None if it is not one."""
    if not isinstance(raw, str) or not DATE_PATTERN.fullmatch(raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def visit_to_dict(visit: Visit) -> dict[str, Any]:
    return {
        "id": visit.id,
        "enterprise_id": visit.enterprise_id,
        "enterprise_name": visit.enterprise.name,
        "visitor_id": visit.visitor_id,
        "visitor_name": visit.visitor.name,
        "date": visit.visited_on.isoformat(),
        "method": visit.method.value,
        "people_met": visit.people_met,
        "summary": visit.summary,
        "problems_found": visit.problems,
        "created_at": iso(visit.created_at),
        "case_ids": [case.id for case in visit.cases],
    }


@dataclass(frozen=True)
class NewProblem:
    title: str
    description: str
    category: str


@dataclass(frozen=True)
class NewVisit:
    enterprise_id: int
    visited_on: date
    method: VisitMethod
    summary: str
    people_met: str
    problems_found: str
    problems: list[NewProblem]


def _parse_problems(fields: FieldChecker) -> list[NewProblem]:
    raw = fields.data.get("problems")
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > MAX_PROBLEMS:
        fields.fail("problems", f"problems 须为不超过{MAX_PROBLEMS}项的数组")
        return []
    problems = []
    for index, item in enumerate(raw):
        prefix = f"problems[{index}]"
        if not isinstance(item, dict):
            fields.fail(prefix, "每个问题须为 JSON 对象")
            continue
        sub = FieldChecker(item)
        problem = NewProblem(
            sub.text("title", "问题标题", TITLE_MAX),
            sub.text("description", "问题的具体情况", TEXT_MAX),
            sub.text("category", "诉求类别", 30),
        )
        for name, message in sub.errors.items():
            fields.fail(f"{prefix}.{name}", f"问题{index + 1}：{message}")
        problems.append(problem)
    return problems


def parse_new_visit(body: Mapping[str, Any]) -> NewVisit:
    fields = FieldChecker(body)
    enterprise_id = fields.identifier("enterprise_id", "企业")
    visited_on = parse_date(body.get("date"))
    if visited_on is None:
        fields.fail("date", "请填写联络日期（YYYY-MM-DD）")
    method = fields.choice("method", "联络方式", VisitMethod)
    summary = fields.text("summary", "联络情况", TEXT_MAX)
    people_met = fields.text("people_met", "会见人员", 200, required=False)
    problems_found = fields.text("problems_found", "发现的问题", TEXT_MAX, required=False)
    problems = _parse_problems(fields)
    fields.check()
    return NewVisit(
        cast(int, enterprise_id),
        cast(date, visited_on),
        cast(VisitMethod, method),
        summary,
        people_met,
        problems_found,
        problems,
    )


def contact_due_to_dict(row: ContactDue) -> dict[str, Any]:
    return {
        "enterprise_id": row.enterprise_id,
        "name": row.name,
        "interval_days": row.interval_days,
        "last_contact_at": row.last_contact_on.isoformat() if row.last_contact_on else None,
        "last_contact_by": row.last_contact_by,
        "due_at": row.due_on.isoformat(),
        "status": row.status.value,
        "overdue": row.overdue,
    }
