"""Writing audit records. Flushes; the caller commits with the change it records."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from hgq.accounts.models import User
from hgq.audit.models import AuditRecord
from hgq.extensions import db


def record_audit(
    action: str,
    *,
    actor: User | None,
    target_type: str = "",
    target_id: object = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditRecord:
    """Append an audit record in the current transaction (so it stands or falls with
    the change it describes). The address is the request's, when there is one."""
    record = AuditRecord(
        actor_id=actor.id if actor is not None else None,
        ip=(request.remote_addr or "") if has_request_context() else "",
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        before=before,
        after=after,
    )
    db.session.add(record)
    db.session.flush()
    return record


def record_change(
    action: str,
    *,
    actor: User | None,
    target_type: str,
    target_id: object,
    before: dict[str, Any],
    after: dict[str, Any],
) -> AuditRecord | None:
    """Record an edit, given the target's state before and after it (plain JSON values):
    the record keeps only the fields whose values differ. An edit that changes nothing
    writes no record (and answers None)."""
    keys = [key for key in {**before, **after} if before.get(key) != after.get(key)]
    if not keys:
        return None
    return record_audit(
        action,
        actor=actor,
        target_type=target_type,
        target_id=target_id,
        before={key: before.get(key) for key in keys},
        after={key: after.get(key) for key in keys},
    )
