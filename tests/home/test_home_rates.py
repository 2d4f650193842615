"""Home pages show this year's three rates of the user's share, with their formulas."""

from __future__ import annotations

from hgq.accounts.models import User
from hgq.cases.services import perform_action
from hgq.cases.workflow import Action
from hgq.extensions import db
from tests import factories


def test_home_pages_show_the_three_rates(app, zone, auth, client):
    with app.app_context():
        case = factories.make_case(zone.ent_a, zone.officer1)
        officer = db.session.get(User, zone.officer1)
        perform_action(case, Action.ACCEPT, officer, expected_version=case.version)
        db.session.commit()
    for username in ("officer1", "leader1", "committee1"):
        auth.login(username)
        html = client.get("/").get_data(as_text=True)
        assert "本年三率" in html, username
        assert "100.0%" in html and "1/1" in html, username  # answered on time
        assert "响应率 = 时限内响应件数 ÷ 应响应件数" in html
        auth.logout()
    auth.login("officer2")  # another officer's share: nothing answered yet
    html = client.get("/").get_data(as_text=True)
    assert "本年三率" in html and "0/0" in html
