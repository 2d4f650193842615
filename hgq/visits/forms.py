"""The visit form (定期联络): shape checks only; :mod:`hgq.visits.services` decides."""

from __future__ import annotations

from typing import Any

from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from hgq.cases.services import TEXT_MAX, TITLE_MAX
from hgq.forms import BaseForm, optional_int
from hgq.visits.models import METHOD_LABELS, VisitMethod
from hgq.visits.services import PEOPLE_MAX

PROBLEM_BLOCKS = 3
MAX_PROBLEMS = 10


class ProblemForm(Form):
    """One problem found during the visit; a fully empty block is ignored."""

    class Meta:
        locales = ("zh",)

    title = StringField(
        "问题标题",
        validators=[Optional(), Length(max=TITLE_MAX, message=f"标题不能超过{TITLE_MAX}字")],
        render_kw={"placeholder": "一句话概括", "autocomplete": "off"},
    )
    description = TextAreaField(
        "具体情况",
        validators=[
            Optional(),
            Length(max=TEXT_MAX, message=f"具体情况不能超过{TEXT_MAX}字"),
        ],
    )
    # Whether the category exists and is active is the case service's check.
    category = SelectField(
        "诉求类别",
        coerce=optional_int,
        validate_choice=False,
        invalid_value_message="请选择有效的诉求类别",
    )

    def is_empty(self) -> bool:
        return not (
            (self.title.data or "").strip()
            or (self.description.data or "").strip()
            or self.category.data
        )

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if self.is_empty():
            return ok
        for field, message in (
            (self.title, "请填写问题标题"),
            (self.description, "请填写问题的具体情况"),
            (self.category, "请选择诉求类别"),
        ):
            if not field.data or (isinstance(field.data, str) and not field.data.strip()):
                field.errors = [*field.errors, message]
                ok = False
        return ok


class VisitForm(BaseForm):
    """Log a contact with an enterprise, and turn problems found into cases."""

    visited_on = DateField(
        "联络日期",
        validators=[InputRequired(message="请填写联络日期")],
        format="%Y-%m-%d",
    )
    method = RadioField(
        "联络方式",
        choices=[SelectChoice(m.value, METHOD_LABELS[m]) for m in VisitMethod],
        coerce=VisitMethod,
        default=VisitMethod.ONSITE,
        validators=[InputRequired(message="请选择联络方式")],
    )
    people_met = StringField(
        "会见人员",
        validators=[Length(max=PEOPLE_MAX, message=f"会见人员不能超过{PEOPLE_MAX}字")],
        render_kw={"placeholder": "如：张总（总经理）、李经理", "autocomplete": "off"},
    )
    summary = TextAreaField(
        "联络情况",
        validators=[
            DataRequired(message="请填写联络情况"),
            Length(max=TEXT_MAX, message=f"联络情况不能超过{TEXT_MAX}字"),
        ],
        render_kw={"placeholder": "了解到的生产经营情况、政策宣传、企业意见等"},
    )
    problems_found = TextAreaField(
        "发现的问题",
        validators=[Length(max=TEXT_MAX, message=f"发现的问题不能超过{TEXT_MAX}字")],
        render_kw={"placeholder": "无需登记为诉求的问题，可简要记在这里"},
    )
    problems = FieldList(
        FormField(ProblemForm), min_entries=PROBLEM_BLOCKS, max_entries=MAX_PROBLEMS
    )

    def set_categories(self, choices: list[SelectChoice]) -> None:
        for entry in self.problems:
            entry.form.category.choices = [SelectChoice("", "请选择类别"), *choices]
