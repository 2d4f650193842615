"""The base form: Chinese validation messages from WTForms' own catalogue."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import InputRequired


class BaseForm(FlaskForm):
    class Meta:
        locales = ("zh",)


class VersionedForm(BaseForm):
    """A form that edits an existing record and carries the version it was loaded at."""

    version = HiddenField(validators=[InputRequired(message="缺少版本信息，请刷新页面")])

    def loaded_version(self) -> int:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return -1
