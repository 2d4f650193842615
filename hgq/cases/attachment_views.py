"""Uploading files to a case and downloading them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from hgq import access
from hgq.audit.services import record_audit
from hgq.cases import attachments
from hgq.cases.models import Attachment, Case
from hgq.cases.queries import select_visible_attachments
from hgq.errors import DomainError
from hgq.extensions import db

bp = Blueprint("attachments", __name__)


@bp.app_template_global()
def visible_attachments(case: Case) -> list[Attachment]:
    """The case's files the signed-in user may see (for templates/cases/_attachments.html)."""
    return list(db.session.scalars(select_visible_attachments(case, current_user)))


@bp.app_template_global()
def can_upload_attachments(case: Case) -> bool:
    return access.can_upload_attachment(current_user, case)


@bp.app_template_global()
def attachment_rules() -> str:
    """What may be uploaded, for the upload forms' help text."""
    return (
        f"{attachments.ALLOWED_HINT}；每个文件不超过{attachments.format_size(attachments.max_bytes())}，"
        f"每次最多{attachments.MAX_FILES}个"
    )


@bp.app_template_filter("filesize")
def filesize(size: int) -> str:
    return attachments.format_size(size)


@bp.route("/cases/<int:case_id>/attachments", methods=["POST"])
@access.signed_in
def upload(case_id: int) -> Response:
    """Add files to a case; staff may mark them internal (仅内部可见)."""
    case = access.access_case(current_user, case_id)
    back = redirect(url_for("cases.detail", case_id=case.id) + "#attachments")
    if not access.can_upload_attachment(current_user, case):
        flash(f"案件“{case.status.label}”，不能再上传附件。", "warning")
        return back
    internal = current_user.is_staff and request.form.get("internal") in ("1", "y", "on")
    try:
        checked = attachments.check_files(request.files.getlist("files"))
    except DomainError as exc:
        flash(f"未上传任何文件。{exc}", "danger")
        return back
    if not checked:
        flash("请选择要上传的文件。", "warning")
        return back
    with attachments.removing_on_error() as written:
        attachments.save_attachments(case, checked, current_user, written, internal=internal)
        db.session.commit()
    names = "、".join(f.filename for f in checked)
    flash(f"已上传{len(checked)}个文件{'（仅内部可见）' if internal else ''}：{names}", "success")
    return back


@bp.route("/attachments/<int:attachment_id>")
@access.signed_in
def download(attachment_id: int) -> Response:
    """The file, always as a download (never shown inline), under its original name."""
    attachment = access.access_attachment(current_user, attachment_id)
    try:
        path = attachments.stored_path(attachment)
        response = send_file(
            path,
            mimetype=attachment.content_type,
            as_attachment=True,
            download_name=attachment.filename,
            max_age=0,
        )
    except FileNotFoundError:
        abort(404)
    # 问责: who took which file, and when (issue 7 lists downloads as security events).
    record_audit(
        "attachment.download",
        actor=current_user,
        target_type="attachment",
        target_id=attachment.id,
        after={"case_id": attachment.case_id, "filename": attachment.filename},
    )
    db.session.commit()
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
