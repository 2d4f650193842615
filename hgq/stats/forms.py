"""The composite score settings form, and the dashboard's filter arguments.

The form checks shape and bounds; :func:`hgq.stats.composite.check_settings` decides
whether the rule as a whole makes sense (weights summing to 100 and so on).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import FieldList, Form, FormField, IntegerField, RadioField, SelectChoice
from wtforms.fields import DecimalField
from wtforms.validators import InputRequired, NumberRange, Optional

from hgq.forms import VersionedForm
from hgq.stats.composite import FULL_MARKS, MAX_STEPS, MODES, RATES, steps_of, weight_of

STEP_ROWS = 6  # rows offered per rate on the page (blank rows are ignored)
RANGE = f"应在0至{FULL_MARKS}之间"


class StepForm(Form):
    """One threshold step: a minimum rate in percent and the points it earns."""

    class Meta:
        locales = ("zh",)

    minimum = DecimalField(
        "最低比率（%）",
        places=None,
        validators=[Optional(), NumberRange(0, FULL_MARKS, message=RANGE)],
        render_kw={"inputmode": "decimal", "step": "0.1", "min": 0, "max": FULL_MARKS},
    )
    points = DecimalField(
        "得分",
        places=None,
        validators=[Optional(), NumberRange(0, FULL_MARKS, message=RANGE)],
        render_kw={"inputmode": "decimal", "step": "0.5", "min": 0, "max": FULL_MARKS},
    )

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if ok and (self.minimum.data is None) != (self.points.data is None):
            missing = self.points if self.points.data is None else self.minimum
            missing.errors = [*missing.errors, "比率和得分须同时填写"]
            return False
        return ok

    @property
    def filled(self) -> bool:
        return self.minimum.data is not None and self.points.data is not None


def _weight(label: str) -> IntegerField:
    return IntegerField(
        f"{label}权重",
        validators=[
            InputRequired(message="请填写权重"),
            NumberRange(0, FULL_MARKS, message=f"权重{RANGE}"),
        ],
        render_kw={"inputmode": "numeric", "min": 0, "max": FULL_MARKS},
    )


def _number(value: Any) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() else number


class CompositeForm(VersionedForm):
    """综合得分 settings: the mode, three weights, and up to STEP_ROWS steps per rate."""

    mode = RadioField(
        "计分方式",
        choices=[SelectChoice(value, label) for value, label in MODES.items()],
        validators=[InputRequired(message="请选择计分方式")],
    )
    weight_response = _weight(RATES["response"][0])
    weight_resolution = _weight(RATES["resolution"][0])
    weight_satisfaction = _weight(RATES["satisfaction"][0])
    steps_response = FieldList(FormField(StepForm), min_entries=STEP_ROWS, max_entries=MAX_STEPS)
    steps_resolution = FieldList(FormField(StepForm), min_entries=STEP_ROWS, max_entries=MAX_STEPS)
    steps_satisfaction = FieldList(
        FormField(StepForm), min_entries=STEP_ROWS, max_entries=MAX_STEPS
    )

    def validate(self, extra_validators: Any = None) -> bool:
        # Weights only matter in the weighted mode: in the other one a blank is fine.
        if self.mode.data == "threshold":
            for key in RATES:
                field = self[f"weight_{key}"]
                field.validators = [Optional(), *field.validators[1:]]
        return super().validate(extra_validators)

    def weight_fields(self) -> list[Any]:
        return [self[f"weight_{key}"] for key in RATES]

    def step_fields(self) -> list[tuple[str, str, Any]]:
        return [(key, label, self[f"steps_{key}"]) for key, (label, _) in RATES.items()]

    def fill(self, settings: dict[str, Any], version: int) -> None:
        """Show ``settings`` (see hgq.stats.composite) on a fresh form."""
        self.mode.data = settings.get("mode", "weighted")
        for key in RATES:
            self[f"weight_{key}"].data = _number(weight_of(settings, key))
            steps = steps_of(settings, key)
            data = [{"minimum": _number(s.minimum), "points": _number(s.points)} for s in steps]
            data += [{}] * (STEP_ROWS - len(data))
            field = self[f"steps_{key}"]
            while len(field.entries):
                field.pop_entry()
            for row in data:
                field.append_entry(row)
        self.version.data = str(version)

    def settings(self, previous: dict[str, Any]) -> dict[str, Any]:
        """The settings the form describes. The mode not chosen keeps its previous
        values where the form left them blank, so switching back loses nothing."""
        weights = {
            key: _number(self[f"weight_{key}"].data)
            if self[f"weight_{key}"].data is not None
            else _number(weight_of(previous, key))
            for key in RATES
        }
        thresholds = {
            key: [
                {"min": _number(entry.form.minimum.data), "points": _number(entry.form.points.data)}
                for entry in self[f"steps_{key}"]
                if entry.form.filled
            ]
            for key in RATES
        }
        return {"mode": self.mode.data, "weights": weights, "thresholds": thresholds}


# -- the dashboard's query arguments ---------------------------------------------------
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MAX_MONTHS = 120  # ten years on one page at most


def parse_month(value: str | None) -> date | None:
    """``2026-03`` → date(2026, 3, 1); None for anything else."""
    match = MONTH.match((value or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2099 and 1 <= month <= 12):
        return None
    return date(year, month, 1)


def month_text(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _int_arg(args: MultiDict[str, str], name: str) -> int | None:
    try:
        value = int(args.get(name, ""))
    except ValueError:
        return None
    return value if 0 < value < 2**31 else None


@dataclass(frozen=True)
class DashboardArgs:
    """What the dashboard (and its exports) were asked for: a range of whole months
    (``from``/``to`` as YYYY-MM, default this year up to this month) and optional
    category, officer and leader. ``first`` and ``last`` are first days of months."""

    first: date
    last: date
    category_id: int | None = None
    officer_id: int | None = None
    leader_id: int | None = None

    @classmethod
    def parse(cls, args: MultiDict[str, str], today: date) -> DashboardArgs:
        this_month = today.replace(day=1)
        first = parse_month(args.get("from")) or this_month.replace(month=1)
        last = parse_month(args.get("to")) or this_month
        if last < first:
            first, last = last, first
        if _months_between(first, last) >= MAX_MONTHS:  # keep the trend readable
            first = _add_months(last, 1 - MAX_MONTHS)
        return cls(
            first=first,
            last=last,
            category_id=_int_arg(args, "category"),
            officer_id=_int_arg(args, "officer"),
            leader_id=_int_arg(args, "leader"),
        )

    def query_args(self) -> dict[str, str | int]:
        """The arguments that reproduce these filters (for links and exports)."""
        out: dict[str, str | int] = {"from": month_text(self.first), "to": month_text(self.last)}
        for name, value in (
            ("category", self.category_id),
            ("officer", self.officer_id),
            ("leader", self.leader_id),
        ):
            if value is not None:
                out[name] = value
        return out

    @property
    def label(self) -> str:
        if self.first == self.last:
            return f"{self.first.year}年{self.first.month}月"
        return f"{self.first.year}年{self.first.month}月至{self.last.year}年{self.last.month}月"
