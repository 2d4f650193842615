"""Admin pages for deadlines: the work calendar (view, adjust a day, import a year's
State Council notice) and the SLA settings of the three levels."""

from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass
from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from hgq import access
from hgq.deadlines import services
from hgq.deadlines.calendar_import import parse_calendar_file, template_csv, weekday_label
from hgq.deadlines.forms import LEVEL_NAMES, CalendarDayForm, CalendarImportForm, SlaForm
from hgq.deadlines.models import CalendarDay, CalendarYear, SlaPolicy
from hgq.errors import DomainError
from hgq.extensions import db
from hgq.timeutil import local_today
from hgq.viewhelpers import refuse

bp = Blueprint("admin_deadlines", __name__, url_prefix="/admin")

PAGE = "admin/deadlines/"
YEAR_MIN, YEAR_MAX = 2000, 2099
MAX_UPLOAD = 1024 * 1024
# kind → (label, cell classes)
DAY_KINDS = {
    "workday": ("工作日", ""),
    "rest": ("休息日", "bg-body-secondary text-secondary"),
    "holiday": ("节假日", "bg-danger-subtle text-danger-emphasis"),
    "makeup": ("调休上班", "bg-warning-subtle text-warning-emphasis"),
}


@dataclass(frozen=True)
class DayCell:
    day: date
    kind: str
    name: str

    @property
    def label(self) -> str:
        return DAY_KINDS[self.kind][0]

    @property
    def classes(self) -> str:
        return DAY_KINDS[self.kind][1]

    @property
    def title(self) -> str:
        extra = f"（{self.name}）" if self.name and self.name != self.label else ""
        return f"{self.day.isoformat()} {weekday_label(self.day)} {self.label}{extra}"


def _day_cell(day: date, exceptions: dict[date, CalendarDay]) -> DayCell:
    weekend = day.weekday() >= 5
    row = exceptions.get(day)
    if row is None:
        return DayCell(day, "rest" if weekend else "workday", "")
    if row.is_workday:
        return DayCell(day, "makeup" if weekend else "workday", row.name)
    return DayCell(day, "rest" if weekend else "holiday", row.name)


def _months(year: int, exceptions: dict[date, CalendarDay]) -> list[tuple[int, list[list]]]:  # type: ignore[type-arg]
    """12 months of weeks (Monday first); days of other months are None."""
    months = []
    for month in range(1, 13):
        weeks = [
            [_day_cell(d, exceptions) if d.month == month else None for d in week]
            for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
        ]
        months.append((month, weeks))
    return months


def _year_ranges(years: list[CalendarYear]) -> list[tuple[int, int, str]]:
    """Loaded years grouped into runs of consecutive years from the same source."""
    ranges: list[tuple[int, int, str]] = []
    for y in years:
        if ranges and ranges[-1][1] == y.year - 1 and ranges[-1][2] == y.source:
            ranges[-1] = (ranges[-1][0], y.year, y.source)
        else:
            ranges.append((y.year, y.year, y.source))
    return ranges


def _year_arg() -> int:
    year = request.args.get("year", type=int)
    if year is None or not YEAR_MIN <= year <= YEAR_MAX:
        return local_today().year
    return year


def _render_calendar(year: int, day_form: CalendarDayForm) -> str:
    rows = services.year_exceptions(year)
    years = services.calendar_years()
    today = local_today()
    return render_template(
        PAGE + "calendar.html",
        year=year,
        months=_months(year, {r.day: r for r in rows}),
        rows=rows,
        year_ranges=_year_ranges(years),
        loaded=next((y for y in years if y.year == year), None),
        day_form=day_form,
        today=today,
        missing_year=services.missing_next_year(today),
        weekday_label=weekday_label,
        kinds=DAY_KINDS,
        year_min=YEAR_MIN,
        year_max=YEAR_MAX,
    )


@bp.route("/calendar")
@access.admin_required
def calendar() -> str:
    return _render_calendar(_year_arg(), CalendarDayForm(formdata=None))


@bp.post("/calendar/day")
@access.admin_required
def calendar_day() -> str | BaseResponse:
    form = CalendarDayForm()
    if form.validate_on_submit():
        day: date = form.day.data  # type: ignore[assignment]
        try:
            row = services.set_calendar_day(
                day,
                is_workday=form.is_workday,
                name=form.name.data or "",
                actor=current_user._get_current_object(),
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            db.session.commit()
            if row is None:
                flash(f"{day.isoformat()}已恢复默认（按周一至周五计算）。", "success")
            else:
                which = "工作日" if row.is_workday else "休息日"
                flash(f"已将{day.isoformat()}设为{which}（{row.name}）。", "success")
            return redirect(url_for(".calendar", year=day.year))
    year = form.day.data.year if form.day.data else _year_arg()
    return _render_calendar(year, form)


def _source_name(filename: str | None) -> str:
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip() or "未命名文件"
    return f"导入 {name}"[:80]


@bp.route("/calendar/import", methods=["GET", "POST"])
@access.admin_required
def calendar_import() -> str:
    form = CalendarImportForm()
    parsed = counts = None
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            form.file.errors.append("文件过大（超过 1 MB），请只保留一个年度的安排。")
        else:
            parsed = parse_calendar_file(data)
            if parsed.ok and parsed.year is not None:
                counts = services.import_calendar_year(
                    parsed.year,
                    parsed.rows,
                    source=_source_name(upload.filename),
                    actor=current_user._get_current_object(),
                )
                db.session.commit()
    return render_template(
        PAGE + "import.html",
        form=form,
        parsed=parsed,
        counts=counts,
        year_ranges=_year_ranges(services.calendar_years()),
        next_year=local_today().year + 1,
        weekday_label=weekday_label,
    )


@bp.route("/calendar/template.csv")
@access.admin_required
def calendar_template() -> Response:
    year = local_today().year + 1
    return Response(
        template_csv(year).encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=holidays-{year}.csv"},
    )


# -- SLA ---------------------------------------------------------------------------
def _fill_sla_form(form: SlaForm, policies: dict[int, SlaPolicy]) -> None:
    for level, policy in policies.items():
        for field in form.level_fields(level):
            field.data = getattr(policy, field.name.rsplit("_", 1)[0])
        form[f"version_{level}"].data = str(policy.version if policy in db.session else 0)


@bp.route("/sla", methods=["GET", "POST"])
@access.admin_required
def sla() -> str | BaseResponse:
    policies = services.get_policies()
    form = SlaForm()
    if request.method == "GET":
        _fill_sla_form(form, policies)
    elif form.validate_on_submit():
        try:
            changed = services.save_sla_policies(
                form.values(), form.versions(), actor=current_user._get_current_object()
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            db.session.commit()
            if changed:
                levels = "、".join(LEVEL_NAMES[level] for level in changed)
                flash(f"已保存办理时限（{levels}），此后新计算的期限按新设置执行。", "success")
            else:
                flash("办理时限没有变化。", "info")
            return redirect(url_for(".sla"))
    return render_template(PAGE + "sla.html", form=form, levels=LEVEL_NAMES, policies=policies)
