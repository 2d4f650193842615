"""The authorization matrix: every route of the app × every role (and an enterprise
user of another enterprise, and nobody signed in) → allowed, refused, or sent to sign
in. Generated from the URL map, so a new route without an entry in EXPECTED fails.

"allow" means the request got past the permission checks (any answer but 401, 403,
404 or a redirect to the sign-in page: an empty POST may well answer 400); "deny" is
403 or 404 (an object one may not see answers 404, exactly like a missing one);
"login" is a redirect to the sign-in page (web) or 401 (API). The objects in the URLs
belong to 甲企业 (officer1, leader1, enterprise user ent_a) and its first officer.
"""

from __future__ import annotations

import os
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient

from hgq.accounts.models import User
from hgq.cases import attachments
from hgq.cases.models import Attachment
from hgq.checklists import services as checklists
from hgq.checklists.weeks import Week
from hgq.db import utcnow
from hgq.enterprises.models import Assignment, Cover, Project, Tag
from hgq.extensions import db
from hgq.notifications.services import notify
from hgq.points import services as points
from hgq.timeutil import local_today
from hgq.visits.models import VisitMethod
from hgq.visits.services import record_visit
from tests import factories
from tests.factories import PASSWORD

ROLES = ["anon", "admin", "secadmin", "auditor", "committee1", "leader1", "officer1", "dept1",
         "ent_a", "ent_b"]  # fmt: skip

ALL = dict.fromkeys(ROLES, "allow")
SIGNED_IN = {**ALL, "anon": "login"}
ADMIN = {**dict.fromkeys(ROLES, "deny"), "anon": "login", "admin": "allow"}
STAFF = {**SIGNED_IN, "ent_a": "deny", "ent_b": "deny", "secadmin": "deny", "auditor": "deny"}
# 三员分立 is off here: the system admin shares these with the security / audit admin.
SECURITY = {**ADMIN, "secadmin": "allow"}
AUDIT = {**ADMIN, "auditor": "allow"}
STAFF_NO_DEPT = {**STAFF, "dept1": "deny"}
COVERAGE = {**STAFF_NO_DEPT}  # admin, committee, leader, officer
OFFICER_LEADER = {**STAFF_NO_DEPT, "admin": "deny", "committee1": "deny"}
OVERSEERS = {**STAFF_NO_DEPT, "officer1": "deny"}  # leader, committee, admin
ASSESSORS = {**dict.fromkeys(ROLES, "deny"), "anon": "login", "admin": "allow",
             "committee1": "allow"}  # fmt: skip
ENTERPRISE = {**dict.fromkeys(ROLES, "deny"), "anon": "login", "ent_a": "allow",
              "ent_b": "allow"}  # fmt: skip
OWN_CASE = {**STAFF_NO_DEPT, "ent_a": "allow"}  # 甲's case: its staff and its enterprise
OFFICER_ONLY = {**dict.fromkeys(ROLES, "deny"), "anon": "login", "officer1": "allow"}

EXPECTED: dict[str, dict[str, str]] = {}
# Query strings some URLs need to name what they are about.
QUERY = {"stats.export_xlsx": "table=category", "checklists.review": "user_id={officer1}"}


def _fill(profile: dict[str, str], *keys: str) -> None:
    for key in keys:
        EXPECTED[key] = profile


_fill(ALL, "GET static", "GET auth.login", "POST auth.login", "GET api.openapi")
_fill(SIGNED_IN, "GET home.index", "GET auth.account", "POST auth.account", "POST auth.logout",
      "GET notifications.index", "POST notifications.read_all")  # fmt: skip
_fill(ADMIN, *[])  # admin pages are added below from the URL map
_fill(AUDIT, "GET audit.index", "GET audit.export")
_fill(SECURITY, "POST admin_accounts.user_unlock")
_fill(STAFF, "GET home.board", "GET points.index", "GET points.rankings",
      "GET points.rankings_xlsx")  # fmt: skip
_fill(COVERAGE, "GET cases.index", "GET enterprises.index", "GET stats.index",
      "GET stats.export_xlsx")  # fmt: skip
_fill(OWN_CASE, "GET cases.detail", "POST cases.act", "POST attachments.upload",
      "GET attachments.download", "GET enterprises.detail")  # fmt: skip
_fill({**COVERAGE, "admin": "deny"}, "GET cases.new", "POST cases.new")
_fill({**OFFICER_LEADER}, "GET visits.index", "GET visits.new", "POST visits.new")
_fill(ENTERPRISE, "GET my.cases", "GET my.case_new", "POST my.case_new")
_fill(COVERAGE, "GET checklists.index")
_fill({**COVERAGE}, "GET checklists.detail", "GET checklists.export_xlsx",
      "GET checklists.print_view")  # fmt: skip
_fill(OFFICER_ONLY, "POST checklists.save", "POST checklists.add_item")
_fill({**OVERSEERS, "admin": "deny"}, "POST checklists.review")
_fill(OVERSEERS, "GET checklists.team_now", "GET checklists.team",
      "GET checklists.team_export_xlsx", "GET checklists.team_print_view",
      "POST checklists.remind")  # fmt: skip
_fill(ASSESSORS, "GET points.appeals", "POST points.decide", "GET points.adjust",
      "POST points.adjust")  # fmt: skip
_fill({**dict.fromkeys(ROLES, "deny"), "anon": "login", "officer1": "allow"}, "POST points.appeal")
_fill({**dict.fromkeys(ROLES, "deny"), "anon": "login", "officer1": "allow"},
      "POST notifications.open_")  # fmt: skip
# 两步验证: the code step of a sign-in (without a pending sign-in: back to /login), one's
# own set-up, and the security admin's reset and setting.
_fill(ALL, "GET auth.login_two_factor", "POST auth.login_two_factor")
_fill(SIGNED_IN, "GET two_factor.setup", "POST two_factor.setup", "POST two_factor.disable")
_fill(SECURITY, "POST admin_two_factor.reset", "GET admin_security.two_factor",
      "POST admin_security.two_factor")  # fmt: skip


def _zone_objects(zone: SimpleNamespace) -> dict[str, object]:
    """Objects of 甲企业 and officer1 that the URLs name."""
    officer = db.session.get(User, zone.officer1)
    case = factories.make_case(zone.ent_a, zone.officer1)
    attachment = Attachment(
        case_id=case.id,
        filename="批复.pdf",
        stored_name="2026/11/matrixtestfile0000000000000000",
        content_type="application/pdf",
        size=8,
        uploaded_by_id=zone.officer1,
    )
    db.session.add(attachment)
    db.session.flush()
    stored = attachments.stored_path(attachment)
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_bytes(b"%PDF-1.4")
    record_visit(
        visitor=officer,
        enterprise=case.enterprise,
        visited_on=local_today(),
        method=VisitMethod.PHONE,
        summary="电话了解近况",
    )
    (note,) = notify([zone.officer1], kind="test", title="测试消息")
    week = Week.of(local_today())
    checklist = checklists.open_checklist(officer, week, utcnow())
    project = Project(enterprise_id=zone.ent_a, name="二期厂房")
    tag = Tag(name="规上企业")
    cover = Cover(
        officer_id=zone.officer2,
        colleague_id=zone.officer1,
        start_date=local_today() + timedelta(days=5),
        end_date=local_today() + timedelta(days=9),
    )
    db.session.add_all([project, tag, cover])
    entry = points.adjust(officer, 2, "表彰", db.session.get(User, zone.committee), utcnow())
    appeal = points.file_appeal(entry, officer, "请复核", utcnow())
    db.session.commit()
    assignment = db.session.scalar(
        db.select(Assignment.id).where(Assignment.enterprise_id == zone.ent_a)
    )
    return {
        "case_id": case.id,
        "attachment_id": attachment.id,
        "enterprise_id": zone.ent_a,
        "notification_id": note.id,
        "week": str(week),
        "item_id": checklist.items[0].id,
        "user_id": zone.officer2,
        "department_id": db.session.get(User, zone.dept1).department_id,
        "project_id": project.id,
        "assignment_id": assignment,
        "category_id": case.category_id,
        "tag_id": tag.id,
        "cover_id": cover.id,
        "entry_id": entry.id,
        "appeal_id": appeal.id,
        "rule_code": "visit_logged",
        "filename": "css/hgq.css",
        "officer1": zone.officer1,
    }


def _requests(app: Flask, ids: dict[str, object]) -> list[tuple[str, str, str]]:
    """(key "METHOD endpoint", method, url): reads first, then writes, sign-outs last."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                url = rule.build({a: ids[a] for a in rule.arguments})[1]
                if rule.endpoint in QUERY:
                    url += "?" + QUERY[rule.endpoint].format(**ids)
                found.append((f"{method} {rule.endpoint}", method, url))
    last = (
        "auth.logout",
        "api.delete_current_token",
        "api.create_token",
        "admin_covers.cancel",
        "admin_accounts.user_deactivate",
    )
    return sorted(found, key=lambda r: (r[1] != "GET", r[0].split()[1] in last, r[0]))


def _outcome(response, api: bool) -> str:  # type: ignore[no-untyped-def]
    if response.status_code in (403, 404):
        return "deny"
    if api and response.status_code == 401:
        return "login"
    location = response.headers.get("Location", "")
    if response.status_code == 302 and "/login" in location and "next=" in location:
        return "login"
    return "allow"


def _sign_in(client: FlaskClient, role: str) -> str | None:
    """Sign the client in (web) and return an API token, for ``role``."""
    if role == "anon":
        return None
    client.post("/login", data={"username": role, "password": PASSWORD})
    token = client.post("/api/v1/tokens", json={"username": role, "password": PASSWORD})
    return token.get_json()["token"]


def expected_for(key: str, role: str) -> str:
    endpoint = key.split()[1]
    if key in EXPECTED:
        return EXPECTED[key][role]
    if endpoint.startswith("admin_security."):
        return SECURITY[role]
    if endpoint.startswith("admin"):
        return ADMIN[role]
    if endpoint.startswith("api."):
        return API_EXPECTED[key][role]
    raise KeyError(key)


API_SIGNED_IN = {**SIGNED_IN}
API_STAFF = {**STAFF}
API_EXPECTED: dict[str, dict[str, str]] = {
    "POST api.create_token": ALL,
    "DELETE api.delete_current_token": API_SIGNED_IN,
    "GET api.me": API_SIGNED_IN,
    "GET api.openapi": ALL,
    "GET api.list_categories": API_SIGNED_IN,
    "GET api.list_channels": API_SIGNED_IN,
    "GET api.list_enterprises": API_SIGNED_IN,
    "GET api.list_cases": API_SIGNED_IN,
    "POST api.create_case_view": API_SIGNED_IN,
    "GET api.get_case": {**OWN_CASE},
    "POST api.act_on_case": {**OWN_CASE},
    "GET api.list_visits": API_SIGNED_IN,
    "POST api.create_visit": API_SIGNED_IN,
    "GET api.contact_due": API_SIGNED_IN,
    "GET api.get_checklist": {**OFFICER_ONLY},  # one's own week: officers keep them
    "POST api.add_checklist_item": {**OFFICER_ONLY},
    "PATCH api.update_checklist_item": {**OFFICER_ONLY},
    "POST api.submit_checklist": {**OFFICER_ONLY},
    "GET api.get_points": API_STAFF,
    "GET api.get_rankings": API_STAFF,
    "GET api.stats": {**COVERAGE},
}


@pytest.mark.parametrize("role", ROLES)
def test_every_route_for_every_role(app, zone, role):
    with app.app_context():
        ids = _zone_objects(zone)
    client = app.test_client()
    token = _sign_in(client, role)
    wrong = []
    for key, method, url in _requests(app, ids):
        api = url.startswith("/api/")
        headers = {"Authorization": f"Bearer {token}"} if api and token else {}
        if key == "POST auth.logout" or key == "DELETE api.delete_current_token":
            continue  # ends the session the rest of the run needs; checked below
        kwargs = {"json": {}} if api and method != "GET" else {}
        response = client.open(url, method=method, headers=headers, **kwargs)
        response.close()
        if os.environ.get("HGQ_MATRIX_PRINT"):
            print("MATRIX", role, key, response.status_code, _outcome(response, api))
        try:
            want = expected_for(key, role)
        except KeyError:
            wrong.append(f"{key}: no entry in the matrix (add one)")
            continue
        got = _outcome(response, api)
        if got != want:
            wrong.append(f"{key} {url}: expected {want}, got {got} ({response.status_code})")
    assert wrong == [], "\n".join(wrong)
