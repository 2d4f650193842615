"""Weekly checklists as .xlsx downloads and as print pages: one officer's week
(``?user_id=`` for an officer the caller oversees, himself by default) or the weeks of
every officer the caller oversees (team).

Contracts, shared with the checklist pages in :mod:`hgq.checklists.views`:
- a malformed week, or one that has not begun, answers 404;
- an officer the caller may not see answers 404 (hgq.access), a caller who oversees
  nobody's checklists asks for a team in vain: 403;
- a week without a checklist (too old to be made, or the owner keeps none) is exported
  all the same, as a sheet saying 本周无清单 — the single and the team export agree;
- opening the week may make or refresh its checklist (services.open_checklist), which
  is committed, with an audit record for every .xlsx export ("checklist.export").
"""

from __future__ import annotations

import re
from io import BytesIO
from urllib.parse import quote

from flask import abort, render_template, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from hgq import access
from hgq.accounts.models import Role, User
from hgq.audit.services import record_audit
from hgq.checklists import export, queries, services
from hgq.checklists.views import bp, owner_args, requested_owner, requested_week
from hgq.checklists.weeks import Week
from hgq.deadlines.views import page_now
from hgq.extensions import db

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STAFF = (Role.OFFICER, Role.LEADER, Role.COMMITTEE, Role.ADMIN)
OVERSEERS = (Role.LEADER, Role.COMMITTEE, Role.ADMIN)
UNSAFE_FILENAME_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
AUDIT_ACTION = "checklist.export"


def _one_sheet(owner: User, week: Week) -> list[export.Sheet]:
    now = page_now()
    checklist = services.open_checklist(owner, week, now)
    return export.build_sheets([(owner, week, checklist)], now)


def _team_sheets(week: Week) -> list[export.Sheet]:
    if not access.can_oversee_checklists(current_user):
        abort(403)
    now = page_now()
    rows = queries.team_week(current_user, week, now)
    return export.build_sheets([(row.officer, week, row.checklist) for row in rows], now)


def content_disposition(filename: str, fallback: str) -> str:
    """``attachment`` with ``filename`` as RFC 5987 UTF-8 (``filename*``, which browsers
    prefer, so Chinese names survive) and the ASCII ``fallback`` for those that do not."""
    name = UNSAFE_FILENAME_CHARS.sub("_", filename)
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_", fallback)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def _send(data: bytes, filename: str, fallback: str) -> Response:
    response = send_file(
        BytesIO(data),
        mimetype=XLSX_MIMETYPE,
        as_attachment=True,
        download_name=fallback,
        max_age=0,
    )
    response.headers["Content-Disposition"] = content_disposition(filename, fallback)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _audit(target_type: str, target_id: object, week: Week, sheets: list[export.Sheet]) -> None:
    record_audit(
        AUDIT_ACTION,
        actor=current_user,
        target_type=target_type,
        target_id=target_id,
        after={
            "week": str(week),
            "format": "xlsx",
            "officers": [sheet.officer.id for sheet in sheets],
        },
    )


def _print_page(heading: str, sheets: list[export.Sheet], *, back_url: str, xlsx_url: str) -> str:
    return render_template(
        "checklists/print.html",
        heading=heading,
        sheets=sheets,
        headers=export.HEADERS,
        empty_text=export.NO_OFFICERS,
        printed_at=page_now(),
        back_url=back_url,
        xlsx_url=xlsx_url,
    )


# -- one officer's week --------------------------------------------------------------------
@bp.route("/<week>/export.xlsx")
@access.roles_required(*STAFF)
def export_xlsx(week: str) -> Response:
    """One officer's week as .xlsx, e.g. 每周清单_2026-W48_干部一.xlsx."""
    owner = requested_owner()
    the_week = requested_week(week)
    sheets = _one_sheet(owner, the_week)
    data = export.workbook_bytes(sheets)
    _audit("user", owner.id, the_week, sheets)
    db.session.commit()
    return _send(
        data, f"每周清单_{the_week}_{owner.name}.xlsx", f"checklist_{the_week}_{owner.id}.xlsx"
    )


@bp.route("/<week>/print")
@access.roles_required(*STAFF)
def print_view(week: str) -> str:
    """One officer's week on a page made for printing (A4)."""
    owner = requested_owner()
    the_week = requested_week(week)
    sheets = _one_sheet(owner, the_week)
    db.session.commit()  # a checklist made or brought in step on first sight is kept
    args = owner_args(owner)
    return _print_page(
        export.sheet_heading(owner, the_week),
        sheets,
        back_url=url_for(".detail", week=str(the_week), **args),
        xlsx_url=url_for(".export_xlsx", week=str(the_week), **args),
    )


# -- a team's week ----------------------------------------------------------------------------
@bp.route("/team/<week>/export.xlsx")
@access.roles_required(*OVERSEERS)
def team_export_xlsx(week: str) -> Response:
    """The week of every officer the caller oversees, one worksheet each."""
    the_week = requested_week(week)
    sheets = _team_sheets(the_week)
    data = export.workbook_bytes(sheets)
    _audit("checklist_week", the_week, the_week, sheets)
    db.session.commit()
    return _send(
        data, f"每周清单_{the_week}_{current_user.name}团队.xlsx", f"checklist_{the_week}_team.xlsx"
    )


@bp.route("/team/<week>/print")
@access.roles_required(*OVERSEERS)
def team_print_view(week: str) -> str:
    """The team's week for printing, one officer after another (each on a new page)."""
    the_week = requested_week(week)
    sheets = _team_sheets(the_week)
    return _print_page(
        f"每周清单 {the_week.label} {current_user.name}团队",
        sheets,
        back_url=url_for(".team", week=str(the_week)),
        xlsx_url=url_for(".team_export_xlsx", week=str(the_week)),
    )
