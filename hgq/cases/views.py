"""Case pages: lists and queues for staff, the case page with its timeline and actions."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from hgq import access
from hgq.accounts.models import Role
from hgq.cases import queries, services
from hgq.cases.forms import CaseActionForm, CaseForm
from hgq.cases.models import (
    LEVEL_LABELS,
    RESOLUTION_LABELS,
    SATISFACTION_LABELS,
    STATUS_LABELS,
    Case,
    CaseStatus,
    Category,
)
from hgq.cases.workflow import ACTION_LABELS, RULES, Action, ActionNotAllowed, available_actions
from hgq.db import utcnow
from hgq.deadlines.views import page_now
from hgq.enterprises.models import Enterprise, Project
from hgq.errors import DomainError, VersionConflict
from hgq.extensions import db
from hgq.viewhelpers import paginate, refuse

bp = Blueprint("cases", __name__)

STATUS_VALUES = frozenset(s.value for s in CaseStatus)
SCOPES = {"todo": "我的待办", "owned": "我首问的", "all": "全部可见"}
# Filters on the deadline: the traffic light, and 督办.
LIGHT_FILTERS = {"green": "正常", "yellow": "即将到期", "red": "已超期"}
URGED_FILTERS = {"1": "督办件"}

# What each action does, in plain words, and what its text input is for.
# (label of the text input, help shown above the form)
ACTION_GUIDE: dict[Action, tuple[str, str]] = {
    Action.ACCEPT: ("受理说明（选填）", "确认接手办理该诉求。受理即视为已回应企业。"),
    Action.REPLY: ("回复内容", "向企业答复办理进展、所需材料或初步意见，企业可以看到。"),
    Action.ESCALATE: ("升级理由", ""),  # the help depends on the level, see _guide
    Action.RESOLVE: (
        "答复企业的办理结果",
        "记录办理结果并正式答复企业；企业评价后归档，评价“不满意”将退回重办。",
    ),
    Action.RATE: ("评价意见（选填）", "请对本次办理结果进行评价。选择“不满意”将退回重新办理。"),
    Action.REOPEN: ("重办原因", ""),  # depends on who reopens, see _guide
    Action.CLOSE: (
        "归档说明（选填）",
        "企业未评价时直接归档，记为“未评价”；企业之后仍可在30天内申请重办。",
    ),
    Action.REJECT: (
        "答复企业的理由",
        "诉求不属于受理范围时使用，必须向企业说明理由和可以求助的渠道。",
    ),
    Action.WITHDRAW: (
        "撤回原因（选填）",
        "问题已自行解决或不再需要办理时撤回，撤回后不再办理。",
    ),
    Action.NOTE: ("备注内容", "记录内部办理情况，仅工作人员可见，企业看不到。"),
    Action.URGE: ("督办意见", "督促承办人加快办理；承办人会收到提醒，列表中标记为“督办”。"),
    Action.REQUEST_EXTENSION: (
        "延期理由",
        "办理期限不够时向上一级申请延期；批准后期限顺延，不批准则期限不变。",
    ),
    Action.APPROVE_EXTENSION: ("批准意见（选填）", "同意延期，办理期限按申请的工作日数顺延。"),
    Action.REFUSE_EXTENSION: ("不批准理由", "不同意延期，办理期限不变，承办人会收到通知。"),
    Action.PAUSE: (
        "挂起原因（企业可见）",
        "等待企业补充材料或现场条件时暂停计时；恢复办理后期限按挂起的工作日顺延。",
    ),
    Action.RESUME: ("恢复说明（选填）", "企业材料已齐或条件具备，恢复计时继续办理。"),
}
# Labels of the values stored in events (actions other modules add fall back to the code).
LABELS = {
    "action": {a.value: label for a, label in ACTION_LABELS.items()},
    "resolution": {r.value: label for r, label in RESOLUTION_LABELS.items()},
    "satisfaction": {s.value: label for s, label in SATISFACTION_LABELS.items()},
}
# The order the panel lists actions in (the internal note last).
DISPLAY_ORDER = (
    Action.RATE,
    Action.ACCEPT,
    Action.REPLY,
    Action.RESOLVE,
    Action.ESCALATE,
    Action.REOPEN,
    Action.CLOSE,
    Action.REJECT,
    Action.WITHDRAW,
    Action.RESUME,
    Action.PAUSE,
    Action.REQUEST_EXTENSION,
    Action.APPROVE_EXTENSION,
    Action.REFUSE_EXTENSION,
    Action.URGE,
    Action.NOTE,
)
# Which action leads the panel when several are available.
PRIMARY_ORDER = (
    Action.RATE,
    Action.ACCEPT,
    Action.RESOLVE,
    Action.CLOSE,
    Action.REOPEN,
    Action.REPLY,
    Action.WITHDRAW,
)


# -- lists ----------------------------------------------------------------------
def _has_todo() -> bool:
    """Officers, leaders and the committee handle cases; a pure admin only looks."""
    return bool(current_user.has_role(Role.OFFICER, Role.LEADER, Role.COMMITTEE))


def _scoped(scope: str) -> sa.Select[tuple[Case]]:
    if scope == "todo":
        return queries.select_todo_for(current_user)
    stmt = access.select_visible_cases(current_user)
    if scope == "owned":
        return queries.filter_first_owned(stmt, current_user.id)
    return stmt


def _filters() -> dict[str, object]:
    status = request.args.get("status", "")
    level = request.args.get("level", type=int)
    return {
        "status": CaseStatus(status) if status in STATUS_VALUES else None,
        "level": level if level in LEVEL_LABELS else None,
        "category_id": request.args.get("category", type=int),
        "enterprise_id": request.args.get("enterprise", type=int),
        "q": request.args.get("q", "").strip()[:100],
    }


def _deadline_filters() -> dict[str, object]:
    """The light and 督办 filters; values the page does not offer are ignored."""
    light = request.args.get("light", "")
    return {
        "light": light if light in LIGHT_FILTERS else None,
        "urged": True if request.args.get("urged") in URGED_FILTERS else None,
    }


@bp.route("/cases/")
@access.roles_required(Role.OFFICER, Role.LEADER, Role.COMMITTEE, Role.ADMIN)
def index() -> str:
    has_todo = _has_todo()
    scope = request.args.get("scope") or ("todo" if has_todo else "all")
    if scope not in SCOPES or (scope == "todo" and not has_todo):
        scope = "all"
    filters = _filters()
    deadline_filters = _deadline_filters()
    stmt = queries.filter_cases(_scoped(scope), **filters)  # type: ignore[arg-type]
    stmt = queries.filter_deadlines(stmt, **deadline_filters, now=page_now())  # type: ignore[arg-type]
    page = paginate(queries.with_list_relations(stmt))
    todo_count = db.session.scalar(queries.count_of(_scoped("todo"))) if has_todo else None
    return render_template(
        "cases/index.html",
        page=page,
        scope=scope,
        scopes={k: v for k, v in SCOPES.items() if k != "todo" or has_todo},
        todo_count=todo_count,
        filters={**filters, **deadline_filters},
        light_filters=LIGHT_FILTERS,
        statuses=STATUS_LABELS,
        levels=LEVEL_LABELS,
        categories=db.session.scalars(queries.select_categories(active_only=False)).all(),
        enterprises=db.session.scalars(
            access.select_visible_enterprises(current_user).order_by(Enterprise.name)
        ).all(),
    )


# -- logging a request ----------------------------------------------------------
def _case_form(enterprise: Enterprise) -> CaseForm:
    form = CaseForm()
    categories = db.session.scalars(queries.select_categories()).all()
    form.category.choices = [
        SelectChoice("", "请选择…"),
        *(SelectChoice(str(c.id), c.name) for c in categories),
    ]
    form.project_id.choices = [
        SelectChoice("", "不涉及重点项目"),
        *(SelectChoice(str(p.id), p.name) for p in enterprise.projects),
    ]
    return form


@bp.route("/enterprises/<int:enterprise_id>/cases/new", methods=["GET", "POST"])
@access.staff_required
def new(enterprise_id: int) -> str | Response:
    enterprise = access.access_enterprise(current_user, enterprise_id)
    if not access.can_create_case_for(current_user, enterprise):
        abort(403)
    form = _case_form(enterprise)
    if form.validate_on_submit():
        category_id = form.category.data
        try:
            case = services.create_case(
                creator=current_user._get_current_object(),
                enterprise=enterprise,
                title=form.title.data or "",
                description=form.description.data or "",
                category=db.session.get(Category, category_id) if category_id else None,
                channel=form.channel.data,
                urgency=form.urgency.data,
                project=db.session.get(Project, form.project_id.data)
                if form.project_id.data
                else None,
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            db.session.commit()
            flash(f"已登记诉求，编号 {case.code}。", "success")
            return redirect(url_for(".detail", case_id=case.id))
    return render_template("cases/new.html", form=form, enterprise=enterprise), (
        400 if form.errors else 200
    )


# -- the case page --------------------------------------------------------------
def _guide(action: Action, case: Case, is_enterprise: bool) -> tuple[str, str]:
    label, help_text = ACTION_GUIDE[action]
    if action is Action.ESCALATE:
        help_text = (
            "提交包保领导会商协调（升至第二级），由包保领导承办。升级理由仅内部可见。"
            if case.level == 1
            else "提请工委管委集中研究（升至第三级）。升级理由仅内部可见。"
        )
    elif action is Action.REOPEN:
        help_text = (
            "问题没有真正解决？申请重办，案件将退回承办人重新办理。"
            if is_enterprise
            else "回访发现问题未解决时使用，案件退回承办人重新办理。"
        )
    return label, help_text


def _primary(actions: list[Action]) -> Action | None:
    return next((a for a in PRIMARY_ORDER if a in actions), actions[0] if actions else None)


def _render_case(
    case: Case, form: CaseActionForm, failed: Action | None = None, status: int = 200
) -> tuple[str, int]:
    user = current_user._get_current_object()
    is_enterprise = user.has_role(Role.ENTERPRISE)
    allowed = available_actions(case, access.case_relations(user, case), utcnow())
    actions = sorted(allowed, key=lambda a: DISPLAY_ORDER.index(a) if a in DISPLAY_ORDER else 99)
    events = db.session.scalars(queries.select_events(case.id, for_enterprise=is_enterprise)).all()
    guides = {a: _guide(a, case, is_enterprise) for a in actions}
    # The deadline history is internal: staff only.
    deadlines = (
        [] if is_enterprise else db.session.scalars(queries.select_deadline_history(case.id)).all()
    )
    page = render_template(
        "cases/detail.html",
        case=case,
        events=events,
        deadlines=deadlines,
        actions=actions,
        guides=guides,
        labels=LABELS,
        rules=RULES,
        primary=failed if failed in actions else _primary(actions),
        failed=failed,
        form=form,
        is_enterprise=is_enterprise,
        can_upload=access.can_upload_attachment(user, case),
    )
    return page, status


@bp.route("/cases/<int:case_id>")
@access.signed_in
def detail(case_id: int) -> tuple[str, int]:
    case = access.access_case(current_user, case_id)
    return _render_case(case, CaseActionForm(formdata=None))


def _refusal_status(exc: DomainError) -> int:
    if isinstance(exc, VersionConflict):
        return 409
    if isinstance(exc, ActionNotAllowed):
        return {"forbidden": 403, "invalid_transition": 409}.get(exc.code, 400)
    return 400


@bp.post("/cases/<int:case_id>/actions")
@access.signed_in
def act(case_id: int) -> Response | tuple[str, int]:
    """Take one action. A refusal re-renders the case page with what the user typed."""
    case = access.access_case(current_user, case_id)
    form = CaseActionForm()
    try:
        action: Action | None = services.parse_action(form.action.data)
    except ActionNotAllowed:
        action = None
    if not form.validate_on_submit():
        flash("提交的内容有误，请按提示修改后重新提交。", "danger")
        return _render_case(case, form, action, 400)
    try:
        if action is None:
            action = services.parse_action(form.action.data)  # raises, naming the code
        payload = form.payload()
        services.perform_action(
            case,
            action,
            current_user._get_current_object(),
            expected_version=form.loaded_version(),
            note=payload.pop("note"),
            **payload,
        )
    except DomainError as exc:
        refuse(form, exc)
        flash(str(exc), "warning" if isinstance(exc, VersionConflict) else "danger")
        return _render_case(case, form, action, _refusal_status(exc))
    db.session.commit()
    flash(f"已{action.label}：{case.code}，案件现为“{case.status.label}”。", "success")
    return redirect(url_for(".detail", case_id=case.id))
