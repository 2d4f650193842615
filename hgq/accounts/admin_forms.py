"""Forms of the admin pages for users and departments: shape checks only.

Domain rules (a taken username, roles that do not fit, the last admin) are the
services'; the views put their refusals beside the matching field.
"""

from __future__ import annotations

from wtforms import (
    BooleanField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp, ValidationError

from hgq.accounts.models import ROLE_LABELS, Role
from hgq.forms import BaseForm, MultiCheckboxField, VersionedForm, optional_int
from hgq.notifications.forms import email_field

# Length and complexity are the password policy's (hgq.security.passwords), checked
# by the service with the policy in force; the form only bounds the input.
TOO_LONG_MESSAGE = "密码不能超过128位"


class UserProfileForm(BaseForm):
    """What an admin sets on any account: who, how to reach, roles and affiliation.

    The department and enterprise choices depend on the data; the view fills them in.
    """

    name = StringField(
        "姓名",
        validators=[DataRequired(message="请输入姓名"), Length(max=50, message="姓名最多50个字")],
    )
    phone = StringField(
        "手机",
        validators=[
            Optional(),
            Length(max=20, message="电话号码最多20位"),
            Regexp(r"^[0-9+\- ]+$", message="电话号码只能包含数字、空格、+ 和 -"),
        ],
    )
    email = email_field()
    # No DataRequired: its "required" flag would mark every checkbox as required.
    roles = MultiCheckboxField(
        "角色",
        coerce=Role,
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
    )
    department_id = SelectField("所属部门", coerce=optional_int, choices=[])
    enterprise_id = SelectField("所属企业", coerce=optional_int, choices=[])

    def validate_roles(self, field: MultiCheckboxField) -> None:
        if not field.data:
            raise ValidationError("请至少选择一个角色")


class UserCreateForm(UserProfileForm):
    username = StringField(
        "用户名",
        validators=[
            DataRequired(message="请输入用户名"),
            Length(max=64, message="用户名最多64个字符"),
            Regexp(r"^[A-Za-z0-9_.@-]+$", message="用户名只能包含字母、数字和 _ . @ -"),
        ],
    )
    password = PasswordField(
        "初始密码",
        validators=[
            DataRequired(message="请输入初始密码"),
            Length(max=128, message=TOO_LONG_MESSAGE),
        ],
    )
    confirm = PasswordField(
        "确认密码",
        validators=[
            DataRequired(message="请再次输入密码"),
            EqualTo("password", message="两次输入的密码不一致"),
        ],
    )


class UserEditForm(VersionedForm, UserProfileForm):
    """Editing an account; the username never changes."""


class PasswordResetForm(BaseForm):
    password = PasswordField(
        "新密码",
        validators=[
            DataRequired(message="请输入新密码"),
            Length(max=128, message=TOO_LONG_MESSAGE),
        ],
    )
    confirm = PasswordField(
        "确认新密码",
        validators=[
            DataRequired(message="请再次输入新密码"),
            EqualTo("password", message="两次输入的密码不一致"),
        ],
    )


class DepartmentForm(BaseForm):
    name = StringField(
        "部门名称",
        validators=[
            DataRequired(message="请输入部门名称"),
            Length(max=60, message="部门名称最多60个字"),
        ],
    )
    is_industry = BooleanField("行业部门（负责行业包保指标，可承办交办事项）")
    description = TextAreaField(
        "说明", validators=[Optional(), Length(max=500, message="说明最多500个字")]
    )


class DepartmentEditForm(VersionedForm, DepartmentForm):
    is_active = BooleanField("在用")
