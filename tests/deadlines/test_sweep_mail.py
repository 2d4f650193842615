"""The sweep is also the mail step: it retries pending mails and sends the digests."""

from hgq.deadlines import sweep


def test_sweep_delivers_mail_and_reports_it(app, zone, monkeypatch):
    calls = []

    def fake_deliver(now=None):
        calls.append(now)
        return {"sent": 2, "failed": 0, "digests": 1}

    monkeypatch.setattr(sweep, "deliver_mail", fake_deliver)
    with app.app_context():
        result = sweep.run_sweep()
    assert len(calls) == 1
    assert (result.mails_sent, result.digests) == (2, 1)
    assert "发送邮件 2 封、每日摘要 1 封" in result.summary()
    assert result.total == 0  # mail is not a deadline effect


def test_without_mail_configured_the_summary_says_nothing_of_it(app, zone):
    with app.app_context():
        result = sweep.run_sweep()
    assert "邮件" not in result.summary()
