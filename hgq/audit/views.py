"""The audit page for admins (/audit/): the trail filtered by person, action and time,
paginated in SQL, and the same selection as an .xlsx download (itself audited)."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, render_template, request, send_file
from flask_login import current_user
from werkzeug.wrappers import Response

from hgq import access
from hgq.audit import queries
from hgq.audit.labels import action_label, describe_change, target_label
from hgq.audit.services import record_audit
from hgq.checklists.export_views import XLSX_MIMETYPE, content_disposition
from hgq.db import utcnow
from hgq.extensions import db
from hgq.timeutil import to_local
from hgq.viewhelpers import paginate

bp = Blueprint("audit", __name__, url_prefix="/audit")

EXPORT_ACTION = "audit.export"


@bp.app_template_filter("audit_action")
def audit_action(code: str) -> str:
    return action_label(code)


bp.add_app_template_filter(target_label, "audit_target")
bp.add_app_template_global(describe_change, "audit_change")


@bp.route("/")
@access.audit_reader_required
def index() -> str:
    """One page of the records matching the filters, newest first."""
    f = queries.AuditFilter.from_args(request.args)
    page = paginate(queries.select_records(f))
    return render_template(
        "audit/index.html", page=page, f=f, actions=queries.actions(), args=f.as_args()
    )


@bp.route("/export.xlsx")
@access.audit_reader_required
def export() -> Response:
    """The records matching the filters as .xlsx (at most EXPORT_LIMIT rows); the export
    is recorded ("audit.export", with the filters and the row count) and committed."""
    f = queries.AuditFilter.from_args(request.args)
    data, count = queries.export_xlsx(f)
    record_audit(
        EXPORT_ACTION,
        actor=current_user,
        target_type="audit_records",
        after={**f.as_args(), "rows": count, "format": "xlsx"},
    )
    db.session.commit()
    stamp = to_local(utcnow()).strftime("%Y%m%d-%H%M")  # type: ignore[union-attr]
    response = send_file(
        BytesIO(data), mimetype=XLSX_MIMETYPE, as_attachment=True, download_name="audit.xlsx"
    )
    response.headers["Content-Disposition"] = content_disposition(
        f"审计记录_{stamp}.xlsx", f"audit-{stamp}.xlsx"
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
