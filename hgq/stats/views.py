"""统计看板: the three rates, counts, trends and breakdowns for the zone (committee and
admin), a leader's enterprises or an officer's own cases, with exports to .xlsx.

Who sees what is decided in :func:`scope_of` alone; the filters (months, category,
officer, leader) only ever narrow that scope.
"""

from __future__ import annotations

import dataclasses
from io import BytesIO
from urllib.parse import quote

from flask import Blueprint, abort, render_template, request, send_file
from flask_login import current_user
from werkzeug.wrappers import Response

from hgq import access
from hgq.accounts.models import Role, User
from hgq.accounts.queries import select_active_with_role
from hgq.audit.services import record_audit
from hgq.cases import queries as cq
from hgq.deadlines.views import page_now
from hgq.extensions import db
from hgq.stats import charts, composite, export, queries
from hgq.stats.dashboard import (
    KEY_LABELS,
    LEADER,
    OFFICER,
    TAB_LABELS,
    ZONE,
    Scope,
    gather,
    month_key,
    month_list,
    narrow,
)
from hgq.stats.forms import DashboardArgs, month_text
from hgq.stats.tables import month_label
from hgq.timeutil import local_today, zone

bp = Blueprint("stats", __name__, url_prefix="/stats")

STATS_ROLES = (Role.COMMITTEE, Role.ADMIN, Role.LEADER, Role.OFFICER)
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AUDIT_ACTION = "stats.export"


def scope_of(user: User) -> Scope:
    """Committee and admin see the zone, a leader the enterprises he leads (and, an
    officer too, his own cases as well), an officer his own cases (hgq.access)."""
    if not access.can_view_stats(user):
        abort(403)
    if user.has_role(Role.COMMITTEE, Role.ADMIN):
        return Scope(ZONE)
    if user.has_role(Role.LEADER):
        return Scope(LEADER, user.id, also_officer=user.has_role(Role.OFFICER))
    return Scope(OFFICER, user.id)


def _stats_filter(args: DashboardArgs, scope: Scope) -> queries.StatsFilter:
    """The rollup filter: the user's share from hgq.access, narrowed by the filters."""
    base = access.stats_filter_for(
        current_user, since=args.first, until=args.last, category_id=args.category_id
    )
    if base is None:
        abort(403)
    return narrow(base, args, scope)


def _choices(scope: Scope) -> dict[str, list[tuple[int, str]]]:
    """The filter menus: categories, and the officers and leaders within the scope."""
    categories = db.session.scalars(cq.select_categories(active_only=False)).all()
    out: dict[str, list[tuple[int, str]]] = {
        "categories": [(c.id, c.name) for c in categories],
        "officers": [],
        "leaders": [],
    }
    if scope.kind == ZONE:
        for key, role in (("officers", Role.OFFICER), ("leaders", Role.LEADER)):
            users = db.session.scalars(select_active_with_role(role)).all()
            out[key] = [(u.id, u.name) for u in users]
    return out


def _args(scope: Scope) -> DashboardArgs:
    """The filters asked for, without those the scope does not offer: officer and
    leader are the zone's (one of them: an officer wins)."""
    args = DashboardArgs.parse(request.args, local_today())
    if scope.kind != ZONE:
        return dataclasses.replace(args, officer_id=None, leader_id=None)
    if args.officer_id is not None:
        return dataclasses.replace(args, leader_id=None)
    return args


def _filter_notes(args: DashboardArgs, scope: Scope, choices: dict[str, list]) -> list[str]:  # type: ignore[type-arg]
    names = {key: dict(values) for key, values in choices.items()}
    notes = [f"范围：{scope.label}", f"统计区间：{args.label}（按诉求提交月份）"]
    for key, value, label in (
        ("categories", args.category_id, "诉求类别"),
        ("officers", args.officer_id, "包保责任人"),
        ("leaders", args.leader_id, "包保领导"),
    ):
        if value is not None:
            notes.append(f"{label}：{names[key].get(value, value)}")
    return notes


@bp.route("/")
@access.roles_required(*STATS_ROLES)
def index() -> str:
    scope = scope_of(current_user)
    choices = _choices(scope)
    args = _args(scope)
    board = gather(args, scope, _stats_filter(args, scope), local_today())
    specs = {
        "chart-trend": charts.trend(board.months),
        "chart-status": charts.status_pie(board.summary.by_status),
        "chart-level": charts.level_bar(board.summary.by_level),
    }
    if "category" in board.breakdowns:
        specs["chart-category"] = charts.category_bar(board.breakdowns["category"])
    return render_template(
        "stats/index.html",
        board=board,
        args=args,
        scope=scope,
        choices=choices,
        notes=_filter_notes(args, scope, choices),
        query=args.query_args(),
        specs=specs,
        statuses=charts.status_counts(board.summary.by_status),
        levels=charts.level_counts(board.summary.by_level),
        tab_labels=TAB_LABELS,
        key_labels=KEY_LABELS,
        modes=composite.MODES,
        month_text=month_text,
        can_edit_rule=current_user.has_role(Role.ADMIN),
    )


def _sheet(table: str, args: DashboardArgs, scope: Scope, notes: list[str]) -> export.Sheet:
    flt = _stats_filter(args, scope)
    title = f"统计看板 · {export.table_title(table)} · {scope.label} · {args.label}"
    if table in export.COUNT_TABLES:
        summary = queries.summary(flt)
        counts = summary.by_status if table == "status" else summary.by_level
        return export.count_sheet(table, counts, title=title, notes=notes)
    rule = composite.current_rule()
    rows = queries.breakdown(flt, table)
    if table != "month":
        return export.rate_sheet(table, rows, rule, title=title, notes=notes)
    by_month = {month_key(row.key): row for row in rows}
    months = month_list(args.first, args.last)
    several = args.first.year != args.last.year
    return export.rate_sheet(
        table,
        [by_month.get(m) for m in months],
        rule,
        title=title,
        notes=notes,
        labels=[month_label(m, several) for m in months],
    )


@bp.route("/export.xlsx")
@access.roles_required(*STATS_ROLES)
def export_xlsx() -> Response:
    """One table of the dashboard, with the page's filters (``table`` = officer, leader,
    department, category, month, status or level), audited as stats.export."""
    scope = scope_of(current_user)
    table = request.args.get("table", "")
    allowed = (*scope.tabs, "month", *export.COUNT_TABLES)
    if table not in allowed:
        abort(404)
    choices = _choices(scope)
    args = _args(scope)
    sheet = _sheet(table, args, scope, _filter_notes(args, scope, choices))
    data = export.workbook_bytes(sheet, queries.FORMULAS, page_now().astimezone(zone()))
    record_audit(
        AUDIT_ACTION,
        actor=current_user._get_current_object(),
        target_type="stats",
        target_id=table,
        after={"table": table, "scope": scope.kind, **args.query_args(), "rows": len(sheet.rows)},
    )
    db.session.commit()
    span = month_text(args.first)
    if args.last != args.first:
        span += f"_{month_text(args.last)}"
    name = f"统计_{export.table_title(table)}_{span}.xlsx"
    fallback = f"stats_{table}_{span}.xlsx"
    response = send_file(
        BytesIO(data), mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=fallback, max_age=0
    )
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
