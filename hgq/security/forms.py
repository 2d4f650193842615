"""The security forms (口令策略, 三员分立, 两步验证); shape checks only."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from hgq.forms import BaseForm, VersionedForm


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


class SeparationForm(VersionedForm):
    enabled = BooleanField("启用三员分立（系统管理员不再管理安全设置、不再查看审计记录）")


class TwoFactorPolicyForm(VersionedForm):
    required = BooleanField("要求管理员（系统、安全、审计）和工委管委账号使用两步验证")


class TotpCodeForm(BaseForm):
    """A six-digit code from an authenticator app (spaces allowed; the service checks it)."""

    code = StringField(
        "验证码",
        validators=[
            InputRequired(message="请输入验证器应用上显示的6位数字"),
            Length(max=12, message="验证码为6位数字"),
        ],
        render_kw={
            "inputmode": "numeric",
            "autocomplete": "one-time-code",
            "maxlength": 12,
            "placeholder": "6位数字",
        },
    )
