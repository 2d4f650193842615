"""The password policy form (口令策略); shape checks only."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField
from wtforms.validators import InputRequired, NumberRange

from hgq.forms import VersionedForm


class PasswordPolicyForm(VersionedForm):
    min_length = IntegerField(
        "最短长度",
        validators=[
            InputRequired(message="请填写最短长度"),
            NumberRange(min=8, max=64, message="最短长度应在8至64位之间"),
        ],
    )
    complexity = BooleanField("要求复杂度（小写字母、大写字母、数字、符号中至少三类）")
    max_age_days = IntegerField(
        "最长使用天数",
        validators=[
            InputRequired(message="请填写最长使用天数（0 表示不强制定期修改）"),
            NumberRange(min=0, max=3650, message="最长使用天数应在0至3650之间"),
        ],
    )
    history = IntegerField(
        "不得重复使用最近几次的密码",
        validators=[
            InputRequired(message="请填写次数（0 表示不检查）"),
            NumberRange(min=0, max=24, message="次数应在0至24之间"),
        ],
    )
