"""What the API sends and accepts: objects → JSON-ready dicts, and request bodies and
query strings → checked Python values. Shape checks only (types, required, lengths,
known codes); domain rules stay in the services.

Every parser collects all the bad fields before refusing, and refuses with a 400
``invalid_input`` naming them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar, cast

from flask import request

from hgq.accounts.models import Role, User
from hgq.api.errors import ApiError, invalid_input
from hgq.cases.models import (
    Case,
    CaseEvent,
    Channel,
    ResolutionType,
    Satisfaction,
    Urgency,
)
from hgq.cases.services import COMMENT_MAX, TEXT_MAX, TITLE_MAX, parse_action
from hgq.cases.workflow import Action
from hgq.deadlines.views import case_light
from hgq.enterprises.models import Enterprise

# Ids are 32-bit in the database; a larger one cannot exist (and would overflow a query).
MAX_ID = 2**31 - 1
MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000
Q_MAX = 100
CREDENTIAL_MAX = 200
TOTP_CODE_MAX = 12
DIGITS = re.compile(r"[0-9]{1,10}")
TRUE_VALUES = frozenset({"true", "1"})
FALSE_VALUES = frozenset({"false", "0"})

E = TypeVar("E", bound=StrEnum)


# -- output ---------------------------------------------------------------------
def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with its offset, to the second; None stays None."""
    return None if value is None else value.astimezone(UTC).isoformat(timespec="seconds")


def _code(value: StrEnum | None) -> str | None:
    return None if value is None else value.value


def user_to_dict(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "name": user.name,
        "roles": [role.value for role in Role if role in user.roles],
        "enterprise_id": user.enterprise_id,
    }


def enterprise_to_dict(enterprise: Enterprise) -> dict[str, Any]:
    return {
        "id": enterprise.id,
        "name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "industry": enterprise.industry,
        "address": enterprise.address,
        "contact_name": enterprise.contact_name,
        "contact_phone": enterprise.contact_phone,
        "is_active": enterprise.is_active,
        "tags": [tag.name for tag in enterprise.tags],
    }


def case_to_dict(case: Case, *, staff: bool = True) -> dict[str, Any]:
    """A case as the API sends it. 督办 is internal: ``urged`` is null for enterprise
    users (``staff`` False)."""
    return {
        "id": case.id,
        "code": case.code,
        "enterprise_id": case.enterprise_id,
        "enterprise_name": case.enterprise.name,
        "project_id": case.project_id,
        "title": case.title,
        "description": case.description,
        "category": case.category.code,
        "channel": case.channel.value,
        "urgency": case.urgency.value,
        "status": case.status.value,
        "level": case.level,
        "first_owner_id": case.first_owner_id,
        "handler_id": case.handler_id,
        "version": case.version,
        "created_at": iso(case.created_at),
        "updated_at": iso(case.updated_at),
        "responded_at": iso(case.responded_at),
        "resolved_at": iso(case.resolved_at),
        "closed_at": iso(case.closed_at),
        "due_at": iso(case.due_at),
        "response_due_at": iso(case.response_due_at),
        "resolution_due_at": iso(case.resolution_due_at),
        "light": case_light(case),
        "paused": case.is_open and case.is_paused,
        "urged": (case.is_open and case.is_urged) if staff else None,
        "deadline_provisional": case.deadline_provisional,
        "resolution_type": _code(case.resolution_type),
        "resolution_reply": case.resolution_reply,
        "rating_solved": case.rating_solved,
        "rating_satisfaction": _code(case.rating_satisfaction),
        "rating_comment": case.rating_comment,
        "rated_at": iso(case.rated_at),
        "closed_unrated": case.closed_unrated,
        "reopen_count": case.reopen_count,
    }


def event_to_dict(event: CaseEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "action": event.action,
        "actor_id": event.actor_id,
        "actor_name": event.actor.name if event.actor else None,
        "at": iso(event.at),
        "note": event.note,
        "from_status": _code(event.from_status),
        "to_status": event.to_status.value,
        "from_level": event.from_level,
        "to_level": event.to_level,
    }


# -- input: bodies --------------------------------------------------------------
def read_json_object() -> dict[str, Any]:
    """The request body as a JSON object (whatever the Content-Type says); 400 if the
    body is not JSON or not an object."""
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_input", "请求体必须是 JSON 对象（UTF-8 编码）")
    return body


class FieldChecker:
    """Reads fields from a body (or query string), remembering every problem."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, str] = {}

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def text(
        self, name: str, label: str, limit: int, *, required: bool = True, default: str = ""
    ) -> str:
        value = self.data.get(name)
        if value is None:
            if required:
                self.fail(name, f"请填写{label}")
            return default
        if not isinstance(value, str):
            self.fail(name, f"{label}必须是字符串")
            return default
        problem = text_problem(value, label, limit)
        if problem:
            self.fail(name, problem)
            return default
        if required and not value.strip():
            self.fail(name, f"请填写{label}")
        return value

    def identifier(self, name: str, label: str, *, required: bool = True) -> int | None:
        value = self.data.get(name)
        if value is None:
            if required:
                self.fail(name, f"请指定{label}")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(name, f"{label}必须是整数")
            return None
        return value

    def choice(self, name: str, label: str, enum: type[E], *, default: E | None = None) -> E | None:
        """A member of ``enum`` by its value; required unless ``default`` is given."""
        value = self.data.get(name)
        if value is None:
            if default is None:
                self.fail(name, f"请选择{label}")
            return default
        if isinstance(value, str) and value in {member.value for member in enum}:
            return enum(value)
        allowed = "、".join(member.value for member in enum)
        self.fail(name, f"{label}无效，可选值：{allowed}")
        return default

    def check(self) -> None:
        if self.errors:
            raise invalid_input(self.errors)


def text_problem(value: str, label: str, limit: int) -> str | None:
    """Why ``value`` cannot be stored as text (too long once trimmed, as the services
    trim it; a NUL; broken Unicode), or None."""
    if len(value) > limit and len(value.strip()) > limit:
        return f"{label}不能超过{limit}字"
    if "\0" in value:
        return f"{label}含有无效字符"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return f"{label}含有无效字符"
    return None


def parse_credentials(body: Mapping[str, Any]) -> tuple[str, str]:
    fields = FieldChecker(body)
    username = fields.text("username", "用户名", CREDENTIAL_MAX)
    password = fields.text("password", "密码", CREDENTIAL_MAX)
    fields.check()
    return username, password


def parse_totp_code(body: Mapping[str, Any]) -> str | None:
    """The token request's optional ``totp_code`` (two-factor sign-in), or None when it
    is absent or blank; 400 when it is not a short string."""
    fields = FieldChecker(body)
    code = fields.text("totp_code", "两步验证码", TOTP_CODE_MAX, required=False)
    fields.check()
    return code.strip() or None


@dataclass(frozen=True)
class NewCase:
    enterprise_id: int | None
    title: str
    description: str
    category: str
    channel: Channel
    urgency: Urgency
    project_id: int | None


def parse_new_case(body: Mapping[str, Any], *, enterprise_user: bool) -> NewCase:
    """An enterprise user may omit ``enterprise_id`` (his own) and ``channel``
    (``self_reported``); staff must give both."""
    fields = FieldChecker(body)
    enterprise_id = fields.identifier("enterprise_id", "企业", required=not enterprise_user)
    title = fields.text("title", "标题", TITLE_MAX)
    description = fields.text("description", "诉求内容", TEXT_MAX)
    category = fields.text("category", "诉求类别", 30)
    default_channel = Channel.SELF_REPORTED if enterprise_user else None
    channel = fields.choice("channel", "来源渠道", Channel, default=default_channel)
    urgency = fields.choice("urgency", "紧急程度", Urgency, default=Urgency.NORMAL)
    project_id = fields.identifier("project_id", "项目", required=False)
    fields.check()
    return NewCase(
        enterprise_id,
        title,
        description,
        category,
        cast(Channel, channel),
        cast(Urgency, urgency),
        project_id,
    )


@dataclass(frozen=True)
class ActionRequest:
    action: Action
    version: int
    note: str
    payload: dict[str, Any] = field(default_factory=dict)


def _action_payload(action: Action, fields: FieldChecker) -> dict[str, Any]:
    """The extra input of ``resolve``, ``rate`` and ``request_extension``; other
    actions take none."""
    if action is Action.REQUEST_EXTENSION:
        days = fields.data.get("working_days")
        if isinstance(days, bool) or not isinstance(days, int):
            fields.fail("working_days", "请填写延期的工作日数（working_days 须为整数）")
        return {"working_days": days}
    if action is Action.RESOLVE:
        return {"resolution_type": fields.choice("resolution_type", "办结类型", ResolutionType)}
    if action is not Action.RATE:
        return {}
    solved = fields.data.get("solved")
    if not isinstance(solved, bool):
        fields.fail("solved", "请说明问题是否已解决（solved 须为 true 或 false）")
    return {
        "solved": solved,
        "satisfaction": fields.choice("satisfaction", "满意程度", Satisfaction),
        "comment": fields.text("comment", "评价意见", COMMENT_MAX, required=False),
    }


def parse_action_request(body: Mapping[str, Any]) -> ActionRequest:
    """``action`` first (400 ``invalid_action`` when unknown), then ``version``, ``note``
    and the action's own fields."""
    if not isinstance(body.get("action"), str):
        raise invalid_input({"action": "请指定操作（action）"})
    # ActionNotAllowed("invalid_action") when unknown; no code is longer than 50
    # characters, and the message should not echo a megabyte back.
    action = parse_action(body["action"][:50])
    fields = FieldChecker(body)
    version = fields.identifier("version", "版本号（version）")
    note = fields.text("note", "说明", TEXT_MAX, required=False)
    payload = _action_payload(action, fields)
    fields.check()
    return ActionRequest(action, cast(int, version), note, payload)
