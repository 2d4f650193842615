"""Points pages (积分考核): a person's points of a month or quarter with the source of
every entry and a subtotal per rule, his appeals (申诉) and their decisions, and the
rankings with the 红黑榜 and their .xlsx (built by :mod:`hgq.points.export`). The
assessors' pages (deciding appeals, manual adjustments) are on this blueprint too,
in :mod:`hgq.points.admin_views`.

Pages address a period as ``?period=2026-11`` or ``?period=2026-Q4`` (the current
month without it; a malformed or future one answers 404); ``?user_id=`` names the
person for those who may see his points (hgq.access decides who may).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from hgq import access
from hgq.accounts.models import Role, User
from hgq.audit.services import record_audit
from hgq.checklists.export_views import content_disposition
from hgq.deadlines.views import page_now
from hgq.errors import DomainError
from hgq.extensions import db
from hgq.points import queries, services
from hgq.points.export import describe_sources, workbook_bytes
from hgq.points.forms import AppealForm
from hgq.points.models import Appeal, PointEntry
from hgq.points.queries import Period
from hgq.points.rules import RULE_NAMES
from hgq.viewhelpers import refuse

bp = Blueprint("points", __name__, url_prefix="/points")

USER_ID = re.compile(r"[0-9]{1,12}")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RANKED_ROLES = {Role.OFFICER.value: "包保责任人", Role.LEADER.value: "包保领导"}


# -- periods --------------------------------------------------------------------------
def _month_index(text: str) -> int:
    """Months since year 0 of the period's first month (to order and shift periods)."""
    year, rest = text.split("-")
    if rest.startswith("Q"):
        return int(year) * 12 + (int(rest[1]) - 1) * 3
    return int(year) * 12 + int(rest) - 1


def shift_period(period: Period, steps: int) -> Period | None:
    """The month (or quarter) ``steps`` before or after ``period``."""
    year, rest = period.text.split("-")
    if rest.startswith("Q"):
        n = int(year) * 4 + int(rest[1]) - 1 + steps
        return queries.parse_period(f"{n // 4}-Q{n % 4 + 1}")
    n = int(year) * 12 + int(rest) - 1 + steps
    return queries.parse_period(f"{n // 12}-{n % 12 + 1:02d}")


@dataclass(frozen=True)
class PeriodNav:
    """The period shown, its neighbours (``next`` None when it would be in the future)
    and the picker's choices: this year's months and quarters so far."""

    period: Period
    current: Period
    prev: Period | None
    next: Period | None
    months: list[Period]
    quarters: list[Period]


def period_nav(period: Period) -> PeriodNav:
    current = queries.current_period(page_now())
    year, month = (int(part) for part in current.text.split("-"))
    months = [p for m in range(1, month + 1) if (p := queries.parse_period(f"{year}-{m:02d}"))]
    quarters = [
        p for q in range(1, (month - 1) // 3 + 2) if (p := queries.parse_period(f"{year}-Q{q}"))
    ]
    following = shift_period(period, 1)
    if following is not None and _month_index(following.text) > _month_index(current.text):
        following = None
    return PeriodNav(period, current, shift_period(period, -1), following, months, quarters)


def requested_period() -> Period:
    """``?period=`` (the current month without it); 404 if malformed or in the future."""
    now = page_now()
    text = request.args.get("period", "")
    if not text:
        return queries.current_period(now)
    period = queries.parse_period(text)
    current = queries.current_period(now)
    if period is None or _month_index(period.text) > _month_index(current.text):
        abort(404)
    return period


def requested_person() -> User:
    """Whose points: ``?user_id=`` (digits only, else 404) or the caller."""
    raw = request.args.get("user_id", "")
    if raw and not USER_ID.fullmatch(raw):
        abort(404)
    return access.access_points_person(current_user, int(raw) if raw else None)


def person_args(person: User) -> dict[str, Any]:
    return {} if person.id == current_user.id else {"user_id": person.id}


def names_of(ids: Iterable[int | None]) -> dict[int, str]:
    """User names by id, in one query (none for no ids)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(wanted))).all())


@dataclass(frozen=True)
class RuleSubtotal:
    code: str
    name: str
    count: int
    points: int


def subtotals(entries: Iterable[PointEntry]) -> list[RuleSubtotal]:
    """Per rule: how many entries and how many points — deductions first."""
    sums: dict[str, list[int]] = {}
    for entry in entries:
        count_points = sums.setdefault(entry.rule_code, [0, 0])
        count_points[0] += 1
        count_points[1] += entry.points
    rows = [
        RuleSubtotal(code, RULE_NAMES.get(code, code), count, points)
        for code, (count, points) in sums.items()
    ]
    return sorted(rows, key=lambda row: (row.points, row.name))


def corrections_of(entries: list[PointEntry]) -> dict[int, list[PointEntry]]:
    """entry id → the entries correcting it (in any month), oldest first; one query."""
    found: dict[int, list[PointEntry]] = {}
    if entries:
        stmt = (
            sa.select(PointEntry)
            .where(PointEntry.corrects_id.in_([e.id for e in entries]))
            .order_by(PointEntry.id)
        )
        for row in db.session.scalars(stmt):
            found.setdefault(row.corrects_id or 0, []).append(row)
    return found


# -- a person's points ----------------------------------------------------------------
def _render_person(
    person: User,
    period: Period,
    *,
    failed: tuple[int, AppealForm] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    entries = list(db.session.scalars(queries.select_entries(person.id, period)).unique())
    corrections = corrections_of(entries)
    appeals = queries.appeals_of(person.id)  # newest first
    appeal_of: dict[int, Appeal] = {}
    for a in appeals:
        appeal_of.setdefault(a.entry_id, a)
    mine = person.id == current_user.id
    # 申诉: his own entries, not corrections, still worth something, not yet appealed.
    appealable = {
        e.id
        for e in entries
        if mine
        and e.corrects_id is None
        and e.id not in appeal_of
        and e.points + sum(c.points for c in corrections.get(e.id, [])) != 0
    }
    forms = {entry_id: AppealForm(formdata=None) for entry_id in appealable}
    if failed is not None:
        forms[failed[0]] = failed[1]
    return render_template(
        "points/index.html",
        person=person,
        mine=mine,
        nav=period_nav(period),
        period=period,
        total=queries.total_for(person.id, period),
        entries=entries,
        subtotals=subtotals(entries),
        sources=describe_sources(entries, current_user.id),
        corrections=corrections,
        appeals=appeals,
        appeal_of=appeal_of,
        appeal_forms=forms,
        failed_entry=failed[0] if failed else None,
        names=names_of(a.decided_by_id for a in appeals),
        rule_names=RULE_NAMES,
        person_args=person_args(person),
        is_assessor=access.is_assessor(current_user),
    ), status


@bp.route("/")
@access.staff_required
def index() -> tuple[str, int]:
    return _render_person(requested_person(), requested_period())


@bp.post("/entries/<int:entry_id>/appeal")
@access.staff_required
def appeal(entry_id: int) -> Response | tuple[str, int]:
    """申诉 one of the caller's own entries."""
    entry = db.session.get(PointEntry, entry_id)
    if entry is None or entry.user_id != current_user.id:
        abort(404)
    period = queries.parse_period(entry.period)
    if period is None:
        abort(404)
    form = AppealForm()
    if form.validate_on_submit():
        try:
            services.file_appeal(
                entry, current_user._get_current_object(), form.reason.data or "", page_now()
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            db.session.commit()
            flash("已提交申诉，考核人员处理后会在本页显示结果。", "success")
            return redirect(url_for(".index", period=entry.period) + "#appeals")
    return _render_person(current_user, period, failed=(entry.id, form), status=400)


# -- rankings -------------------------------------------------------------------------
def requested_role() -> Role:
    raw = request.args.get("role", Role.OFFICER.value)
    if raw not in RANKED_ROLES:
        abort(404)
    return Role(raw)


def visible_people(user: User, user_ids: Iterable[int]) -> set[int]:
    """Of ``user_ids``, those whose points page ``user`` may open."""
    wanted = set(user_ids)
    if access.is_assessor(user):
        return wanted
    visible = {user.id} & wanted
    if user.has_role(Role.LEADER):
        team = access.select_team_officers(user).with_only_columns(User.id)
        visible |= set(db.session.scalars(team)) & wanted
    return visible


@bp.route("/rankings")
@access.staff_required
def rankings() -> str:
    period, role = requested_period(), requested_role()
    rows = queries.rankings(period, role)
    top, bottom = queries.red_black(period, role)
    return render_template(
        "points/rankings.html",
        nav=period_nav(period),
        period=period,
        role=role,
        roles=RANKED_ROLES,
        rows=rows,
        top=top,
        bottom=bottom,
        linked=visible_people(current_user, [row.user_id for row in rows]),
    )


@bp.route("/rankings.xlsx")
@access.staff_required
def rankings_xlsx() -> Response:
    """The ranking of the page (same period and role) as .xlsx, audited."""
    period, role = requested_period(), requested_role()
    rows = queries.rankings(period, role)
    title = f"{RANKED_ROLES[role.value]}积分排名 {period.label}"
    data = workbook_bytes(title, rows)
    record_audit(
        "points.export",
        actor=current_user,
        target_type="points_ranking",
        target_id=f"{period.text}/{role.value}",
        after={"period": period.text, "role": role.value, "format": "xlsx", "rows": len(rows)},
    )
    db.session.commit()
    fallback = f"points_{period.text}_{role.value}.xlsx"
    response = send_file(
        BytesIO(data), mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=fallback, max_age=0
    )
    response.headers["Content-Disposition"] = content_disposition(f"{title}.xlsx", fallback)
    response.headers["Cache-Control"] = "private, no-store"
    return response


from hgq.points import admin_views  # noqa: E402,F401  (the assessors' routes on this blueprint)
