"""Admin forms for the work calendar and the SLA settings. Shape and bounds only;
:mod:`hgq.deadlines.services` does the writing."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    StringField,
)
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from hgq.forms import BaseForm

LEVEL_NAMES = {1: "一级（包保责任人）", 2: "二级（包保领导）", 3: "三级（管委会）"}
WORKDAYS_MIN, WORKDAYS_MAX = 1, 60
CLOSE_MIN, CLOSE_MAX = 0, 30
DAY_CHOICES = [
    SelectChoice("workday", "工作日"),
    SelectChoice("rest", "休息日"),
    SelectChoice("reset", "恢复默认（按周一至周五）"),
]
DAY_VALUES = {"workday": True, "rest": False, "reset": None}


class CalendarDayForm(BaseForm):
    day = DateField(
        "日期", validators=[InputRequired(message="请选择日期")], render_kw={"autocomplete": "off"}
    )
    status = RadioField(
        "设为", choices=DAY_CHOICES, default="rest", validators=[InputRequired(message="请选择")]
    )
    name = StringField(
        "名称",
        validators=[Length(max=50, message="名称不能超过50字")],
        render_kw={"placeholder": "如：临时调休", "autocomplete": "off"},
    )

    def validate_name(self, field: StringField) -> None:
        field.data = (field.data or "").strip()
        if self.status.data in ("workday", "rest") and not field.data:
            raise ValidationError("请填写名称，如“临时调休”")

    @property
    def is_workday(self) -> bool | None:
        return DAY_VALUES.get(self.status.data or "")


class CalendarImportForm(BaseForm):
    file = FileField(
        "国务院节假日安排文件（CSV 或 xlsx）",
        validators=[FileRequired(message="请选择要导入的文件")],
        render_kw={"accept": ".csv,.xlsx,text/csv"},
    )


def _workdays(label: str) -> IntegerField:
    message = f"应为{WORKDAYS_MIN}至{WORKDAYS_MAX}个工作日"
    return IntegerField(
        label,
        validators=[
            InputRequired(message="请填写天数"),
            NumberRange(WORKDAYS_MIN, WORKDAYS_MAX, message=message),
        ],
        render_kw={"inputmode": "numeric", "min": WORKDAYS_MIN, "max": WORKDAYS_MAX},
    )


class SlaForm(BaseForm):
    """The three levels' settings; fields are named ``<setting>_<level>``."""

    def level_fields(self, level: int) -> list[Any]:
        names = ["response_workdays"] if level == 1 else []
        names += ["resolution_workdays", "due_soon_workdays", "auto_escalate", "auto_close_days"]
        return [self[f"{name}_{level}"] for name in names]

    def values(self) -> dict[int, dict[str, object]]:
        values: dict[int, dict[str, object]] = {}
        for level in LEVEL_NAMES:
            values[level] = {
                field.name.rsplit("_", 1)[0]: field.data for field in self.level_fields(level)
            }
        return values

    def versions(self) -> dict[int, int]:
        versions = {}
        for level in LEVEL_NAMES:
            try:
                versions[level] = int(self[f"version_{level}"].data)
            except (TypeError, ValueError):
                versions[level] = -1
        return versions

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        for level in LEVEL_NAMES:
            soon, resolution = (
                self[f"due_soon_workdays_{level}"],
                self[f"resolution_workdays_{level}"],
            )
            if soon.errors or resolution.errors or soon.data is None or resolution.data is None:
                continue
            if soon.data >= resolution.data:
                soon.errors = [*soon.errors, "临期提醒应少于办结时限的工作日数"]
                ok = False
        return ok


for _level in LEVEL_NAMES:
    if _level == 1:
        setattr(SlaForm, "response_workdays_1", _workdays("响应时限（工作日）"))  # noqa: B010
    setattr(SlaForm, f"resolution_workdays_{_level}", _workdays("办结时限（工作日）"))
    setattr(SlaForm, f"due_soon_workdays_{_level}", _workdays("临期提醒（提前工作日）"))
    setattr(
        SlaForm,
        f"auto_escalate_{_level}",
        BooleanField("超期自动督办" if _level == 3 else "超期自动升级到上一级"),
    )
    setattr(
        SlaForm,
        f"auto_close_days_{_level}",
        IntegerField(
            "办结后自动关闭（自然日）",
            validators=[
                InputRequired(message="请填写天数"),
                NumberRange(CLOSE_MIN, CLOSE_MAX, message=f"应为{CLOSE_MIN}至{CLOSE_MAX}天"),
            ],
            render_kw={"inputmode": "numeric", "min": CLOSE_MIN, "max": CLOSE_MAX},
        ),
    )
    setattr(SlaForm, f"version_{_level}", HiddenField())
