"""The notification centre: list, open, mark read."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from hgq import access
from hgq.extensions import db
from hgq.notifications import queries, services
from hgq.notifications.models import Notification
from hgq.viewhelpers import paginate

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.route("/")
@access.signed_in
def index() -> str:
    unread_only = request.args.get("unread") == "1"
    page = paginate(queries.select_for_user(current_user.id, unread_only=unread_only))
    return render_template("notifications/index.html", page=page, unread_only=unread_only)


@bp.route("/<int:notification_id>/open", methods=["POST"])
@access.signed_in
def open_(notification_id: int) -> Response:
    """Mark one read and go to what it is about (its case, its link, or back to the
    list)."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != current_user.id:
        abort(404)
    services.mark_read(current_user.id, [note.id])
    db.session.commit()
    if note.case_id is not None:
        return redirect(url_for("cases.detail", case_id=note.case_id))
    if note.link and note.link.startswith("/") and not note.link.startswith("//"):
        return redirect(note.link)  # a path inside the app, never another site
    return redirect(url_for("notifications.index"))


@bp.route("/read-all", methods=["POST"])
@access.signed_in
def read_all() -> Response:
    count = services.mark_read(current_user.id)
    db.session.commit()
    flash(f"已将 {count} 条消息标记为已读。" if count else "没有未读消息。", "info")
    return redirect(url_for("notifications.index"))


@bp.app_context_processor
def unread_count() -> dict[str, object]:
    """The header's unread badge: one COUNT per page, only for signed-in users."""

    def _count() -> int:
        return queries.count_unread(current_user.id) if current_user.is_authenticated else 0

    return {"unread_notifications": _count}
