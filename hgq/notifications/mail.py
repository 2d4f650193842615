"""Notifications by email, through Python's smtplib (no extra dependency).

Who gets mail: a user sets ``email_mode`` on his account page — "off" (the default),
"each" (one mail per notification) or "daily" (one digest a day, see
:mod:`hgq.notifications.digest`). Nothing is sent unless ``MAIL_SERVER`` is set.

When a mail for one notification goes out — after the transaction commits, never
inside it. :func:`hgq.notifications.services.notify` marks the notification
``email_status="pending"`` and hands its id to :func:`queue_after_commit`, which keeps
it in ``session.info``. Two SQLAlchemy session events, registered once when this
module is imported, then decide:

- ``after_commit``: the ids are taken and sent at once by :func:`send_pending_mail`;
- ``after_transaction_end`` of the outermost transaction (a rollback, or a session
  closed without committing): the ids are dropped, so nothing is mailed about a change
  that did not happen.

A session event rather than a Flask ``after_request`` hook, because notifications are
made by pages, the API, CLI commands and the deadline sweep alike, and only the
session knows whether (and how often) its transaction committed. The committed
session may not run SQL inside ``after_commit``, so sending uses a private session
of its own. The cost: the mail goes out inside the ``commit()`` call, so a page waits
for the SMTP server — at most ``MAIL_TIMEOUT`` seconds, since one batch uses one
connection and a batch stops at the first connection failure.

Failures never reach the page and never lose a notice: every error is caught and
logged; the notification stays "pending" with ``email_attempts`` + 1, and
:func:`deliver_mail` (called each minute by the deadline sweep) retries it until it
is sent, or marks it "failed" after :data:`MAX_ATTEMPTS` tries. Each try first claims
the notification with a conditional UPDATE on its attempt count, so two processes
never mail the same notification twice.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import ssl
from collections.abc import Iterable
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any
from urllib.parse import urlsplit

import click
import sqlalchemy as sa
from flask import current_app, has_app_context, has_request_context, request
from flask.cli import with_appcontext
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from hgq.accounts.models import EmailMode, User
from hgq.db import utcnow
from hgq.errors import DomainError
from hgq.extensions import db
from hgq.notifications.models import Notification
from hgq.timeutil import to_local

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BATCH_SIZE = 200  # pending mails handled per run; the rest wait for the next minute
SUBJECT_PREFIX = "【包保服务】"
_SESSION_KEY = "hgq_mail_pending"

# Refusals that concern one message only; any other error means the server is gone.
_MESSAGE_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
    UnicodeError,
)


def mail_enabled() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


# -- building messages ----------------------------------------------------------------
def site_url(endpoint: str, **values: Any) -> str | None:
    """An absolute link for a mail: SITE_URL, else the current request's host; None
    when neither is known (a CLI run without SITE_URL)."""
    base = current_app.config.get("SITE_URL")
    if not base and has_request_context():
        base = request.host_url
    if not base:
        return None
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)


def sender() -> str:
    config = current_app.config
    return config.get("MAIL_FROM") or config.get("MAIL_USERNAME") or "hgq@localhost"


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text UTF-8 mail from MAIL_FROM."""
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender()
    msg["To"] = to
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender().rpartition("@")[2].strip("> ") or None)
    msg.set_content(body)
    return msg


def footer() -> str:
    zone = current_app.config.get("ZONE_NAME", "")
    return (
        "——\n"
        f"本邮件由{zone}包保服务系统自动发送，请勿直接回复。\n"
        "如需更改或关闭邮件通知，请登录系统，在“账号与密码”页的“通知设置”中修改。\n"
    )


def when(value: datetime | None) -> str:
    local = to_local(value)
    return local.strftime("%Y-%m-%d %H:%M") if local else ""


def notification_message(note: Notification, user: User) -> EmailMessage:
    """The mail for one notification: its title as subject, a link to its case."""
    lines = [f"{user.name}，您好：", "", note.title]
    if note.body:
        lines.append(note.body)
    lines += ["", f"时间：{when(note.created_at)}"]
    case_link = site_url("cases.detail", case_id=note.case_id) if note.case_id else None
    if case_link:
        lines.append(f"查看案件：{case_link}")
    centre = site_url("notifications.index")
    if centre:
        lines.append(f"全部消息：{centre}")
    lines += ["", footer()]
    return build_message(user.email, f"{SUBJECT_PREFIX}{note.title}", "\n".join(lines))


# -- SMTP -----------------------------------------------------------------------------
class Mailer:
    """One SMTP connection for a batch of mails: opened at the first send, closed on
    exit. After a connection-level error ``broken`` is set; the batch should stop."""

    def __init__(self) -> None:
        self.config = current_app.config
        self.broken = False
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        host, port, timeout = c["MAIL_SERVER"], int(c["MAIL_PORT"]), float(c["MAIL_TIMEOUT"])
        smtp: smtplib.SMTP
        if c.get("MAIL_USE_SSL"):
            smtp = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
            if c.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
        if c.get("MAIL_USERNAME"):
            smtp.login(c["MAIL_USERNAME"], c.get("MAIL_PASSWORD") or "")
        return smtp

    def send(self, msg: EmailMessage) -> None:
        """Send one message; raises on failure (and marks the mailer broken unless the
        server refused only this message)."""
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.send_message(msg)
        except _MESSAGE_ERRORS:
            raise
        except Exception:
            self.broken = True
            self._drop()
            raise

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            with contextlib.suppress(Exception):  # already failing; nothing more to do
                smtp.close()

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except Exception:
            log.debug("SMTP QUIT failed", exc_info=True)
            with contextlib.suppress(Exception):
                smtp.close()


# -- after commit ---------------------------------------------------------------------
def queue_after_commit(session: Any, ids: Iterable[int]) -> None:
    """Send these notifications' mails once ``session``'s transaction commits."""
    if isinstance(session, sa.orm.scoped_session):
        session = session()
    session.info.setdefault(_SESSION_KEY, []).extend(ids)


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT was released; wait for the real commit
    ids = session.info.pop(_SESSION_KEY, None)
    if not ids or not has_app_context():
        return
    try:
        send_pending_mail(ids)
    except Exception:
        log.exception("sending notification mail after commit failed; left pending")


@event.listens_for(Session, "after_transaction_end")
def _forget_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_SESSION_KEY, None)


# -- sending pending mail -------------------------------------------------------------
def send_pending_mail(ids: Iterable[int] | None = None, now: datetime | None = None) -> dict:
    """Send the pending mails (only ``ids`` if given, else the oldest pending ones).
    Uses and commits a private session. Returns ``{"sent": n, "failed": n}``, failed
    counting unsuccessful tries of this run."""
    counts = {"sent": 0, "failed": 0}
    if not mail_enabled():
        return counts
    now = now or utcnow()
    stmt = (
        sa.select(Notification.id, Notification.email_attempts)
        .where(Notification.email_status == "pending")
        .order_by(Notification.id)
        .limit(BATCH_SIZE)
    )
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(list(ids)))
    with Session(db.engine) as session, Mailer() as mailer:
        for note_id, attempts in session.execute(stmt).all():
            if mailer.broken:
                break  # the server is down: the rest wait, untried, for the next run
            outcome = _send_one(session, mailer, note_id, attempts, now)
            if outcome:
                counts[outcome] += 1
    return counts


def _send_one(
    session: Session, mailer: Mailer, note_id: int, attempts: int, now: datetime
) -> str | None:
    note = session.get(Notification, note_id)
    if note is None:
        return None
    user = note.user
    if not (user.active and user.email and user.email_mode == EmailMode.EACH):
        # The user changed his mind (or lost his address) since: no mail.
        note.email_status = "none"
        session.commit()
        return None
    claimed = session.execute(
        sa.update(Notification)
        .where(
            Notification.id == note_id,
            Notification.email_status == "pending",
            Notification.email_attempts == attempts,
        )
        .values(email_attempts=attempts + 1),
        execution_options={"synchronize_session": False},
    )
    session.commit()
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None  # another process is on it
    note = session.get(Notification, note_id)
    if note is None:
        return None
    try:
        mailer.send(notification_message(note, user))
    except Exception as exc:
        log.warning(
            "mail for notification %s to %s failed (attempt %s): %s",
            note_id,
            user.email,
            attempts + 1,
            exc,
        )
        if attempts + 1 >= MAX_ATTEMPTS:
            note.email_status = "failed"
            log.error("gave up mailing notification %s after %s attempts", note_id, MAX_ATTEMPTS)
        session.commit()
        return "failed"
    note.email_status = "sent"
    note.emailed_at = now
    session.commit()
    return "sent"


def deliver_mail(now: datetime | None = None) -> dict[str, int]:
    """The minute sweep's mail step: retry pending mails, then (once a day, from
    MAIL_DIGEST_HOUR local time) send the daily digests.

    Call it outside any open transaction of your own: it works in private sessions
    and commits them. Never raises; returns ``{"sent", "failed", "digests"}`` counts
    (all zero when mail is not configured).
    """
    from hgq.notifications.digest import send_daily_digests

    counts = {"sent": 0, "failed": 0, "digests": 0}
    if not mail_enabled():
        return counts
    now = now or utcnow()
    try:
        counts.update(send_pending_mail(now=now))
    except Exception:
        log.exception("retrying pending notification mail failed")
    try:
        counts["digests"] = send_daily_digests(now)
    except Exception:
        log.exception("sending daily digests failed")
    return counts


# -- flask mail-test --------------------------------------------------------------------
@click.command("mail-test")
@click.option("--to", "to", required=True, help="收件人邮箱")
@with_appcontext
def mail_test_command(to: str) -> None:
    """Send one test mail with the current settings, and say how it went."""
    from hgq.notifications.services import clean_email

    config = current_app.config
    if not mail_enabled():
        click.echo("未配置邮件服务器（MAIL_SERVER），邮件通知未开启。", err=True)
        raise click.exceptions.Exit(1)
    try:
        to = clean_email(to, "to")
    except DomainError as exc:
        click.echo(f"收件人{exc}", err=True)
        raise click.exceptions.Exit(1) from None
    body = "\n".join(
        [
            "您好：",
            "",
            "这是一封测试邮件。收到它，说明系统的邮件设置可以使用。",
            f"邮件服务器：{config['MAIL_SERVER']}:{config['MAIL_PORT']}",
            f"发件人：{sender()}",
            "",
            footer(),
        ]
    )
    try:
        with Mailer() as mailer:
            mailer.send(build_message(to, f"{SUBJECT_PREFIX}测试邮件", body))
    except Exception as exc:
        click.echo(f"发送失败：{type(exc).__name__}: {exc}", err=True)
        raise click.exceptions.Exit(1) from None
    click.echo(f"测试邮件已发送至 {to}。")
