"""Every path a case can take, walked through the pages only: each step signs in as the
right person, opens the case page, checks the action is offered, and posts its form
with the version the page carried."""

from __future__ import annotations

import re

import pytest

from hgq.cases.models import Case, CaseStatus
from hgq.extensions import db


class Walk:
    """One case driven through the pages."""

    def __init__(self, app, auth, client) -> None:  # type: ignore[no-untyped-def]
        self.app, self.auth, self.client = app, auth, client
        self.case_id: int | None = None

    def sign_in(self, username: str) -> None:
        self.auth.logout()
        assert self.auth.login(username).status_code == 302

    def log(self, username: str, enterprise_id: int, title: str = "厂房用电增容") -> Walk:
        """Staff log a request through the new-case form."""
        self.sign_in(username)
        url = f"/enterprises/{enterprise_id}/cases/new"
        form = self.client.get(url).get_data(as_text=True)
        category = re.search(r'<option value="(\d+)">用地</option>', form).group(1)
        response = self.client.post(
            url,
            data={
                "title": title,
                "description": "企业反映：二期厂房用电负荷不足。",
                "category": category,
                "channel": "onsite",
                "urgency": "normal",
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        self.case_id = int(response.headers["Location"].rsplit("/", 1)[1])
        return self

    def page(self, username: str | None = None) -> str:
        if username:
            self.sign_in(username)
        response = self.client.get(f"/cases/{self.case_id}")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    def offered(self, username: str) -> set[str]:
        return set(re.findall(r'name="action" value="([a-z_]+)"', self.page(username)))

    def do(self, username: str, action: str, **data: str) -> str:
        """Take ``action`` as ``username`` through its form; return the page after."""
        page = self.page(username)
        assert f'name="action" value="{action}"' in page, (username, action)
        version = re.search(r'name="version" value="(\d+)"', page).group(1)
        response = self.client.post(
            f"/cases/{self.case_id}/actions", data={"action": action, "version": version, **data}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        after = self.client.get(response.headers["Location"]).get_data(as_text=True)
        assert "alert-success" in after
        return after

    @property
    def case(self) -> Case:
        with self.app.app_context():
            case = db.session.get(Case, self.case_id)
            db.session.expunge(case)
            return case


@pytest.fixture
def walk(app, zone, auth, client) -> Walk:  # type: ignore[no-untyped-def]
    return Walk(app, auth, client)


def test_resolved_at_level_one_and_rated_satisfied(zone, walk):
    walk.log("officer1", zone.ent_a)
    assert walk.case.first_owner_id == zone.officer1
    walk.do("officer1", "accept", note="已受理")
    walk.do("officer1", "reply", note="已联系供电公司，本周内上门勘察")
    assert walk.case.status is CaseStatus.IN_PROGRESS
    walk.do("officer1", "resolve", resolution_type="solved", note="供电公司已完成增容")
    assert walk.case.status is CaseStatus.RESOLVED
    assert walk.offered("ent_a") == {"rate"}
    page = walk.do("ent_a", "rate", solved="yes", satisfaction="satisfied", comment="很及时")
    assert "已归档" in page and "满意" in page and "很及时" in page
    case = walk.case
    assert case.status is CaseStatus.CLOSED
    assert (case.resolved_level, case.rating_solved, case.closed_unrated) == (1, True, False)
    assert walk.offered("ent_a") == {"reopen"}


def test_escalated_to_two_and_three_and_resolved_there(zone, walk):
    walk.log("officer1", zone.ent_a)
    walk.do("officer1", "accept")
    walk.do("officer1", "escalate", note="涉及规划调整，需领导协调")
    case = walk.case
    assert (case.level, case.handler_id) == (2, zone.leader1)
    assert "escalate" not in walk.offered("officer1")
    assert "二级 · 包保领导会商" in walk.page("ent_a")
    walk.do("leader1", "reply", note="已组织规划、住建部门会商")
    walk.do("leader1", "escalate", note="需工委管委集中研究")
    case = walk.case
    assert (case.level, case.handler_id) == (3, None)
    assert "工委管委队列" in walk.page("officer1")
    assert "escalate" not in walk.offered("committee1")
    page = walk.do(
        "committee1", "resolve", resolution_type="explained", note="经集中研究，按政策解释说明"
    )
    assert "已办结" in page and "解释说明" in page
    assert walk.case.resolved_level == 3
    walk.do("ent_a", "rate", solved="no", satisfaction="basically_satisfied")
    assert walk.case.status is CaseStatus.CLOSED


def test_resolved_at_level_two(zone, walk):
    walk.log("officer1", zone.ent_a)
    walk.do("officer1", "accept")
    walk.do("officer1", "escalate", note="需领导协调")
    walk.do("leader1", "resolve", resolution_type="partly_solved", note="已解决一期用电")
    assert (walk.case.status, walk.case.resolved_level) == (CaseStatus.RESOLVED, 2)


def test_rejected_with_a_reply_the_enterprise_reads(zone, walk):
    walk.log("officer1", zone.ent_a)
    walk.do("officer1", "reject", note="该事项属司法程序，建议通过法律途径解决")
    assert walk.case.status is CaseStatus.REJECTED
    page = walk.page("ent_a")
    assert "不予受理" in page
    assert "建议通过法律途径解决" in page
    assert walk.offered("ent_a") == set()


def test_withdrawn_by_the_enterprise(zone, walk):
    walk.log("officer1", zone.ent_a)
    walk.do("officer1", "accept")
    page = walk.do("ent_a", "withdraw", note="问题已自行解决")
    assert "已撤回" in page
    assert walk.case.status is CaseStatus.WITHDRAWN
    assert walk.offered("officer1") == {"note"}
    assert walk.offered("ent_a") == set()


def test_dissatisfied_reopens_then_resolved_again_and_closed(zone, walk):
    walk.log("officer1", zone.ent_a)
    walk.do("officer1", "accept")
    walk.do("officer1", "escalate", note="需领导协调")
    walk.do("leader1", "resolve", resolution_type="solved", note="已协调")
    walk.do("ent_a", "rate", solved="no", satisfaction="dissatisfied", comment="问题仍在")
    case = walk.case
    assert case.status is CaseStatus.IN_PROGRESS
    assert (case.level, case.handler_id, case.reopen_count) == (2, zone.leader1, 1)
    assert "重办" in walk.page("leader1")
    walk.do("leader1", "resolve", resolution_type="solved", note="再次协调，已彻底解决")
    walk.do("ent_a", "rate", solved="yes", satisfaction="basically_satisfied")
    case = walk.case
    assert case.status is CaseStatus.CLOSED
    assert case.rating_satisfaction.value == "basically_satisfied"
    timeline = walk.page("ent_a")
    assert "不满意" in timeline and "退回重办" in timeline and "基本满意" in timeline


def test_closed_by_a_leader_without_rating(zone, walk):
    walk.log("officer1", zone.ent_a)
    walk.do("officer1", "resolve", resolution_type="solved", note="现场一次办结")
    assert "close" not in walk.offered("officer1")
    page = walk.do("leader1", "close", note="企业电话确认，未在系统评价")
    assert "未评价" in page
    case = walk.case
    assert (case.status, case.closed_unrated) == (CaseStatus.CLOSED, True)


def test_enterprise_reopens_a_closed_case(zone, walk):
    walk.log("officer1", zone.ent_a)
    walk.do("officer1", "resolve", resolution_type="solved", note="已办结")
    walk.do("ent_a", "rate", solved="yes", satisfaction="satisfied")
    page = walk.do("ent_a", "reopen", note="设备再次跳闸，问题复发")
    assert "办理中" in page
    case = walk.case
    assert (case.status, case.reopen_count, case.closed_at) == (CaseStatus.IN_PROGRESS, 1, None)
    assert "问题复发" in walk.page("officer1")
    walk.do("officer1", "resolve", resolution_type="solved", note="已更换设备")
    assert walk.case.status is CaseStatus.RESOLVED


def test_uncovered_enterprise_goes_to_the_leaders_queue(zone, walk):
    walk.log("committee1", zone.ent_c)
    assert walk.case.handler_id is None
    assert "领导会商队列" in walk.page("committee1")
    walk.do("leader2", "accept", note="我来承办")
    assert walk.case.handler_id == zone.leader2
    walk.do("leader2", "resolve", resolution_type="solved", note="已办结")
    assert walk.case.status is CaseStatus.RESOLVED
