"""Admin forms for enterprises, projects, tags and assignments: shape checks only.

Domain rules (credit-code check digit, uniqueness, who may cover an enterprise, dates)
live in :mod:`hgq.enterprises.services`.
"""

from __future__ import annotations

from decimal import Decimal

from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from hgq.enterprises.models import PROJECT_STAGE_LABELS, ProjectStage
from hgq.forms import BaseForm, MultiCheckboxField, VersionedForm, optional_int
from hgq.timeutil import local_today

# Numeric(14, 2): twelve digits before the point.
MAX_INVESTMENT = Decimal("999999999999.99")


class EnterpriseForm(BaseForm):
    name = StringField(
        "企业名称",
        validators=[
            DataRequired(message="请输入企业名称"),
            Length(max=100, message="企业名称不能超过100个字"),
        ],
    )
    credit_code = StringField(
        "统一社会信用代码",
        validators=[
            DataRequired(message="请输入统一社会信用代码"),
            Length(max=40, message="统一社会信用代码应为18位"),
        ],
    )
    industry = StringField(
        "所属行业", validators=[Length(max=50, message="所属行业不能超过50个字")]
    )
    address = StringField("地址", validators=[Length(max=200, message="地址不能超过200个字")])
    contact_name = StringField(
        "联系人", validators=[Length(max=50, message="联系人不能超过50个字")]
    )
    contact_phone = StringField(
        "联系电话",
        validators=[
            Length(max=20, message="联系电话不能超过20位"),
            Regexp(r"^[0-9+\- ]*$", message="联系电话只能包含数字、空格、“-”和“+”"),
        ],
    )
    tags = MultiCheckboxField("标签", coerce=int, validate_choice=False)


class EnterpriseEditForm(VersionedForm, EnterpriseForm):
    is_active = BooleanField("在册（取消勾选即停用，停用前须先结束包保）")


def _two_places(form: BaseForm, field: DecimalField) -> None:
    value = field.data
    if value is not None and value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationError("计划投资最多保留两位小数")


class ProjectForm(BaseForm):
    name = StringField(
        "项目名称",
        validators=[
            DataRequired(message="请输入项目名称"),
            Length(max=100, message="项目名称不能超过100个字"),
        ],
    )
    investment = DecimalField(
        "计划总投资（万元）",
        places=2,
        validators=[
            InputRequired(message="请输入计划总投资"),
            NumberRange(min=0, message="计划投资不能为负数"),
            NumberRange(max=MAX_INVESTMENT, message="计划投资数额过大"),
            _two_places,
        ],
    )
    stage = SelectField(
        "项目阶段",
        choices=[SelectChoice(stage.value, label) for stage, label in PROJECT_STAGE_LABELS.items()],
        coerce=ProjectStage,
        default=ProjectStage.SIGNED,
    )


class ProjectEditForm(VersionedForm, ProjectForm):
    pass


class TagForm(BaseForm):
    name = StringField(
        "标签名称",
        validators=[
            DataRequired(message="请输入标签名称"),
            Length(max=30, message="标签名称不能超过30个字"),
        ],
    )


MAX_CONTACT_INTERVAL = 365


class TagIntervalForm(BaseForm):
    """定期联络: the contact interval of a tag's enterprises (empty: the default)."""

    contact_interval_days = IntegerField(
        "联络周期（天）",
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=MAX_CONTACT_INTERVAL,
                message=f"联络周期须为1至{MAX_CONTACT_INTERVAL}天",
            ),
        ],
    )


class AssignForm(BaseForm):
    # Choices are checked by the service (role, active), which names the person.
    officer_id = SelectField(
        "包保责任人",
        coerce=optional_int,
        validate_choice=False,
        validators=[InputRequired(message="请选择包保责任人")],
    )
    leader_id = SelectField(
        "包保领导",
        coerce=optional_int,
        validate_choice=False,
        validators=[InputRequired(message="请选择包保领导")],
    )
    start_date = DateField(
        "开始日期",
        default=local_today,
        validators=[InputRequired(message="请选择开始日期")],
    )
    note = StringField("备注", validators=[Length(max=200, message="备注不能超过200个字")])


class EndAssignmentForm(BaseForm):
    end_date = DateField(
        "结束日期",
        default=local_today,
        validators=[InputRequired(message="请选择结束日期")],
    )
    confirm = BooleanField(
        "我确认结束该包保关系，企业将变为“未安排包保”",
        validators=[DataRequired(message="请勾选确认后再结束包保")],
    )
