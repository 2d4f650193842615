"""Who may see which statistics (三率 and the other measures); part of
:mod:`hgq.access`, which re-exports everything here.

- committee and admin see the whole zone;
- a leader sees the cases of the enterprises he led when they were submitted (the
  rollup's ``leader_id``), whoever handled them;
- an officer sees the cases he received first (首问, the rollup's ``officer_id``);
- someone who is both sees both shares together;
- enterprise and department users see no statistics.
"""

from __future__ import annotations

from datetime import date

from hgq.accounts.models import Role, User
from hgq.stats.queries import StatsFilter


def can_view_stats(user: User) -> bool:
    return user.has_role(Role.ADMIN, Role.COMMITTEE, Role.LEADER, Role.OFFICER)


def stats_filter_for(
    user: User,
    *,
    since: date | None = None,
    until: date | None = None,
    category_id: int | None = None,
) -> StatsFilter | None:
    """The StatsFilter of ``user``'s share for the given months and category, or None
    if he may see no statistics (the caller answers 403). A page may narrow the zone's
    share further (``officer_ids``, ``leader_id``); a role's share is never widened."""
    if user.has_role(Role.ADMIN, Role.COMMITTEE):
        return StatsFilter(since=since, until=until, category_id=category_id)
    leader_id = user.id if user.has_role(Role.LEADER) else None
    officer_ids = (user.id,) if user.has_role(Role.OFFICER) else None
    if leader_id is None and officer_ids is None:
        return None
    return StatsFilter(
        since=since,
        until=until,
        officer_ids=officer_ids,
        leader_id=leader_id,
        category_id=category_id,
        either=True,  # both roles: both shares
    )
