"""Points forms (积分考核): shape checks only; :mod:`hgq.points.services` decides
(who may appeal or adjust, whether an entry may still be appealed, rule dates)."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from hgq.forms import BaseForm, VersionedForm, optional_int
from hgq.points.services import APPEAL_MAX, CAP_LIMIT, DECISION_MAX, POINTS_LIMIT, REASON_MAX

UPHOLD, REVERSE = "uphold", "reverse"


def person_choices(people: list[tuple[int, str]]) -> list[SelectChoice]:
    """The choices of the person select: a prompt, then ``(id, label)`` pairs."""
    return [SelectChoice("", "请选择…"), *(SelectChoice(str(i), label) for i, label in people)]


class AppealForm(BaseForm):
    """申诉: why the entry is wrong."""

    reason = TextAreaField(
        "申诉理由",
        validators=[
            DataRequired(message="请填写申诉理由"),
            Length(max=APPEAL_MAX, message=f"申诉理由不能超过{APPEAL_MAX}字"),
        ],
        render_kw={"rows": 2, "placeholder": "例如：该诉求已按时响应，见12月3日电话记录"},
    )


class DecideForm(VersionedForm):
    """维持 or 撤销 an appeal, with the decision's reasons. The two submit buttons carry
    ``action``."""

    action = StringField(
        validators=[
            InputRequired(message="请选择维持或撤销"),
            AnyOf([UPHOLD, REVERSE], message="请选择维持或撤销"),
        ]
    )
    decision = TextAreaField(
        "处理意见",
        validators=[
            DataRequired(message="请填写处理意见"),
            Length(max=DECISION_MAX, message=f"处理意见不能超过{DECISION_MAX}字"),
        ],
        render_kw={"rows": 2},
    )

    @property
    def reverses(self) -> bool:
        return self.action.data == REVERSE


class AdjustForm(BaseForm):
    """人工调整: points added to (or taken from) one person, with the reason."""

    # Choices are checked by the service (role, active), which names the person.
    person_id = SelectField(
        "人员",
        coerce=optional_int,
        validate_choice=False,
        validators=[InputRequired(message="请选择人员")],
    )
    points = IntegerField(
        "调整分值",
        validators=[
            InputRequired(message="请填写调整分值"),
            NumberRange(
                min=-POINTS_LIMIT,
                max=POINTS_LIMIT,
                message=f"调整分值应在 -{POINTS_LIMIT} 到 {POINTS_LIMIT} 之间",
            ),
        ],
        render_kw={"inputmode": "numeric", "placeholder": "加分填正数，扣分填负数，如 -2"},
    )
    reason = TextAreaField(
        "调整事由",
        validators=[
            DataRequired(message="请填写调整事由"),
            Length(max=REASON_MAX, message=f"调整事由不能超过{REASON_MAX}字"),
        ],
        render_kw={"rows": 3},
    )

    def validate_points(self, field: IntegerField) -> None:
        if field.data == 0:
            raise ValidationError("调整分值不能为 0")


class RuleForm(BaseForm):
    """Schedule a change of one rule: its values from ``active_from`` on."""

    points = IntegerField(
        "分值",
        validators=[
            InputRequired(message="请填写分值"),
            NumberRange(
                min=-POINTS_LIMIT,
                max=POINTS_LIMIT,
                message=f"分值应在 -{POINTS_LIMIT} 到 {POINTS_LIMIT} 之间",
            ),
        ],
        render_kw={"inputmode": "numeric"},
    )
    monthly_cap = IntegerField(
        "每月上限",
        validators=[
            Optional(),
            NumberRange(min=1, max=CAP_LIMIT, message=f"每月上限应在 1 到 {CAP_LIMIT} 之间"),
        ],
        render_kw={"inputmode": "numeric", "placeholder": "不填表示不设上限"},
    )
    active_from = DateField("生效日期", validators=[InputRequired(message="请选择生效日期")])
    enabled = BooleanField("启用", default=True)
