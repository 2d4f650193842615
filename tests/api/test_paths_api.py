"""Whole case paths driven through the API only, and the workflow's refusals as API
error codes."""

import pytest

from tests.api import Api, assert_error


@pytest.fixture
def people(zone, client):
    return {name: Api(client, name) for name in ("ent_a", "officer1", "leader1", "committee1")}


def new_case(people) -> int:
    response = people["ent_a"].create()
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def actions(case):
    return [e["action"] for e in case["events"]]


def test_resolved_at_level_1_and_rated_satisfied_closes(people):
    case_id = new_case(people)
    officer, ent = people["officer1"], people["ent_a"]
    accepted = officer.ok(case_id, "accept")
    assert accepted["status"] == "accepted" and accepted["responded_at"] is not None
    resolved = officer.ok(
        case_id, "resolve", note="已协调规划部门，许可已批。", resolution_type="solved"
    )
    assert (resolved["status"], resolved["resolution_type"]) == ("resolved", "solved")
    assert resolved["resolution_reply"] == "已协调规划部门，许可已批。"
    assert resolved["resolved_at"] is not None
    closed = ent.ok(case_id, "rate", solved=True, satisfaction="satisfied", comment="很及时")
    assert (closed["status"], closed["level"]) == ("closed", 1)
    assert (closed["rating_solved"], closed["rating_satisfaction"]) == (True, "satisfied")
    assert closed["rating_comment"] == "很及时" and closed["closed_at"] is not None
    assert actions(closed) == ["submit", "accept", "resolve", "rate"]


def test_escalated_to_level_3_and_resolved_there(zone, people):
    case_id = new_case(people)
    people["officer1"].ok(case_id, "accept")
    level2 = people["officer1"].ok(case_id, "escalate", note="涉及规划调整，需领导协调")
    assert (level2["level"], level2["handler_id"], level2["status"]) == (
        2,
        zone.leader1,
        "in_progress",
    )
    level3 = people["leader1"].ok(case_id, "escalate", note="需工委管委集中研究")
    assert (level3["level"], level3["handler_id"]) == (3, None)
    assert_error(
        people["committee1"].act(case_id, "escalate", note="再升级"), 409, "invalid_transition"
    )
    resolved = people["committee1"].ok(
        case_id, "resolve", note="经集中研究，已解决。", resolution_type="partly_solved"
    )
    assert (resolved["status"], resolved["level"]) == ("resolved", 3)
    closed = people["ent_a"].ok(case_id, "rate", solved=True, satisfaction="basically_satisfied")
    assert closed["status"] == "closed"
    # the enterprise sees the level change but not the escalation reasons
    ent_events = people["ent_a"].case(case_id)["events"]
    assert "escalate" not in actions({"events": ent_events})
    assert ent_events[-2]["from_level"] == 3
    staff_events = people["officer1"].case(case_id)["events"]
    assert [
        (e["from_level"], e["to_level"]) for e in staff_events if e["action"] == "escalate"
    ] == [
        (1, 2),
        (2, 3),
    ]


def test_rejected_with_a_reply(people):
    case_id = new_case(people)
    missing_reply = people["officer1"].act(case_id, "reject", note="")
    assert_error(missing_reply, 400, "invalid_input", "note")
    rejected = people["officer1"].ok(
        case_id, "reject", note="该事项不属于园区职责，请向市监局咨询。"
    )
    assert rejected["status"] == "rejected" and rejected["closed_at"] is not None
    seen = people["ent_a"].case(case_id)["events"][-1]
    assert (seen["action"], seen["note"]) == ("reject", "该事项不属于园区职责，请向市监局咨询。")


def test_withdrawn_by_the_enterprise(people):
    case_id = new_case(people)
    people["officer1"].ok(case_id, "accept")
    withdrawn = people["ent_a"].ok(case_id, "withdraw", note="已自行解决")
    assert withdrawn["status"] == "withdrawn"
    assert_error(people["officer1"].act(case_id, "reply", note="您好"), 409, "invalid_transition")


def test_dissatisfied_reopens_then_resolved_and_closed(zone, people):
    case_id = new_case(people)
    officer, ent = people["officer1"], people["ent_a"]
    officer.ok(case_id, "resolve", note="已电话解释政策", resolution_type="explained")
    reopened = ent.ok(case_id, "rate", solved=False, satisfaction="dissatisfied", comment="没解决")
    assert (reopened["status"], reopened["level"], reopened["reopen_count"]) == (
        "in_progress",
        1,
        1,
    )
    assert reopened["handler_id"] == zone.officer1
    officer.ok(case_id, "resolve", note="已现场协调解决", resolution_type="solved")
    closed = ent.ok(case_id, "rate", solved=True, satisfaction="satisfied")
    assert closed["status"] == "closed"
    assert actions(closed) == ["submit", "resolve", "rate", "resolve", "rate"]


def test_closed_by_the_leader_unrated(people):
    case_id = new_case(people)
    people["officer1"].ok(case_id, "resolve", note="已解决", resolution_type="solved")
    assert_error(people["officer1"].act(case_id, "close"), 403, "forbidden")
    closed = people["leader1"].ok(case_id, "close")
    assert (closed["status"], closed["closed_unrated"], closed["rating_solved"]) == (
        "closed",
        True,
        None,
    )


def test_refusals_as_error_codes(people):
    case_id = new_case(people)
    officer, ent = people["officer1"], people["ent_a"]
    seen = officer.case(case_id)["version"]
    assert_error(ent.act(case_id, "accept"), 403, "forbidden")
    officer.ok(case_id, "accept")
    stale = officer.act(case_id, "reply", note="您好", version=seen)
    error = assert_error(stale, 409, "version_conflict")
    assert "受理" in error["message"]  # says what changed meanwhile
    assert_error(officer.act(case_id, "accept"), 409, "invalid_transition")
    assert_error(officer.act(case_id, "withdraw"), 403, "forbidden")  # the enterprise's
    for unknown in ("fly", "submit", "ACCEPT", "assign_department"):
        assert_error(officer.act(case_id, unknown), 400, "invalid_action", "action")
    assert officer.case(case_id)["status"] == "accepted"


@pytest.mark.parametrize(
    ("action", "fields", "bad"),
    [
        ("resolve", {"note": "好", "resolution_type": "done"}, ["resolution_type"]),
        ("resolve", {"note": "好"}, ["resolution_type"]),
        ("resolve", {"note": "", "resolution_type": "solved"}, ["note"]),
        ("reply", {"note": "字" * 5001}, ["note"]),
        ("reply", {"note": 42}, ["note"]),
        ("reply", {"note": "好", "version": "1"}, ["version"]),
        ("reply", {"note": "好", "version": True}, ["version"]),
        ("reply", {"note": "好", "version": None}, ["version"]),
    ],
)
def test_bad_action_payload_is_invalid_input(people, action, fields, bad):
    case_id = new_case(people)
    before = people["officer1"].case(case_id)
    response = people["officer1"].act(case_id, action, **fields)
    assert_error(response, 400, "invalid_input", *bad)
    assert people["officer1"].case(case_id) == before


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"solved": "yes", "satisfaction": "satisfied"}, ["solved"]),
        ({"solved": 1, "satisfaction": "satisfied"}, ["solved"]),
        ({"satisfaction": "satisfied"}, ["solved"]),
        ({"solved": True, "satisfaction": "ok"}, ["satisfaction"]),
        ({"solved": None, "satisfaction": None}, ["solved", "satisfaction"]),
        ({"solved": True, "satisfaction": "satisfied", "comment": 3}, ["comment"]),
        ({"solved": True, "satisfaction": "satisfied", "comment": "字" * 501}, ["comment"]),
    ],
)
def test_bad_rating_is_invalid_input(people, fields, bad):
    case_id = new_case(people)
    people["officer1"].ok(case_id, "resolve", note="已解决", resolution_type="solved")
    before = people["ent_a"].case(case_id)
    assert_error(people["ent_a"].act(case_id, "rate", **fields), 400, "invalid_input", *bad)
    assert people["ent_a"].case(case_id) == before
