"""The base form: Chinese validation messages from WTForms' own catalogue."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectMultipleField
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from hgq.errors import DomainError


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


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice rendered as a row of checkboxes (roles, tags)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def optional_int(value: object) -> int | None:
    """Coerce a select's value to int, with "" meaning none (for optional foreign keys)."""
    if value in (None, "", "None"):
        return None
    return int(value)  # type: ignore[call-overload]


def show_refusal(form: BaseForm, exc: DomainError) -> None:
    """Show a service's refusal on the form: at the field it names, else above the form."""
    if exc.field and exc.field in form:
        form[exc.field].errors.append(str(exc))
    else:
        form.form_errors.append(str(exc))
