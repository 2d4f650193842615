"""Admin pages for covers (顶岗): the list, a new cover, ending one early."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from hgq import access
from hgq.accounts.models import Role, User
from hgq.accounts.queries import select_active_with_role
from hgq.enterprises import cover_services
from hgq.enterprises.cover_forms import CoverForm, EndCoverForm, officer_choices
from hgq.enterprises.cover_queries import select_covers
from hgq.enterprises.models import Cover
from hgq.errors import DomainError
from hgq.extensions import db
from hgq.timeutil import local_today
from hgq.viewhelpers import paginate, refuse

bp = Blueprint("admin_covers", __name__, url_prefix="/admin/covers")

PAGE = "admin/enterprises/"

# (label, Bootstrap badge class) of a cover against today.
RUNNING = ("进行中", "text-bg-success")
UPCOMING = ("未开始", "text-bg-info")
ENDED = ("已结束", "text-bg-secondary")


def cover_status(cover: Cover, today: date) -> tuple[str, str]:
    """进行中, 未开始 or 已结束 on ``today``, with its badge class."""
    if cover.end_date < today:
        return ENDED
    return RUNNING if cover.start_date <= today else UPCOMING


def end_form_for(cover: Cover, *, posted: bool = False) -> EndCoverForm:
    """The 提前结束 form of one row; the prefix keeps the rows' inputs apart."""
    prefix = f"c{cover.id}"
    return EndCoverForm(prefix=prefix) if posted else EndCoverForm(formdata=None, prefix=prefix)


def _user(user_id: int | None) -> User | None:
    return db.session.get(User, user_id) if user_id is not None and 0 < user_id < 2**31 else None


def _render_list(failed: Cover | None = None, failed_form: EndCoverForm | None = None) -> str:
    today = local_today()
    page = paginate(select_covers(today))
    end_forms = {c.id: end_form_for(c) for c in page.items if c.end_date >= today}
    if failed is not None and failed_form is not None and failed.id in end_forms:
        end_forms[failed.id] = failed_form
    return render_template(
        PAGE + "covers.html",
        page=page,
        today=today,
        end_forms=end_forms,
        failed=failed,
        failed_form=failed_form,
        cover_status=cover_status,
    )


@bp.route("")
@access.admin_required
def index() -> str:
    """Every cover: running and upcoming first, then past ones; paginated."""
    return _render_list()


@bp.route("/new", methods=["GET", "POST"])
@access.admin_required
def new() -> str | Response | tuple[str, int]:
    form = CoverForm()
    officers = db.session.scalars(select_active_with_role(Role.OFFICER)).all()
    choices = officer_choices([(u.id, f"{u.name}（{u.username}）") for u in officers])
    form.officer_id.choices = choices
    form.colleague_id.choices = list(choices)
    if form.validate_on_submit():
        try:
            cover = cover_services.create_cover(
                _user(form.officer_id.data),
                _user(form.colleague_id.data),
                form.start_date.data,  # type: ignore[arg-type]
                form.end_date.data,  # type: ignore[arg-type]
                form.note.data or "",
                current_user._get_current_object(),
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            db.session.commit()
            flash(
                f"已安排{cover.officer.name}为{cover.colleague.name}顶岗"
                f"（{cover.start_date:%Y-%m-%d} 至 {cover.end_date:%Y-%m-%d}）。",
                "success",
            )
            return redirect(url_for(".index"))
    status = 400 if form.errors else 200
    return render_template(PAGE + "covers_new.html", form=form), status


@bp.post("/<int:cover_id>/end")
@access.admin_required
def end(cover_id: int) -> Response | tuple[str, int]:
    """提前结束: the cover then runs until the posted date (inclusive)."""
    cover = db.get_or_404(Cover, cover_id)
    form = end_form_for(cover, posted=True)
    if form.validate_on_submit():
        try:
            cover_services.end_cover(
                cover,
                form.end_date.data,  # type: ignore[arg-type]
                current_user._get_current_object(),
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            db.session.commit()
            flash(
                f"{cover.officer.name}为{cover.colleague.name}的顶岗"
                f"已改为{cover.end_date:%Y-%m-%d}结束。",
                "warning",
            )
            return redirect(url_for(".index", page=request.args.get("page", type=int)))
    cover = db.get_or_404(Cover, cover_id)  # refuse() rolled back: load it afresh
    return _render_list(cover, form), 400


@bp.post("/<int:cover_id>/cancel")
@access.admin_required
def cancel(cover_id: int) -> Response:
    """取消 a cover that has not begun (CSRFProtect has checked the form's token)."""
    cover = db.get_or_404(Cover, cover_id)
    names = f"{cover.officer.name}为{cover.colleague.name}"
    try:
        cover_services.cancel_cover(cover, current_user._get_current_object())
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(f"已取消{names}的顶岗安排。", "warning")
    return redirect(url_for(".index", page=request.args.get("page", type=int)))
