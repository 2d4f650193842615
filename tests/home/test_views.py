"""Landing pages: what each role sees first."""

from tests.factories import make_case


def test_officer_home_counts_cases_waiting_on_him(app, zone, auth, client):
    with app.app_context():
        make_case(zone.ent_a, zone.user_a)
        make_case(zone.ent_a, zone.user_a, title="第二件")
    auth.login("officer1")
    assert "有 2 件诉求等待您办理" in client.get("/").get_data(as_text=True)
    auth.logout()
    auth.login("officer2")
    assert "暂无待办诉求" in client.get("/").get_data(as_text=True)


def test_leaders_queue_counts_on_every_leaders_home(app, zone, auth, client):
    with app.app_context():
        make_case(zone.ent_c, zone.committee)
    auth.login("leader2")  # the uncovered enterprise's case waits in the leaders' queue
    assert "有 1 件诉求等待您办理" in client.get("/").get_data(as_text=True)
