"""Forms for signing in and for changing one's own password."""

from __future__ import annotations

from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from hgq.forms import BaseForm


class LoginForm(BaseForm):
    username = StringField(
        "用户名", validators=[DataRequired(message="请输入用户名"), Length(max=64)]
    )
    password = PasswordField(
        "密码", validators=[DataRequired(message="请输入密码"), Length(max=128)]
    )
    submit = SubmitField("登录")


class PasswordChangeForm(BaseForm):
    current_password = PasswordField(
        "当前密码", validators=[DataRequired(message="请输入当前密码")]
    )
    new_password = PasswordField(
        "新密码",
        validators=[
            DataRequired(message="请输入新密码"),
            Length(max=128, message="密码不能超过128位"),
        ],
    )
    confirm = PasswordField(
        "确认新密码",
        validators=[
            DataRequired(message="请再次输入新密码"),
            EqualTo("new_password", message="两次输入的密码不一致"),
        ],
    )
    submit = SubmitField("修改密码")
