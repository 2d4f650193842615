"""Chinese names of the audit actions, for the audit page and its export."""

from __future__ import annotations

import json
from typing import Any

from hgq.accounts.models import ROLE_LABELS, Role

ACTION_LABELS = {
    "auth.login": "登录",
    "auth.logout": "退出登录",
    "auth.login_failed": "登录失败",
    "auth.lockout": "账号锁定",
    "auth.login_locked": "锁定期间尝试登录",
    "auth.login_throttled": "地址受限期间尝试登录",
    "auth.unlock": "解除锁定",
    "auth.totp_failed": "两步验证码错误",
    "totp.enable": "启用两步验证",
    "totp.disable": "关闭两步验证",
    "totp.reset": "重置两步验证",
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
    "category.create": "新增诉求类别",
    "category.update": "修改诉求类别",
    "cover.create": "安排顶岗",
    "cover.end": "提前结束顶岗",
    "cover.cancel": "取消顶岗",
    "user.create": "新建用户",
    "user.update": "修改用户",
    "user.roles": "修改用户角色",
    "user.password_reset": "重置密码",
    "auth.password_change": "修改密码",
    "user.deactivate": "停用账号",
    "user.activate": "启用账号",
    "department.create": "新建部门",
    "department.update": "修改部门",
    "enterprise.create": "新增企业",
    "enterprise.update": "修改企业",
    "project.create": "新增重点项目",
    "project.update": "修改重点项目",
    "tag.create": "新增标签",
    "tag.contact_interval": "调整联络周期",
    "assignment.create": "调整包保关系",
    "assignment.end": "结束包保关系",
}


def action_label(code: str) -> str:
    """The action's Chinese name, or its code when it has none."""
    return ACTION_LABELS.get(code, code)


# What a record is about, and the fields of its before/after, in Chinese. A key without
# a label is shown as it is stored, so nothing recorded is ever hidden.
TARGET_LABELS = {
    "user": "用户",
    "username": "用户名",
    "ip": "地址",
    "department": "部门",
    "enterprise": "企业",
    "project": "重点项目",
    "tag": "标签",
    "category": "诉求类别",
    "setting": "设置",
    "cover": "顶岗",
    "case": "诉求",
    "attachment": "附件",
    "checklist": "每周清单",
    "points_entry": "积分",
    "points_rule": "积分规则",
    "appeal": "申诉",
}

FIELD_LABELS = {
    "username": "用户名",
    "name": "名称",
    "phone": "电话",
    "email": "邮箱",
    "email_mode": "邮件提醒",
    "roles": "角色",
    "department": "部门",
    "enterprise": "企业",
    "enterprise_id": "企业编号",
    "active": "在用",
    "is_active": "启用",
    # A field's label, not a password: hence the nosec.
    "must_change_password": "须修改密码",  # nosec B105
    "is_industry": "行业部门",
    "description": "说明",
    "code": "代码",
    "sort_order": "排序",
    "credit_code": "统一社会信用代码",
    "industry": "行业",
    "address": "地址",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
    "tags": "标签",
    "investment": "投资额（万元）",
    "stage": "阶段",
    "assignment_id": "包保关系编号",
    "officer_id": "包保责任人编号",
    "colleague_id": "被顶岗责任人编号",
    "officer": "包保责任人",
    "leader_id": "包保领导编号",
    "leader": "包保领导",
    "start_date": "开始日期",
    "end_date": "结束日期",
    "note": "备注",
    "value": "设置值",
    "contact_interval_days": "联络周期（天）",
    "points": "分值",
    "reason": "理由",
    "rows": "行数",
    "filters": "筛选条件",
    "filename": "文件名",
    "case_id": "诉求编号",
    "user_id": "用户编号",
}


def _value_text(key: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if key == "roles" and isinstance(value, list):
        return "、".join(_role_label(code) for code in value)
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _role_label(code: str) -> str:
    try:
        return ROLE_LABELS[Role(code)]
    except ValueError:
        return code


def target_label(kind: str) -> str:
    """The Chinese name of a record's target type, or the type itself."""
    return TARGET_LABELS.get(kind, kind)


def describe_change(
    before: dict[str, Any] | None, after: dict[str, Any] | None
) -> list[tuple[str, str | None, str | None]]:
    """(field label, before text, after text) for every field of a record's before and
    after, in the order recorded; a side the record does not have is None."""
    keys = list(dict.fromkeys([*(before or {}), *(after or {})]))
    return [
        (
            FIELD_LABELS.get(key, key),
            None if before is None else _value_text(key, before.get(key)),
            None if after is None else _value_text(key, after.get(key)),
        )
        for key in keys
    ]
