"""Recording visits (定期联络), and the cases found during them. Check, change,
flush; the caller commits once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from hgq import access
from hgq.accounts.models import User
from hgq.cases.effects import check_text
from hgq.cases.models import Case, Category, Channel
from hgq.cases.services import TEXT_MAX, create_case
from hgq.enterprises.models import Enterprise
from hgq.errors import NotAllowed
from hgq.extensions import db
from hgq.timeutil import local_today
from hgq.visits.models import Visit, VisitMethod

PEOPLE_MAX = 200
EARLIEST = date(2000, 1, 1)

# The channel a case found during a visit is logged with.
METHOD_CHANNELS = {
    VisitMethod.ONSITE: Channel.ONSITE,
    VisitMethod.PHONE: Channel.PHONE,
    VisitMethod.VIDEO: Channel.OTHER,
    VisitMethod.MEETING: Channel.MEETING,
}


@dataclass(frozen=True)
class Problem:
    """A problem found during a visit, to become a case."""

    title: str
    description: str
    category: Category | None


def problem_field(index: int, name: str | None) -> str:
    """The name a refusal about problem ``index`` carries (the form's field name)."""
    return f"problems-{index}-{name or 'title'}"


def record_visit(
    *,
    visitor: User,
    enterprise: Enterprise,
    visited_on: date,
    method: VisitMethod,
    summary: str,
    people_met: str = "",
    problems_found: str = "",
    problems: Sequence[Problem] = (),
) -> tuple[Visit, list[Case]]:
    """Record a visit and create one case per problem, with the visitor as 首问 and
    the visit as its source. All or nothing: raises NotAllowed (naming the field,
    ``problems-<i>-<field>`` for a problem) and the caller rolls back.
    """
    if not access.can_log_visit(visitor, enterprise):
        raise NotAllowed("您不能登记该企业的走访联络", "enterprise_id")
    if visited_on > local_today():
        raise NotAllowed("走访日期不能晚于今天", "visited_on")
    if visited_on < EARLIEST:
        raise NotAllowed("走访日期无效", "visited_on")
    summary = check_text(summary, "summary", "联络情况", TEXT_MAX)
    people_met = (people_met or "").strip()
    if len(people_met) > PEOPLE_MAX:
        raise NotAllowed(f"会见人员不能超过{PEOPLE_MAX}字", "people_met")
    problems_found = (problems_found or "").strip()
    if len(problems_found) > TEXT_MAX:
        raise NotAllowed(f"发现的问题不能超过{TEXT_MAX}字", "problems_found")
    visit = Visit(
        enterprise=enterprise,
        visitor=visitor,
        visited_on=visited_on,
        method=method,
        people_met=people_met,
        summary=summary,
        problems=problems_found,
    )
    db.session.add(visit)
    db.session.flush()
    cases = []
    for index, problem in enumerate(problems):
        try:
            case = create_case(
                creator=visitor,
                enterprise=enterprise,
                title=problem.title,
                description=problem.description,
                category=problem.category,
                channel=METHOD_CHANNELS[method],
                visit_id=visit.id,
            )
        except NotAllowed as exc:
            raise NotAllowed(f"问题{index + 1}：{exc}", problem_field(index, exc.field)) from exc
        cases.append(case)
    return visit, cases
