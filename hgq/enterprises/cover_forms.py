"""Admin forms for covers (顶岗): shape checks only.

Who may stand in for whom, and which periods are allowed, is checked by
:mod:`hgq.enterprises.cover_services`, which names the person or date it refuses.
"""

from __future__ import annotations

from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length

from hgq.forms import BaseForm, optional_int
from hgq.timeutil import local_today


def officer_choices(officers: list[tuple[int, str]]) -> list[SelectChoice]:
    """The choices of an officer select: a prompt, then ``(id, label)`` pairs."""
    return [SelectChoice("", "请选择…"), *(SelectChoice(str(i), label) for i, label in officers)]


class CoverForm(BaseForm):
    """新增顶岗: who stands in for whom, from when until when (both inclusive)."""

    # Choices are checked by the service (role, active), which names the person.
    officer_id = SelectField(
        "顶岗人",
        coerce=optional_int,
        validate_choice=False,
        validators=[InputRequired(message="请选择顶岗人")],
    )
    colleague_id = SelectField(
        "被顶岗的责任人",
        coerce=optional_int,
        validate_choice=False,
        validators=[InputRequired(message="请选择被顶岗的责任人")],
    )
    start_date = DateField(
        "开始日期", default=local_today, validators=[InputRequired(message="请选择开始日期")]
    )
    end_date = DateField("结束日期", validators=[InputRequired(message="请选择结束日期")])
    note = StringField("事由", validators=[Length(max=200, message="事由不能超过200个字")])


class EndCoverForm(BaseForm):
    """提前结束: the cover then runs until this date (inclusive)."""

    end_date = DateField(
        "结束日期", default=local_today, validators=[InputRequired(message="请选择结束日期")]
    )
