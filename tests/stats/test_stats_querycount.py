"""summary() and breakdown() run the same number of SQL statements whatever the number
of cases, officers, categories and months (two reads + one per breakdown)."""

from __future__ import annotations

from datetime import timedelta

from hgq.extensions import db
from hgq.stats.queries import GROUP_BY, StatsFilter, breakdown, summary
from tests.querycount import counting_queries
from tests.stats.handmade import T0, clock, new_case  # noqa: F401


def _read_everything(app, flt: StatsFilter) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with app.app_context(), counting_queries(app) as statements:
        total = summary(flt)
        rows = sum(len(breakdown(flt, group_by)) for group_by in GROUP_BY)
        db.session.rollback()
    return len(statements), total.cases + rows


def test_statement_count_does_not_grow_with_the_data(app, zone, clock):  # noqa: F811
    flt = StatsFilter()
    with app.app_context():
        new_case(clock, T0, zone.ent_a, zone.user_a)
    small, small_size = _read_everything(app, flt)
    with app.app_context():
        creators = [
            (zone.ent_a, zone.user_a),
            (zone.ent_b, zone.user_b),
            (zone.ent_c, zone.committee),
        ]
        for n in range(30):
            enterprise, creator = creators[n % 3]
            category = ["land", "financing", "labor", "policy"][n % 4]
            new_case(clock, T0 + timedelta(days=11 * n), enterprise, creator, category)
    large, large_size = _read_everything(app, flt)
    assert large_size > 5 * small_size  # many more cases and rows read …
    assert large == small == 2 + len(GROUP_BY)  # … with the same statements
