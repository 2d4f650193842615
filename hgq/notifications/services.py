"""Sending and reading notifications, and each user's email preference.
Services flush; callers commit."""

from __future__ import annotations

import re
from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app

from hgq.accounts.models import EmailMode, User
from hgq.db import utcnow
from hgq.errors import NotAllowed
from hgq.extensions import db
from hgq.notifications.models import Notification

# The shape of an address, not proof it exists: local@domain.tld, no spaces.
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
EMAIL_MAX_LENGTH = 254
EMAIL_SHAPE_MESSAGE = "邮箱格式不正确，例如 name@example.com"


def notify(
    user_ids: Iterable[int],
    *,
    kind: str,
    title: str,
    body: str = "",
    case_id: int | None = None,
    event_id: int | None = None,
    exclude: int | None = None,
    link: str | None = None,
) -> list[Notification]:
    """Add one notification per distinct user (never to ``exclude``, the actor).

    A user who wants a mail for each notification (and has an address, with mail
    configured) gets his marked ``email_status="pending"``; hgq.notifications.mail
    sends those once this transaction commits, and forgets them if it rolls back.
    """
    wanted = [u for u in dict.fromkeys(user_ids) if u is not None and u != exclude]
    mailed = _each_mail_users(wanted)
    made = []
    for user_id in wanted:
        note = Notification(
            user_id=user_id,
            kind=kind,
            title=title[:200],
            body=body[:500],
            case_id=case_id,
            event_id=event_id,
            link=link,
            email_status="pending" if user_id in mailed else "none",
        )
        db.session.add(note)
        made.append(note)
    db.session.flush()
    if mailed:
        from hgq.notifications.mail import queue_after_commit

        queue_after_commit(db.session, [n.id for n in made if n.email_status == "pending"])
    return made


def _each_mail_users(user_ids: list[int]) -> set[int]:
    """Those of ``user_ids`` who get one mail per notification, if mail is configured."""
    if not user_ids or not current_app.config.get("MAIL_SERVER"):
        return set()
    return set(
        db.session.scalars(
            sa.select(User.id).where(
                User.id.in_(user_ids),
                User.active.is_(True),
                User.email_mode == EmailMode.EACH.value,
                User.email != "",
            )
        )
    )


def clean_email(email: str, field: str = "email") -> str:
    """An address trimmed (and its domain lower-cased), or "" for none; refused if
    its shape is wrong."""
    email = (email or "").strip()
    if not email:
        return ""
    if len(email) > EMAIL_MAX_LENGTH:
        raise NotAllowed(f"邮箱最多{EMAIL_MAX_LENGTH}个字符", field)
    if not EMAIL_RE.match(email):
        raise NotAllowed(EMAIL_SHAPE_MESSAGE, field)
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def set_email_preference(user: User, *, email: str, mode: str) -> None:
    """The user's own choice on his account page: address and EmailMode.
    Mail (each or daily) needs an address."""
    if mode not in {m.value for m in EmailMode}:
        raise NotAllowed("请选择邮件通知方式", "email_mode")
    email = clean_email(email)
    if mode != EmailMode.OFF and not email:
        raise NotAllowed("要接收邮件通知，请先填写邮箱", "email")
    user.email = email
    user.email_mode = mode
    db.session.flush()


def set_email_address(user: User, email: str) -> None:
    """An admin sets (or clears) a user's address; clearing it also turns mail off."""
    email = clean_email(email)
    user.email = email
    if not email:
        user.email_mode = EmailMode.OFF.value
    db.session.flush()


def mark_read(user_id: int, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read (all, or only the given ids).
    Returns how many changed; other users' notifications are never touched."""
    stmt = (
        sa.update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    if notification_ids is not None:
        stmt = stmt.where(Notification.id.in_(list(notification_ids)))
    result = db.session.execute(stmt, execution_options={"synchronize_session": False})
    return result.rowcount or 0  # type: ignore[attr-defined]
