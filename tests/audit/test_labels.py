"""The audit page reads in Chinese: actions, targets and the fields that changed."""

from __future__ import annotations

from hgq.audit.labels import describe_change, target_label


def test_describe_change_names_fields_and_values_in_chinese():
    rows = describe_change(
        {"roles": ["officer"], "active": True, "email": None},
        {"roles": ["leader", "officer"], "active": False, "email": "a@b.cn"},
    )
    assert rows == [
        ("角色", "包保责任人", "包保领导、包保责任人"),
        ("在用", "是", "否"),
        ("邮箱", "（空）", "a@b.cn"),
    ]


def test_a_create_has_no_before_and_an_unknown_field_keeps_its_key():
    assert describe_change(None, {"name": "商务局", "weird_key": {"a": 1}}) == [
        ("名称", None, "商务局"),
        ("weird_key", None, '{"a": 1}'),
    ]
    assert target_label("department") == "部门" and target_label("other") == "other"


def test_the_audit_page_shows_a_role_change_readably(client, auth, zone):
    auth.login("admin")
    page = client.get(f"/admin/users/{zone.officer2}/edit").get_data(as_text=True)
    assert "干部二" in page
    version = page.split('name="version" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        f"/admin/users/{zone.officer2}/edit",
        data={"version": version, "username": "officer2", "name": "干部二",
              "roles": ["officer", "committee"], "email_mode": "off"},
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = client.get("/audit/?action=user.roles").get_data(as_text=True)
    assert "修改用户角色" in page and "角色：" in page
    assert "包保责任人 <i" in page and "工委管委、包保责任人" in page
