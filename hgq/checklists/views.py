"""Weekly checklist pages (每周清单): an officer's week, and his leaders' side-by-side
view with reminders. Export and print views are in :mod:`hgq.checklists.export_views`.

Pages address a week as ``2026-W48``; ``?user_id=`` names the officer for those who
oversee him (hgq.access decides who may).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from hgq import access
from hgq.accounts.models import Role, User
from hgq.checklists import queries, services
from hgq.checklists.forms import OwnItemForm, ProgressForm, ReviewForm
from hgq.checklists.models import OUTCOME_LABELS, WeeklyChecklist
from hgq.checklists.weeks import Week
from hgq.deadlines.views import page_now
from hgq.errors import DomainError, RecordFrozen
from hgq.extensions import db
from hgq.forms import show_refusal

bp = Blueprint("checklists", __name__, url_prefix="/checklists")

USER_ID = re.compile(r"[0-9]{1,12}")
KEEPERS = (Role.OFFICER, Role.LEADER, Role.COMMITTEE, Role.ADMIN)


def requested_week(text: str) -> Week:
    """The week of the URL; 404 for a malformed one or one that has not begun."""
    week = Week.parse(text)
    if week is None or week > services.current_week(page_now()):
        abort(404)
    return week


def requested_owner() -> User:
    """Whose week: ``?user_id=`` (digits only, else 404) or the caller."""
    raw = request.args.get("user_id", "")
    if raw == "":
        return access.access_checklist_owner(current_user, None)
    if not USER_ID.fullmatch(raw):
        abort(404)
    return access.access_checklist_owner(current_user, int(raw))


def owner_args(owner: User) -> dict[str, Any]:
    return {} if owner.id == current_user.id else {"user_id": owner.id}


def _checklist_or_404(owner: User, week: Week) -> WeeklyChecklist:
    checklist = services.open_checklist(owner, week, page_now())
    if checklist is None:
        abort(404)
    return checklist


@bp.route("/")
@access.roles_required(*KEEPERS)
def index() -> Response:
    """Officers land on their current week, those who oversee them on the team view."""
    week = str(services.current_week(page_now()))
    if access.can_keep_checklist(current_user):
        return redirect(url_for(".detail", week=week))
    if access.can_oversee_checklists(current_user):
        return redirect(url_for(".team", week=week))
    abort(403)


def _render(
    owner: User,
    week: Week,
    *,
    progress_form: ProgressForm | None = None,
    item_form: OwnItemForm | None = None,
    review_form: ReviewForm | None = None,
    typed: dict[str, str] | None = None,
    refusal: str | None = None,
    unsaved: list[tuple[str, str]] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    now = page_now()
    checklist = services.open_checklist(owner, week, now)
    db.session.commit()  # a checklist made or brought in step on first sight is kept
    mine = owner.id == current_user.id
    editable = mine and checklist is not None and not services.is_frozen(checklist, now)
    version = checklist.version if checklist else 0
    if progress_form is None:
        progress_form = ProgressForm(formdata=None, version=version)
    if item_form is None:
        item_form = OwnItemForm(formdata=None, version=version)
    can_review = (
        checklist is not None
        and checklist.is_submitted
        and access.can_review_checklist(current_user, owner)
    )
    if review_form is None and can_review:
        review_form = ReviewForm(
            formdata=None, version=version, comment=checklist.review_comment if checklist else ""
        )
    current = services.current_week(now)
    return render_template(
        "checklists/detail.html",
        owner=owner,
        mine=mine,
        week=week,
        checklist=checklist,
        outcome=services.outcome_at(checklist, week, now),
        due_at=checklist.due_at if checklist else services.due_at(week),
        closes_at=services.closes_at(week),
        editable=editable,
        can_review=can_review,
        progress_form=progress_form,
        item_form=item_form,
        review_form=review_form,
        typed=typed or {},
        outcome_labels=OUTCOME_LABELS,
        prev_week=week.shift(-1),
        next_week=week.shift(1) if week < current else None,
        current_week=current,
        history=queries.recent_weeks(owner),
        owner_args=owner_args(owner),
        oversees=access.can_oversee_checklists(current_user),
        now=now,
        refusal=refusal,
        unsaved=unsaved or [],
    ), status


@bp.route("/<week>")
@access.roles_required(*KEEPERS)
def detail(week: str) -> tuple[str, int]:
    return _render(requested_owner(), requested_week(week))


@bp.post("/<week>")
@access.roles_required(Role.OFFICER)
def save(week: str) -> str | Response | tuple[str, int]:
    """保存进展, and with the submit button 提交本周 in the same step."""
    the_week = requested_week(week)
    checklist = _checklist_or_404(current_user, the_week)
    form = ProgressForm()
    typed = request.form.to_dict()
    submitting = "submit_week" in request.form
    if form.validate_on_submit():
        now = page_now()
        try:
            message = form.too_long(request.form)
            if message:
                raise DomainError(message)
            updates = form.updates(request.form, [item.id for item in checklist.items])
            changed = services.record_progress(
                checklist, current_user, updates, now=now, version=form.loaded_version()
            )
            if submitting:
                outcome = services.submit(checklist, current_user, now=now)
        except RecordFrozen as exc:
            db.session.rollback()
            unsaved = [
                (item.title, text)
                for item in checklist.items
                if (text := request.form.get(f"progress-{item.id}", "").strip())
                and text != item.progress
            ]
            return _render(current_user, the_week, refusal=str(exc), unsaved=unsaved, status=409)
        except DomainError as exc:
            db.session.rollback()
            show_refusal(form, exc)
        else:
            db.session.commit()
            if submitting:
                flash(f"已提交{the_week.label}清单（{outcome.label}）。", "success")
            else:
                flash(
                    f"已保存 {changed} 项进展。" if changed else "没有需要保存的变化。", "success"
                )
            return redirect(url_for(".detail", week=week))
    return _render(current_user, the_week, progress_form=form, typed=typed, status=400)


@bp.post("/<week>/items")
@access.roles_required(Role.OFFICER)
def add_item(week: str) -> str | Response | tuple[str, int]:
    the_week = requested_week(week)
    checklist = _checklist_or_404(current_user, the_week)
    form = OwnItemForm()
    if form.validate_on_submit():
        try:
            services.add_own_item(
                checklist,
                current_user,
                title=form.title.data or "",
                due_on=form.due_on.data,
                now=page_now(),
                version=form.loaded_version(),
            )
        except RecordFrozen as exc:
            db.session.rollback()
            unsaved = [("自定事项", form.title.data or "")]
            return _render(current_user, the_week, refusal=str(exc), unsaved=unsaved, status=409)
        except DomainError as exc:
            db.session.rollback()
            show_refusal(form, exc)
        else:
            db.session.commit()
            flash("已添加自定事项。", "success")
            return redirect(url_for(".detail", week=week) + "#items")
    return _render(current_user, the_week, item_form=form, status=400)


@bp.post("/<week>/review")
@access.roles_required(Role.LEADER, Role.COMMITTEE)
def review(week: str) -> str | Response | tuple[str, int]:
    owner = requested_owner()
    the_week = requested_week(week)
    checklist = _checklist_or_404(owner, the_week)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            services.review(
                checklist,
                current_user,
                form.comment.data or "",
                now=page_now(),
                version=form.loaded_version(),
            )
        except DomainError as exc:
            db.session.rollback()
            show_refusal(form, exc)
        else:
            db.session.commit()
            flash(f"已点评{owner.name}的清单。", "success")
            return redirect(url_for(".detail", week=week, **owner_args(owner)))
    return _render(owner, the_week, review_form=form, status=400)


# -- leaders: their officers side by side --------------------------------------------
@bp.route("/team/")
@access.roles_required(Role.LEADER, Role.COMMITTEE, Role.ADMIN)
def team_now() -> Response:
    return redirect(url_for(".team", week=str(services.current_week(page_now()))))


@bp.route("/team/<week>")
@access.roles_required(Role.LEADER, Role.COMMITTEE, Role.ADMIN)
def team(week: str) -> str:
    the_week = requested_week(week)
    now = page_now()
    rows = queries.team_week(current_user, the_week, now)
    current = services.current_week(now)
    return render_template(
        "checklists/team.html",
        week=the_week,
        rows=rows,
        due_at=services.due_at(the_week),
        closes_at=services.closes_at(the_week),
        submitted=sum(1 for row in rows if row.submitted),
        can_remind=now <= services.closes_at(the_week),
        prev_week=the_week.shift(-1),
        next_week=the_week.shift(1) if the_week < current else None,
        current_week=current,
        now=now,
    )


@bp.post("/team/<week>/remind")
@access.roles_required(Role.LEADER, Role.COMMITTEE, Role.ADMIN)
def remind(week: str) -> Response:
    """Remind every officer of the team who has not submitted the week."""
    the_week = requested_week(week)  # CSRFProtect has checked the form's token
    officers = [row.officer for row in queries.team_week(current_user, the_week, page_now())]
    reminded = services.remind(current_user, officers, the_week, page_now())
    db.session.commit()
    if reminded:
        flash("已提醒：" + "、".join(o.name for o in reminded), "success")
    else:
        flash("没有需要提醒的责任人：都已提交，或该周已截止补交。", "info")
    return redirect(url_for(".team", week=week))


from hgq.checklists import export_views  # noqa: E402,F401  (routes on this blueprint)
