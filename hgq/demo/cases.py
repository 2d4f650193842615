"""Demo cases: a dozen requests in every state of the workflow, made through the
case services exactly as people would make them (so every rule and event applies).

A case is looked up by its enterprise and title; an existing one is left alone.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import sqlalchemy as sa

from hgq.accounts.models import User
from hgq.accounts.queries import get_user_by_username
from hgq.cases.models import Case, Category, Channel, Urgency
from hgq.cases.services import create_case, ensure_default_categories, perform_action
from hgq.cases.workflow import Action
from hgq.enterprises.models import Enterprise
from hgq.extensions import db

Step = tuple[str, str, dict[str, Any]]  # (action, username, payload)

# (enterprise account, creator, title, description, category, channel, urgency, steps)
# The creator and actors are named by username; "{officer}" / "{leader}" stand for
# the enterprise's officer and leader in the demo assignment.
SCENARIOS: list[tuple[str, str, str, str, str, Channel, Urgency, list[Step]]] = [
    (
        "ent01",
        "ent01",
        "出口产品CE认证补贴申报咨询",
        "我司两款医疗器械拟申请欧盟CE认证，想了解园区和市里对出口认证费用的补贴政策及申报时间。",
        "policy",
        Channel.SELF_REPORTED,
        Urgency.NORMAL,
        [],
    ),
    (
        "ent02",
        "{officer}",
        "新材料产业园项目施工用电增容",
        "项目二期厂房施工用电负荷不足，需要将临时用电由800kVA增容至2000kVA，请协调供电部门。",
        "infrastructure",
        Channel.ONSITE,
        Urgency.URGENT,
        [
            ("accept", "{officer}", {}),
            ("reply", "{officer}", {"note": "已联系供电公司客户经理，本周内到现场踏勘。"}),
        ],
    ),
    (
        "ent03",
        "ent03",
        "GMP车间扩建环评手续办理",
        "新建中药提取GMP车间，环评报告表已编制完成，想请园区协调加快审批。",
        "approval",
        Channel.SELF_REPORTED,
        Urgency.NORMAL,
        [
            ("accept", "{officer}", {}),
            (
                "resolve",
                "{officer}",
                {
                    "note": "已协调生态环境分局开辟绿色通道，环评批复已于本周下达，请查收。",
                    "resolution_type": "solved",
                },
            ),
        ],
    ),
    (
        "ent04",
        "{officer}",
        "原料运输车辆城区通行证办理",
        "木材原料运输车辆需在夜间通过城区路段，申请办理货车通行证。",
        "other",
        Channel.PHONE,
        Urgency.NORMAL,
        [
            ("accept", "{officer}", {}),
            (
                "resolve",
                "{officer}",
                {"note": "已协助向交警支队申请，通行证10张已办结。", "resolution_type": "solved"},
            ),
            (
                "rate",
                "ent04",
                {"solved": True, "satisfaction": "satisfied", "comment": "办得很快，感谢！"},
            ),
        ],
    ),
    (
        "ent05",
        "{officer}",
        "铝锭仓储用地指标",
        "产能扩大后铝锭仓储不足，需新增约15亩仓储用地，现有指标不够。",
        "land",
        Channel.ONSITE,
        Urgency.URGENT,
        [
            ("accept", "{officer}", {}),
            (
                "escalate",
                "{officer}",
                {"note": "涉及用地指标调剂，超出责任人协调范围，提请包保领导会商。"},
            ),
        ],
    ),
    (
        "ent02",
        "ent02",
        "特种玻璃二期项目用地调规",
        "特种玻璃二期项目选址地块规划为物流用地，需调整为工业用地后才能办理后续手续。",
        "land",
        Channel.SELF_REPORTED,
        Urgency.CRITICAL,
        [
            ("accept", "{officer}", {}),
            ("escalate", "{officer}", {"note": "需调整控规，提请领导会商。"}),
            ("escalate", "{leader}", {"note": "控规调整需工委管委集中研究决定。"}),
        ],
    ),
    (
        "ent06",
        "ent06",
        "申请减免厂房物业费",
        "受订单下滑影响，申请减免2026年下半年标准化厂房物业管理费。",
        "policy",
        Channel.SELF_REPORTED,
        Urgency.NORMAL,
        [
            (
                "reject",
                "{officer}",
                {
                    "note": "物业费由物业公司按合同收取，不属于园区减免政策范围；"
                    "可申报中小企业纾困专项资金，申报指南已发您邮箱。"
                },
            )
        ],
    ),
    (
        "ent07",
        "ent07",
        "人才公寓入住申请",
        "公司新引进博士2名，申请园区人才公寓。",
        "labor",
        Channel.SELF_REPORTED,
        Urgency.NORMAL,
        [("withdraw", "ent07", {"note": "已自行租房解决，撤回申请。"})],
    ),
    (
        "ent08",
        "{officer}",
        "奶源基地连接道路修缮",
        "奶源基地至厂区约3公里道路坑洼严重，雨天运奶车无法通行。",
        "infrastructure",
        Channel.ONSITE,
        Urgency.URGENT,
        [
            ("accept", "{officer}", {}),
            (
                "resolve",
                "{officer}",
                {"note": "已纳入明年道路维修计划。", "resolution_type": "partly_solved"},
            ),
            (
                "rate",
                "ent08",
                {
                    "solved": False,
                    "satisfaction": "dissatisfied",
                    "comment": "雨季马上到了，等不到明年。",
                },
            ),
        ],
    ),
    (
        "ent09",
        "{officer}",
        "一线操作工招聘信息发布",
        "扩产需招聘一线操作工50名，请协助在园区招聘平台和乡镇发布信息。",
        "labor",
        Channel.ONSITE,
        Urgency.NORMAL,
        [
            (
                "resolve",
                "{officer}",
                {
                    "note": "当场已在园区招聘平台发布，并转发至5个乡镇劳动保障站。",
                    "resolution_type": "solved",
                },
            ),
            ("rate", "ent09", {"solved": True, "satisfaction": "basically_satisfied"}),
        ],
    ),
    (
        "ent10",
        "ent10",
        "“惠园贷”贷款申请进度咨询",
        "3月提交的“惠园贷”500万元申请尚无结果，请帮忙了解进度。",
        "financing",
        Channel.SELF_REPORTED,
        Urgency.NORMAL,
        [("accept", "{officer}", {})],
    ),
    (
        "ent13",
        "{officer}",
        "检测资质省内互认",
        "我司CMA检测报告在部分地市不被认可，希望协调省内互认。",
        "market",
        Channel.MEETING,
        Urgency.NORMAL,
        [
            ("accept", "{officer}", {}),
            ("note", "{officer}", {"note": "需与市场监管分局沟通，先了解外地不认可的具体依据。"}),
        ],
    ),
]


def _user(username: str) -> User:
    user = db.session.scalar(get_user_by_username(username))
    if user is None:
        raise LookupError(username)
    return user


def _resolve_name(name: str, enterprise: Enterprise) -> User:
    assignment = enterprise.current_assignment
    if name == "{officer}" and assignment is not None:
        return assignment.officer
    if name == "{leader}" and assignment is not None:
        return assignment.leader
    return _user(name)


def ensure_demo_cases(created: Counter[str]) -> None:
    """Create the scenario cases that are missing, walking each through its steps."""
    ensure_default_categories()
    categories = {c.code: c for c in db.session.scalars(sa.select(Category))}
    for account, creator, title, text, category, channel, urgency, steps in SCENARIOS:
        enterprise = _user(account).enterprise
        if enterprise is None:
            continue
        exists = db.session.scalar(
            sa.select(Case.id).where(Case.enterprise_id == enterprise.id, Case.title == title)
        )
        if exists is not None:
            continue
        case = create_case(
            creator=_resolve_name(creator, enterprise),
            enterprise=enterprise,
            title=title,
            description=text,
            category=categories[category],
            channel=channel,
            urgency=urgency,
        )
        for action, actor, payload in steps:
            perform_action(
                case,
                Action(action),
                _resolve_name(actor, enterprise),
                expected_version=case.version,
                **payload,
            )
        created["cases"] += 1
