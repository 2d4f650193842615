"""The daily digest: one mail a day to each "daily" user, listing his unread
notifications since his previous digest.

Once only, even with several sweeps running at once: each user is first claimed with
a conditional UPDATE of ``last_digest_at`` (… WHERE last_digest_at IS NULL OR
last_digest_at < start of today), and only the run whose UPDATE changed the row
sends. A failed send gives the claim back, so the next minute's run tries again.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from hgq.accounts.models import EmailMode, User
from hgq.db import utcnow
from hgq.extensions import db
from hgq.notifications.mail import (
    SUBJECT_PREFIX,
    Mailer,
    build_message,
    footer,
    mail_enabled,
    site_url,
    when,
)
from hgq.notifications.models import Notification
from hgq.timeutil import zone

log = logging.getLogger(__name__)

MAX_LISTED = 50  # notifications listed in one digest; the rest are counted


def today_start(now: datetime) -> datetime:
    """Midnight of ``now``'s local day, in UTC."""
    local = now.astimezone(zone())
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def digest_due(now: datetime) -> bool:
    return now.astimezone(zone()).hour >= int(current_app.config["MAIL_DIGEST_HOUR"])


def send_daily_digests(now: datetime | None = None) -> int:
    """Send today's digests if it is past MAIL_DIGEST_HOUR local time and they have
    not gone out yet. Users with nothing unread get no mail (but are done for the
    day). Uses and commits a private session; returns how many digests were sent."""
    if not mail_enabled():
        return 0
    now = now or utcnow()
    if not digest_due(now):
        return 0
    start = today_start(now)
    not_today = sa.or_(User.last_digest_at.is_(None), User.last_digest_at < start)
    sent = 0
    with Session(db.engine) as session, Mailer() as mailer:
        due = session.execute(
            sa.select(User.id, User.last_digest_at)
            .where(
                User.active.is_(True),
                User.email_mode == EmailMode.DAILY.value,
                User.email != "",
                not_today,
            )
            .order_by(User.id)
        ).all()
        for user_id, previous in due:
            if mailer.broken:
                break  # the server is down; the rest are retried next minute
            claimed = session.execute(
                sa.update(User)
                .where(User.id == user_id, not_today)
                .values(last_digest_at=now, updated_at=User.updated_at),
                execution_options={"synchronize_session": False},
            )
            session.commit()
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                continue  # another run has it
            user = session.get(User, user_id)
            if user is None:
                continue
            notes = _unread_since(session, user_id, previous, now)
            if not notes:
                continue
            try:
                mailer.send(digest_message(user, notes, now))
            except Exception as exc:
                log.warning("daily digest to %s failed: %s", user.email, exc)
                session.execute(
                    sa.update(User)
                    .where(User.id == user_id, User.last_digest_at == now)
                    .values(last_digest_at=previous, updated_at=User.updated_at),
                    execution_options={"synchronize_session": False},
                )
                session.commit()
                continue
            sent += 1
    return sent


def _unread_since(
    session: Session, user_id: int, previous: datetime | None, now: datetime
) -> list[Notification]:
    stmt = (
        sa.select(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.read_at.is_(None),
            Notification.created_at <= now,
        )
        .order_by(Notification.created_at, Notification.id)
    )
    if previous is not None:
        stmt = stmt.where(Notification.created_at > previous)
    return list(session.scalars(stmt))


def digest_message(user: User, notes: list[Notification], now: datetime) -> EmailMessage:
    day = now.astimezone(zone()).strftime("%Y-%m-%d")
    lines = [f"{user.name}，您好：", "", f"您有 {len(notes)} 条未读消息："]
    for note in notes[:MAX_LISTED]:
        lines += ["", f"· {when(note.created_at)}  {note.title}"]
        if note.body:
            lines.append(f"  {note.body[:200]}")
        link = site_url("cases.detail", case_id=note.case_id) if note.case_id else None
        if link:
            lines.append(f"  查看案件：{link}")
    if len(notes) > MAX_LISTED:
        lines += ["", f"另有 {len(notes) - MAX_LISTED} 条未读消息未列出。"]
    centre = site_url("notifications.index")
    if centre:
        lines += ["", f"全部消息：{centre}"]
    lines += ["", footer()]
    subject = f"{SUBJECT_PREFIX}每日消息汇总（{day}，{len(notes)}条未读）"
    return build_message(user.email, subject, "\n".join(lines))
