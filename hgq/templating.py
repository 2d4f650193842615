"""Template filters and globals: local time display, navigation, labels."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import Flask, request, url_for
from flask_login import current_user

from hgq.access.security import can_manage_security, can_read_audit
from hgq.accounts.models import STAFF_ROLES, Role, User
from hgq.timeutil import to_local


def format_datetime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time as the zone's local time (Asia/Shanghai)."""
    local = to_local(value)
    return local.strftime(fmt) if local else ""


def format_date(value: date | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def url_with(**changes: Any) -> str:
    """The current URL with some query arguments changed (for filters and pagination)."""
    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v is not None})
    for key in [k for k, v in changes.items() if v is None]:
        args.pop(key, None)
    return url_for(request.endpoint or "home.index", **(request.view_args or {}), **args)


COVERAGE_ROLES = (Role.OFFICER, Role.LEADER, Role.COMMITTEE, Role.ADMIN)
STAFF = tuple(STAFF_ROLES)
# The main navigation: (endpoint, label, icon, roles that see it), in this order.
NAV = [
    ("home.index", "工作台", "house", tuple(Role)),
    ("admin_security.index", "安全管理", "shield-lock", (Role.SECURITY_ADMIN,)),
    ("audit.index", "审计记录", "journal-text", (Role.AUDIT_ADMIN,)),
    ("my.cases", "我的诉求", "chat-square-text", (Role.ENTERPRISE,)),
    ("cases.index", "诉求办理", "inbox", COVERAGE_ROLES),
    ("enterprises.index", "我的企业", "buildings", COVERAGE_ROLES),
    ("visits.index", "走访联络", "telephone", (Role.OFFICER, Role.LEADER)),
    ("checklists.index", "每周清单", "list-check", (Role.OFFICER, Role.LEADER, Role.COMMITTEE)),
    ("stats.index", "统计看板", "bar-chart-line", COVERAGE_ROLES),
    ("points.index", "积分考核", "award", STAFF),
    ("home.board", "包保公示", "people", STAFF),
]


def nav_items() -> list[tuple[str, str, str]]:
    """(endpoint, label, icon) of the main navigation for the signed-in user."""
    if not current_user.is_authenticated:
        return []
    sees_all = current_user.has_role(Role.ADMIN, Role.COMMITTEE)
    return [
        (endpoint, "企业名录" if endpoint == "enterprises.index" and sees_all else label, icon)
        for endpoint, label, icon, roles in NAV
        if current_user.has_role(*roles)
    ]


# The administrator's pages: (endpoint, label, icon, description).
ADMIN_PAGES = [
    ("admin_accounts.users", "用户管理", "person-gear", "新建账号、分配角色、停用与重置密码"),
    ("admin_accounts.departments", "部门管理", "diagram-3", "管委会内设机构与行业部门"),
    (
        "admin_enterprises.enterprises",
        "企业管理",
        "buildings",
        "企业名录、统一社会信用代码、重点项目",
    ),
    (
        "admin_enterprises.assignments",
        "包保关系",
        "person-check",
        "联点包保：安排、调整、结束，保留历史",
    ),
    (
        "admin_covers.index",
        "顶岗安排",
        "person-up",
        "责任人请假时指定同事临时顶岗走访联络",
    ),
    ("admin_enterprises.tags", "企业标签", "tags", "规上企业、高新技术企业等分类标签"),
    ("admin_cases.categories", "诉求类别", "list-ul", "诉求分类：代码、名称、排序、停用"),
    (
        "admin_deadlines.calendar",
        "工作日历",
        "calendar3",
        "法定节假日与调休：查看、调整、导入年度安排",
    ),
    (
        "admin_deadlines.sla",
        "办理时限",
        "stopwatch",
        "各级响应、办结、临期提醒与自动升级的工作日时限",
    ),
    (
        "admin_security.index",
        "安全管理",
        "shield-lock",
        "登录锁定与解锁、口令策略、两步验证、三员分立",
    ),
    ("admin_points.rules", "积分规则", "award", "积分考核的计分规则与生效日期"),
    ("admin_stats.composite", "综合得分", "speedometer2", "三率权重或分档计分规则"),
    ("audit.index", "审计记录", "journal-text", "登录、导出、设置变更等安全事件与管理操作"),
]


# Pages of the administration menu that 三员分立 may give to another role.
PAGE_CHECKS: dict[str, Callable[[User], bool]] = {
    "admin_security.index": can_manage_security,
    "audit.index": can_read_audit,
}


def admin_pages() -> list[tuple[str, str, str, str]]:
    """The administration pages the signed-in user may open, as in ADMIN_PAGES."""
    if not current_user.is_authenticated:
        return []
    is_admin = current_user.has_role(Role.ADMIN)
    return [
        page
        for page in ADMIN_PAGES
        if (PAGE_CHECKS[page[0]](current_user) if page[0] in PAGE_CHECKS else is_admin)
    ]


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["dt"] = format_datetime
    app.jinja_env.filters["d"] = format_date
    app.jinja_env.globals.update(
        url_with=url_with,
        nav_items=nav_items,
        Role=Role,
        admin_pages=admin_pages,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
