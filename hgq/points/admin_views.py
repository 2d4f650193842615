"""The assessors' points pages: appeals (申诉) to decide and manual adjustments (人工调整)
on ``/points`` for admin and committee, and the point rules (积分规则) on
``/admin/points`` for the administrator — in force, scheduled and earlier versions.

A rule is never edited in place: a change is scheduled from a date (today or later)
and :func:`hgq.points.services.change_rule` adds it as a new version, audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from hgq import access
from hgq.accounts.models import Role, User
from hgq.accounts.queries import select_active_with_role
from hgq.deadlines.views import page_now
from hgq.errors import DomainError
from hgq.extensions import db
from hgq.points import queries, services
from hgq.points.export import describe_sources
from hgq.points.forms import AdjustForm, DecideForm, RuleForm, person_choices
from hgq.points.models import Appeal, AppealStatus, PointRule
from hgq.points.rules import DEFAULT_RULES, PSEUDO_CODES, RULE_NAMES
from hgq.points.views import USER_ID
from hgq.points.views import bp as points_bp
from hgq.timeutil import local_today
from hgq.viewhelpers import paginate, refuse

bp = Blueprint("admin_points", __name__, url_prefix="/admin/points")

ASSESSORS = (Role.ADMIN, Role.COMMITTEE)


# -- appeals -----------------------------------------------------------------------------
def _decide_form(appeal: Appeal, *, posted: bool = False) -> DecideForm:
    """The form of one pending appeal; the prefix keeps the rows' inputs apart."""
    prefix = f"a{appeal.id}"
    if posted:
        return DecideForm(prefix=prefix)
    return DecideForm(formdata=None, prefix=prefix, version=appeal.version)


def _render_appeals(
    failed: tuple[int, DecideForm] | None = None, status: int = 200
) -> tuple[str, int]:
    pending = queries.pending_appeals()
    decided = paginate(
        sa.select(Appeal)
        .where(Appeal.status != AppealStatus.PENDING)
        .options(
            selectinload(Appeal.entry), selectinload(Appeal.user), selectinload(Appeal.decided_by)
        )
        .order_by(Appeal.decided_at.desc(), Appeal.id.desc())
    )
    forms = {a.id: _decide_form(a) for a in pending}
    if failed is not None:
        forms[failed[0]] = failed[1]
    return render_template(
        "points/appeals.html",
        pending=pending,
        decided=decided,
        forms=forms,
        failed=failed[0] if failed else None,
        rule_names=RULE_NAMES,
        sources=describe_sources([a.entry for a in [*pending, *decided.items]], current_user.id),
    ), status


@points_bp.route("/appeals")
@access.roles_required(*ASSESSORS)
def appeals() -> tuple[str, int]:
    """Pending appeals first (oldest first), with a form each; decided ones below."""
    return _render_appeals()


@points_bp.post("/appeals/<int:appeal_id>")
@access.roles_required(*ASSESSORS)
def decide(appeal_id: int) -> Response | tuple[str, int]:
    """维持 or 撤销 (a correcting entry) one appeal."""
    appeal = db.get_or_404(Appeal, appeal_id)
    form = _decide_form(appeal, posted=True)
    if form.validate_on_submit():
        try:
            services.decide_appeal(
                appeal,
                current_user._get_current_object(),
                reverse=form.reverses,
                decision=form.decision.data or "",
                now=page_now(),
                expected_version=form.loaded_version(),
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            db.session.commit()
            verdict = "撤销该项积分" if form.reverses else "维持原分"
            flash(f"已处理{appeal.user.name}的申诉：{verdict}。", "success")
            return redirect(url_for("points.appeals"))
    return _render_appeals((appeal.id, form), 400)


# -- manual adjustments -------------------------------------------------------------------
def _people() -> list[User]:
    """Active officers and leaders, by name, each once."""
    people: dict[int, User] = {}
    for role in (Role.OFFICER, Role.LEADER):
        for user in db.session.scalars(select_active_with_role(role)):
            people.setdefault(user.id, user)
    return sorted(people.values(), key=lambda u: (u.name, u.id))


@points_bp.route("/adjust", methods=["GET", "POST"])
@access.roles_required(*ASSESSORS)
def adjust() -> Response | tuple[str, int]:
    """人工调整: add or take points from an officer or leader, with the reason; then
    that person's page."""
    form = AdjustForm()
    form.person_id.choices = person_choices(
        [(u.id, f"{u.name}（{'、'.join(u.role_labels)}）") for u in _people()]
    )
    if request.method == "GET" and USER_ID.fullmatch(request.args.get("user_id", "")):
        form.person_id.data = int(request.args["user_id"])
    if form.validate_on_submit():
        person_id = form.person_id.data
        person = db.session.get(User, person_id) if person_id and person_id < 2**31 else None
        try:
            if person is None:
                raise DomainError("请选择人员", "person_id")
            entry = services.adjust(
                person,
                form.points.data or 0,
                form.reason.data or "",
                current_user._get_current_object(),
                page_now(),
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            db.session.commit()
            flash(f"已为{person.name}调整 {entry.points:+d} 分：{form.reason.data}", "success")
            return redirect(url_for("points.index", user_id=person.id, period=entry.period))
    status = 400 if form.errors else 200
    return render_template("points/adjust.html", form=form), status


# -- rules (admin) ----------------------------------------------------------------------------
@dataclass
class RuleLine:
    """One rule's versions: the one in force today, those scheduled, earlier ones."""

    code: str
    name: str
    current: PointRule | None = None
    scheduled: list[PointRule] = field(default_factory=list)
    history: list[PointRule] = field(default_factory=list)


def rule_lines(today: date) -> list[RuleLine]:
    """Every rule (those never stored too), in the order of DEFAULT_RULES."""
    lines = {code: RuleLine(code, RULE_NAMES[code]) for code in DEFAULT_RULES}
    versions = db.session.scalars(
        sa.select(PointRule)
        .options(selectinload(PointRule.created_by))
        .order_by(PointRule.code, PointRule.active_from)
    )
    for rule in versions:
        if rule.code in PSEUDO_CODES:
            continue
        line = lines.setdefault(
            rule.code, RuleLine(rule.code, RULE_NAMES.get(rule.code, rule.name))
        )
        if rule.active_from > today:
            line.scheduled.append(rule)
        else:
            if line.current is not None:
                line.history.insert(0, line.current)
            line.current = rule
    return list(lines.values())


def _first_of_next_month(today: date) -> date:
    return (today.replace(day=1) + timedelta(days=32)).replace(day=1)


@bp.route("/rules")
@access.admin_required
def rules() -> str:
    today = local_today()
    return render_template(
        "admin/points/rules.html", lines=rule_lines(today), today=today, defaults=DEFAULT_RULES
    )


@bp.route("/rules/<rule_code>", methods=["GET", "POST"])
@access.admin_required
def edit_rule(rule_code: str) -> Response | tuple[str, int]:
    """Schedule a change of one rule from a date (today or later)."""
    today = local_today()
    line = next((line for line in rule_lines(today) if line.code == rule_code), None)
    if line is None:
        abort(404)
    base = line.scheduled[-1] if line.scheduled else line.current
    defaults: dict[str, Any] = {
        "active_from": _first_of_next_month(today),
        "points": DEFAULT_RULES.get(rule_code, 0),
    }
    if base is not None:
        defaults |= {
            "points": base.points,
            "monthly_cap": base.monthly_cap,
            "enabled": base.enabled,
        }
    form = RuleForm(**defaults)  # the posted values win over these
    if form.validate_on_submit():
        try:
            rule = services.change_rule(
                rule_code,
                points=form.points.data or 0,
                monthly_cap=form.monthly_cap.data,
                active_from=form.active_from.data,  # type: ignore[arg-type]
                enabled=form.enabled.data,
                actor=current_user._get_current_object(),
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            db.session.commit()
            flash(f"已设置“{line.name}”自 {rule.active_from:%Y-%m-%d} 起的计分。", "success")
            return redirect(url_for(".rules") + f"#rule-{rule_code}")
    status = 400 if form.errors else 200
    return render_template(
        "admin/points/rule_form.html", form=form, line=line, today=today, defaults=DEFAULT_RULES
    ), status
