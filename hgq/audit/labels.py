"""Chinese names of the audit actions, for the audit page and its export."""

from __future__ import annotations

ACTION_LABELS = {
    "auth.login": "登录",
    "auth.logout": "退出登录",
    "auth.login_failed": "登录失败",
    "auth.lockout": "账号锁定",
    "auth.login_locked": "锁定期间尝试登录",
    "auth.login_throttled": "地址受限期间尝试登录",
    "auth.unlock": "解除锁定",
    "attachment.download": "下载附件",
    "audit.export": "导出审计记录",
    "checklist.export": "导出每周清单",
    "points.export": "导出积分排名",
    "stats.export": "导出统计数据",
    "points.adjust": "人工调整积分",
    "points.appeal": "处理积分申诉",
    "points.rule": "调整积分规则",
    "setting.update": "修改系统设置",
    "sla.update": "修改办理时限",
    "calendar.day": "调整工作日历",
    "calendar.import": "导入工作日历",
    "cover.create": "安排顶岗",
    "cover.end": "提前结束顶岗",
    "cover.cancel": "取消顶岗",
}


def action_label(code: str) -> str:
    """The action's Chinese name, or its code when it has none."""
    return ACTION_LABELS.get(code, code)
