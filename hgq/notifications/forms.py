"""The 通知设置 form on the user's own account page: shape checks only; the rule that
mail needs an address is :func:`hgq.notifications.services.set_email_preference`'s."""

from __future__ import annotations

from wtforms import SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional, Regexp

from hgq.accounts.models import EMAIL_MODE_LABELS
from hgq.forms import BaseForm
from hgq.notifications.services import EMAIL_MAX_LENGTH, EMAIL_RE, EMAIL_SHAPE_MESSAGE


def email_field(label: str = "邮箱") -> StringField:
    """An optional email address, its shape checked (shared with the admin's user form)."""
    return StringField(
        label,
        validators=[
            Optional(),
            Length(max=EMAIL_MAX_LENGTH, message=f"邮箱最多{EMAIL_MAX_LENGTH}个字符"),
            Regexp(EMAIL_RE, message=EMAIL_SHAPE_MESSAGE),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )


class NotificationSettingsForm(BaseForm):
    email = email_field()
    email_mode = SelectField(
        "邮件通知",
        choices=[SelectChoice(mode.value, label) for mode, label in EMAIL_MODE_LABELS.items()],
        validate_choice=True,
    )
    # Its name tells the account page which of its two forms was submitted.
    save_settings = SubmitField("保存通知设置")
