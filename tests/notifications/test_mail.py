"""Notifications by email: after-commit sending, retries, daily digests, preferences.
A fake SMTP class stands in for smtplib.SMTP; nothing touches the network."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from hgq.accounts.models import User
from hgq.cases.models import Case
from hgq.extensions import db
from hgq.notifications import mail
from hgq.notifications.digest import send_daily_digests
from hgq.notifications.mail import MAX_ATTEMPTS, deliver_mail
from hgq.notifications.models import Notification
from hgq.notifications.services import notify
from tests.factories import make_case

SITE = "http://hgq.test"


class FakeSMTP:
    """Records what would have been sent; ``down`` makes connecting fail."""

    outbox: list = []  # noqa: RUF012
    connections = 0
    down = False

    def __init__(self, host, port, timeout=None):  # type: ignore[no-untyped-def]
        type(self).connections += 1
        if type(self).down:
            raise ConnectionRefusedError(111, "Connection refused")
        self.host, self.port, self.timeout = host, port, timeout

    def starttls(self, context=None):  # type: ignore[no-untyped-def]
        pass

    def login(self, user, password):  # type: ignore[no-untyped-def]
        pass

    def send_message(self, msg):  # type: ignore[no-untyped-def]
        type(self).outbox.append(msg)

    def quit(self):  # type: ignore[no-untyped-def]
        pass

    def close(self):  # type: ignore[no-untyped-def]
        pass


@pytest.fixture
def smtp(monkeypatch):  # type: ignore[no-untyped-def]
    FakeSMTP.outbox = []
    FakeSMTP.connections = 0
    FakeSMTP.down = False
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    return FakeSMTP


@pytest.fixture
def mail_on(app, smtp):  # type: ignore[no-untyped-def]
    app.config.update(MAIL_SERVER="smtp.test", MAIL_FROM="hgq@zone.test", SITE_URL=SITE)
    return smtp


def set_pref(app, user_id: int, email: str, mode: str) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        user = db.session.get(User, user_id)
        user.email, user.email_mode = email, mode
        db.session.commit()


def notes_of(user_id: int) -> list[Notification]:
    return list(
        db.session.scalars(
            sa.select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)
        )
    )


def body_of(msg) -> str:  # type: ignore[no-untyped-def]
    return msg.get_content()


# -- one mail per notification ------------------------------------------------------
def test_off_by_default(app, zone, smtp):
    set_pref(app, zone.officer1, "officer1@zone.test", "each")
    with app.app_context():
        assert app.config["MAIL_SERVER"] is None  # no server configured: no mail at all
        make_case(zone.ent_a, zone.user_a)
        assert [n.email_status for n in notes_of(zone.officer1)] == ["none"]
        assert deliver_mail() == {"sent": 0, "failed": 0, "digests": 0}
    assert smtp.connections == 0


def test_users_are_off_until_they_choose(app, zone, mail_on):
    with app.app_context():
        assert db.session.get(User, zone.officer1).email_mode == "off"
        set_pref(app, zone.officer1, "officer1@zone.test", "off")
        make_case(zone.ent_a, zone.user_a)
        assert [n.email_status for n in notes_of(zone.officer1)] == ["none"]
    assert mail_on.connections == 0


def test_each_mail_goes_out_after_commit(app, zone, mail_on):
    set_pref(app, zone.officer1, "officer1@zone.test", "each")
    with app.app_context():
        case = make_case(zone.ent_a, zone.user_a)  # tells officer1 (case_new), then commits
        assert len(mail_on.outbox) == 1
        msg = mail_on.outbox[0]
        assert msg["To"] == "officer1@zone.test"
        assert msg["From"] == "hgq@zone.test"
        assert msg["Subject"].startswith("【包保服务】")
        assert case.code in msg["Subject"]
        body = body_of(msg)
        assert "干部一，您好" in body
        assert f"{SITE}/cases/{case.id}" in body
        assert f"{SITE}/notifications/" in body
        (note,) = notes_of(zone.officer1)
        assert (note.email_status, note.email_attempts) == ("sent", 1)
        assert note.emailed_at is not None
        # a retry run finds nothing left to send
        assert deliver_mail()["sent"] == 0
    assert len(mail_on.outbox) == 1


def test_nothing_is_sent_when_the_transaction_rolls_back(app, zone, mail_on):
    set_pref(app, zone.officer1, "officer1@zone.test", "each")
    with app.app_context():
        notify([zone.officer1], kind="test", title="回滚的消息")
        assert mail_on.outbox == []  # flushed, not committed: nothing yet
        db.session.rollback()
        db.session.get(User, zone.admin).phone = "12345"
        db.session.commit()  # a later commit must not send the forgotten one
        assert mail_on.outbox == []
        assert notes_of(zone.officer1) == []
        notify([zone.officer1], kind="test", title="提交的消息")
        db.session.commit()
    assert [m["Subject"] for m in mail_on.outbox] == ["【包保服务】提交的消息"]


def test_a_savepoint_is_not_a_commit(app, zone, mail_on):
    set_pref(app, zone.officer1, "officer1@zone.test", "each")
    with app.app_context():
        db.session.get(User, zone.admin).phone = "12345"  # the outer transaction begins
        with db.session.begin_nested():
            notify([zone.officer1], kind="test", title="保存点内的消息")
        assert mail_on.outbox == []
        db.session.commit()
    assert [m["Subject"] for m in mail_on.outbox] == ["【包保服务】保存点内的消息"]


def accept_through_page(app, zone, auth, client) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        case = make_case(zone.ent_a, zone.user_a)
        case_id, version = case.id, case.version
    auth.login("officer1")
    response = client.post(
        f"/cases/{case_id}/actions", data={"action": "accept", "version": version}
    )
    assert response.status_code == 302  # the page is fine whatever the mail server does
    with app.app_context():
        assert db.session.get(Case, case_id).status == "accepted"
    return case_id


def test_failing_server_keeps_the_notice_and_retries(app, zone, auth, client, mail_on):
    set_pref(app, zone.user_a, "contact@ent-a.test", "each")
    mail_on.down = True
    accept_through_page(app, zone, auth, client)
    with app.app_context():
        (note,) = notes_of(zone.user_a)
        assert note.kind == "case_accept"
        assert (note.email_status, note.email_attempts) == ("pending", 1)
        mail_on.down = False
        assert deliver_mail() == {"sent": 1, "failed": 0, "digests": 0}
        db.session.expire_all()
        (note,) = notes_of(zone.user_a)
        assert (note.email_status, note.email_attempts) == ("sent", 2)
    assert [m["To"] for m in mail_on.outbox] == ["contact@ent-a.test"]


def test_gives_up_after_five_attempts(app, zone, auth, client, mail_on):
    set_pref(app, zone.user_a, "contact@ent-a.test", "each")
    mail_on.down = True
    accept_through_page(app, zone, auth, client)
    with app.app_context():
        for _ in range(MAX_ATTEMPTS - 1):
            assert deliver_mail()["failed"] == 1
        db.session.expire_all()
        (note,) = notes_of(zone.user_a)
        assert (note.email_status, note.email_attempts) == ("failed", MAX_ATTEMPTS)
        tries = mail_on.connections
        mail_on.down = False
        assert deliver_mail() == {"sent": 0, "failed": 0, "digests": 0}
        assert mail_on.connections == tries  # a failed mail is not tried again
        assert note.read_at is None  # the notice itself is kept, unread


def test_a_user_who_turned_mail_off_is_not_mailed_on_retry(app, zone, mail_on):
    set_pref(app, zone.officer1, "officer1@zone.test", "each")
    mail_on.down = True
    with app.app_context():
        make_case(zone.ent_a, zone.user_a)
    set_pref(app, zone.officer1, "officer1@zone.test", "off")
    mail_on.down = False
    with app.app_context():
        assert deliver_mail()["sent"] == 0
        assert [n.email_status for n in notes_of(zone.officer1)] == ["none"]
    assert mail_on.outbox == []


# -- the daily digest -----------------------------------------------------------------
# 2026-12-01 08:30 in Asia/Shanghai is 00:30 UTC.
DAY1 = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)


def add_note(user_id: int, title: str, at: datetime) -> Notification:
    (note,) = notify([user_id], kind="test", title=title)
    note.created_at = at
    db.session.commit()
    return note


def test_daily_digest_once_a_day_with_unread_since_the_last(app, zone, mail_on):
    set_pref(app, zone.officer1, "officer1@zone.test", "daily")
    with app.app_context():
        add_note(zone.officer1, "昨天的消息甲", DAY1 - timedelta(hours=10))
        read = add_note(zone.officer1, "已读的消息", DAY1 - timedelta(hours=9))
        read.read_at = DAY1 - timedelta(hours=8)
        add_note(zone.officer1, "昨天的消息乙", DAY1 - timedelta(hours=2))
        db.session.commit()
        assert mail_on.outbox == []  # daily users get no mail per notification

        # before 08:00 local time: nothing yet
        assert send_daily_digests(DAY1 - timedelta(hours=1)) == 0
        assert deliver_mail(DAY1)["digests"] == 1
        assert send_daily_digests(DAY1 + timedelta(minutes=1)) == 0  # once a day
        assert send_daily_digests(DAY1 + timedelta(hours=12)) == 0

        (msg,) = mail_on.outbox
        assert msg["To"] == "officer1@zone.test"
        assert "每日消息汇总（2026-12-01，2条未读）" in msg["Subject"]
        body = body_of(msg)
        assert "昨天的消息甲" in body and "昨天的消息乙" in body
        assert "已读的消息" not in body
        assert f"{SITE}/notifications/" in body

        add_note(zone.officer1, "今天的新消息", DAY1 + timedelta(hours=3))
        assert send_daily_digests(DAY1 + timedelta(days=1)) == 1
        body = body_of(mail_on.outbox[-1])
        assert "今天的新消息" in body
        assert "昨天的消息甲" not in body  # already in yesterday's digest
        assert len(mail_on.outbox) == 2


def test_digest_claim_guards_against_a_second_run(app, zone, mail_on):
    set_pref(app, zone.officer1, "officer1@zone.test", "daily")
    with app.app_context():
        add_note(zone.officer1, "待汇总", DAY1 - timedelta(hours=1))
        # another run claimed today already (its UPDATE won): this one sends nothing
        db.session.get(User, zone.officer1).last_digest_at = DAY1 - timedelta(minutes=5)
        db.session.commit()
        assert send_daily_digests(DAY1) == 0
    assert mail_on.outbox == []


def test_failed_digest_is_retried(app, zone, mail_on):
    set_pref(app, zone.officer1, "officer1@zone.test", "daily")
    with app.app_context():
        add_note(zone.officer1, "待汇总", DAY1 - timedelta(hours=1))
        mail_on.down = True
        assert send_daily_digests(DAY1) == 0
        assert db.session.get(User, zone.officer1).last_digest_at is None  # claim given back
        mail_on.down = False
        assert send_daily_digests(DAY1 + timedelta(minutes=1)) == 1
    assert len(mail_on.outbox) == 1


# -- preferences ----------------------------------------------------------------------
def test_account_page_saves_the_preference(app, zone, auth, client):
    auth.login("officer1")
    page = client.get("/account").get_data(as_text=True)
    assert "通知设置" in page and "每天汇总发送一封" in page

    def save(**data):  # type: ignore[no-untyped-def]
        return client.post("/account", data={"save_settings": "保存通知设置", **data})

    bad = save(email="not-an-address", email_mode="each")
    assert bad.status_code == 200
    assert "邮箱格式不正确" in bad.get_data(as_text=True)
    missing = save(email="", email_mode="daily")
    assert "要接收邮件通知，请先填写邮箱" in missing.get_data(as_text=True)
    assert "请输入当前密码" not in missing.get_data(as_text=True)  # the other form is untouched
    with app.app_context():
        user = db.session.get(User, zone.officer1)
        assert (user.email, user.email_mode) == ("", "off")

    ok = save(email=" Officer1@Zone.TEST ", email_mode="daily")
    assert ok.status_code == 302
    with app.app_context():
        user = db.session.get(User, zone.officer1)
        assert (user.email, user.email_mode) == ("Officer1@zone.test", "daily")
    assert 'value="Officer1@zone.test"' in client.get("/account").get_data(as_text=True)
    assert save(email="", email_mode="off").status_code == 302


def test_admin_sets_the_email_on_the_user_form(app, zone, auth, client):
    set_pref(app, zone.officer2, "old@zone.test", "each")
    auth.login("admin")
    with app.app_context():
        user = db.session.get(User, zone.officer2)
        data = {
            "version": str(user.version),
            "name": user.name,
            "phone": "",
            "roles": ["officer"],
            "department_id": "",
            "enterprise_id": "",
        }
    bad = client.post(f"/admin/users/{zone.officer2}/edit", data={**data, "email": "a@b"})
    assert bad.status_code == 200
    assert "邮箱格式不正确" in bad.get_data(as_text=True)
    ok = client.post(f"/admin/users/{zone.officer2}/edit", data={**data, "email": "new@zone.test"})
    assert ok.status_code == 302
    with app.app_context():
        user = db.session.get(User, zone.officer2)
        assert (user.email, user.email_mode) == ("new@zone.test", "each")
        data["version"] = str(user.version)
    client.post(f"/admin/users/{zone.officer2}/edit", data={**data, "email": ""})
    with app.app_context():
        user = db.session.get(User, zone.officer2)
        assert (user.email, user.email_mode) == ("", "off")  # no address, no mail


# -- flask mail-test ----------------------------------------------------------------
def test_mail_test_command(app, runner, smtp):
    result = runner.invoke(args=["mail-test", "--to", "someone@example.org"])
    assert result.exit_code == 1
    assert "未配置邮件服务器" in result.output
    app.config.update(MAIL_SERVER="smtp.test")
    result = runner.invoke(args=["mail-test", "--to", "someone@example.org"])
    assert result.exit_code == 0, result.output
    assert "测试邮件已发送至 someone@example.org" in result.output
    assert smtp.outbox[0]["Subject"] == "【包保服务】测试邮件"
    smtp.down = True
    result = runner.invoke(args=["mail-test", "--to", "someone@example.org"])
    assert result.exit_code == 1
    assert "发送失败" in result.output and "Connection refused" in result.output
    result = runner.invoke(args=["mail-test", "--to", "nobody"])
    assert result.exit_code == 1 and "邮箱格式不正确" in result.output


def test_mail_module_registers_once():
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    assert event.contains(Session, "after_commit", mail._send_after_commit)
