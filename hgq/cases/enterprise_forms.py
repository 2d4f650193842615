"""The enterprise's form for submitting a request: shape checks only.

Whether the category is active and the project the enterprise's own is checked by
:func:`hgq.cases.services.create_case`; files by :mod:`hgq.cases.attachments`.
"""

from __future__ import annotations

from wtforms import (
    MultipleFileField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length

from hgq.cases.models import URGENCY_LABELS, Urgency
from hgq.cases.services import TEXT_MAX, TITLE_MAX
from hgq.forms import BaseForm


def int_or_none(value: object) -> int | None:
    """A select's value as an id; "" (none chosen) and anything not a number → None,
    so that the service, not a generic message, says what is wrong."""
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


class CaseSubmitForm(BaseForm):
    title = StringField(
        "诉求标题",
        validators=[
            DataRequired(message="请填写诉求标题"),
            Length(max=TITLE_MAX, message=f"诉求标题不能超过{TITLE_MAX}字"),
        ],
        description="一句话说明遇到的问题，如“二期厂房施工许可办理缓慢”",
    )
    category = SelectField(
        "诉求类别",
        coerce=int_or_none,
        validate_choice=False,
        validators=[InputRequired(message="请选择诉求类别")],
    )
    description = TextAreaField(
        "具体情况",
        validators=[
            DataRequired(message="请填写具体情况"),
            Length(max=TEXT_MAX, message=f"具体情况不能超过{TEXT_MAX}字"),
        ],
        description="遇到了什么问题、已经做了哪些努力、希望园区协调什么",
    )
    project_id = SelectField("涉及项目", coerce=int_or_none, validate_choice=False)
    urgency = RadioField(
        "紧急程度",
        choices=[SelectChoice(u.value, URGENCY_LABELS[u]) for u in Urgency],
        default=Urgency.NORMAL.value,
        validators=[InputRequired(message="请选择紧急程度")],
    )
    files = MultipleFileField("附件（可选）")
