"""Case forms: logging a request, taking an action, editing categories. Shape checks
only; the workflow and :mod:`hgq.cases.services` decide what is allowed."""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from hgq.cases.models import (
    CHANNEL_LABELS,
    RESOLUTION_LABELS,
    SATISFACTION_LABELS,
    URGENCY_LABELS,
    Channel,
    Urgency,
)
from hgq.cases.services import COMMENT_MAX, TEXT_MAX, TITLE_MAX
from hgq.cases.workflow import MAX_EXTENSION_WORKDAYS
from hgq.forms import BaseForm, VersionedForm, optional_int

# Staff log what they heard; 企业自报 is the enterprise's own submission.
STAFF_CHANNELS = [c for c in Channel if c is not Channel.SELF_REPORTED]
SOLVED_CHOICES = {"yes": True, "no": False}
EXTENSION_MESSAGE = f"延期天数应为1至{MAX_EXTENSION_WORKDAYS}个工作日"


def _choices(labels: dict[Any, str]) -> list[SelectChoice]:
    return [SelectChoice(key.value, label) for key, label in labels.items()]


class CaseForm(BaseForm):
    """Staff log an enterprise's request (the 首问 rule applies on creation)."""

    title = StringField(
        "标题",
        validators=[
            DataRequired(message="请填写标题"),
            Length(max=TITLE_MAX, message=f"标题不能超过{TITLE_MAX}字"),
        ],
        render_kw={"placeholder": "一句话概括企业的诉求", "autocomplete": "off"},
    )
    description = TextAreaField(
        "诉求内容",
        validators=[
            DataRequired(message="请填写诉求内容"),
            Length(max=TEXT_MAX, message=f"诉求内容不能超过{TEXT_MAX}字"),
        ],
        render_kw={"placeholder": "企业反映的具体问题、涉及的事项和期望的办理结果"},
    )
    # Whether the category exists and is active is the service's check.
    category = SelectField(
        "诉求类别",
        coerce=optional_int,
        validate_choice=False,
        validators=[InputRequired(message="请选择诉求类别")],
        invalid_value_message="请选择有效的诉求类别",
    )
    channel = SelectField(
        "来源渠道",
        choices=[SelectChoice(c.value, CHANNEL_LABELS[c]) for c in STAFF_CHANNELS],
        coerce=Channel,
        default=Channel.ONSITE,
        invalid_value_message="请选择有效的来源渠道",
        invalid_choice_message="请选择有效的来源渠道",
    )
    urgency = RadioField(
        "紧急程度",
        choices=_choices(URGENCY_LABELS),
        coerce=Urgency,
        default=Urgency.NORMAL,
        invalid_value_message="请选择紧急程度",
        invalid_choice_message="请选择紧急程度",
    )
    project_id = SelectField(
        "涉及重点项目",
        coerce=optional_int,
        invalid_value_message="所选项目不属于该企业",
        invalid_choice_message="所选项目不属于该企业",
    )


class CaseActionForm(VersionedForm):
    """One action on a case. Which inputs an action needs (a note, a resolution type,
    a rating) is checked by the service, which names the field it refuses."""

    action = HiddenField(validators=[InputRequired(message="缺少操作类型，请刷新页面")])
    note = TextAreaField(
        "说明", validators=[Length(max=TEXT_MAX, message=f"说明不能超过{TEXT_MAX}字")]
    )
    resolution_type = RadioField(
        "办结类型", choices=_choices(RESOLUTION_LABELS), validate_choice=False
    )
    solved = RadioField(
        "问题是否已解决",
        choices=[SelectChoice("yes", "是"), SelectChoice("no", "否")],
        validate_choice=False,
    )
    satisfaction = RadioField(
        "满意程度", choices=_choices(SATISFACTION_LABELS), validate_choice=False
    )
    working_days = IntegerField(
        "延期工作日数",
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=MAX_EXTENSION_WORKDAYS,
                message=f"延期天数应为1至{MAX_EXTENSION_WORKDAYS}个工作日",
            ),
        ],
    )
    comment = TextAreaField(
        "评价意见",
        validators=[Length(max=COMMENT_MAX, message=f"评价意见不能超过{COMMENT_MAX}字")],
    )

    def payload(self) -> dict[str, Any]:
        """The action's inputs as :func:`hgq.cases.services.perform_action` takes them."""
        return {
            "note": self.note.data or "",
            "resolution_type": self.resolution_type.data,
            "solved": SOLVED_CHOICES.get(self.solved.data or ""),
            "satisfaction": self.satisfaction.data,
            "comment": self.comment.data or "",
            "working_days": self.working_days.data,
        }


class CategoryEditForm(BaseForm):
    name = StringField(
        "类别名称",
        validators=[
            DataRequired(message="请填写类别名称"),
            Length(max=30, message="类别名称不能超过30个字"),
        ],
    )
    sort_order = IntegerField(
        "排序",
        default=0,
        validators=[
            InputRequired(message="请填写排序号"),
            NumberRange(min=0, max=9999, message="排序号应为0至9999之间的整数"),
        ],
    )
    is_active = BooleanField("启用（停用后登记诉求时不再可选，已有案件不受影响）", default=True)


class CategoryForm(CategoryEditForm):
    code = StringField(
        "类别代码",
        validators=[
            DataRequired(message="请填写类别代码"),
            Length(max=30, message="类别代码不能超过30位"),
            Regexp(r"^[a-z0-9_]+$", message="类别代码只能使用小写英文字母、数字和下划线"),
        ],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )
