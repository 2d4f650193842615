def test_login_page_answers(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert "登录包保服务平台" in response.get_data(as_text=True)


def test_each_role_lands_on_its_page(zone, auth, client):
    expected = {
        "admin": "系统管理",
        "committee1": "全区包保概览",
        "leader1": "我包保领导的企业",
        "officer1": "我联点包保的企业",
        "dept1": "工作台",
        "ent_a": "本企业的包保干部",
    }
    for username, text in expected.items():
        auth.login(username)
        response = client.get("/", follow_redirects=True)
        assert response.status_code == 200, username
        assert text in response.get_data(as_text=True), username
        auth.logout()
