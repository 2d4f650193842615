"""Time the statistics behind the zone dashboard over many cases.

    .venv/bin/python -m tests.bench.bench_stats [--cases 200000] [--database-url URL]

Without ``--database-url`` it uses a throwaway SQLite file; with a PostgreSQL URL it
creates a throwaway database next to the one named (the account needs CREATEDB) and
drops it afterwards. The cases (three years, 60 officers, 20 leaders, 10 departments,
the 8 default categories, every status) are bulk-inserted with SQLAlchemy Core, the
rollup is built once with ``rebuild()`` (timed), then the zone dashboard's reads —
:func:`summary` and a :func:`breakdown` by each grouping, for this year — are timed
(server time, median of several runs), and an officer's share too.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta

import sqlalchemy as sa

from hgq import create_app
from hgq.accounts import services as accounts
from hgq.accounts.models import Role
from hgq.cases.models import Case, CaseStatus, Category, Channel, Satisfaction, Urgency
from hgq.cases.services import ensure_default_categories
from hgq.db import utcnow
from hgq.extensions import db
from hgq.stats.queries import GROUP_BY, StatsFilter, breakdown, summary
from hgq.stats.rollup import rebuild
from hgq.timeutil import local_today
from tests import factories
from tests.bench.bench_sweep import throwaway_database

CHUNK = 10_000
RUNS = 15
DAY = timedelta(days=1)


def _people() -> tuple[list[int], list[int], list[int], int]:
    departments = [
        accounts.create_department(name=f"基准部门{i}", actor=None).id for i in range(10)
    ]
    officers = [
        accounts.create_user(
            username=f"bench_o{i}",
            name=f"干部{i}",
            password=factories.PASSWORD,
            roles=(Role.OFFICER,),
            department_id=departments[i % 10],
            actor=None,
        ).id
        for i in range(60)
    ]
    leaders = [
        accounts.create_user(
            username=f"bench_l{i}",
            name=f"领导{i}",
            password=factories.PASSWORD,
            roles=(Role.LEADER,),
            actor=None,
        ).id
        for i in range(20)
    ]
    enterprise = factories.make_enterprise("基准企业").id
    db.session.commit()
    return officers, leaders, departments, enterprise


def case_rows(n: int) -> Iterator[dict]:  # type: ignore[type-arg]
    rng = random.Random(7)
    officers, leaders, _, enterprise = _people()
    department_of = dict(db.session.execute(sa.text("SELECT id, department_id FROM users")).all())
    categories = list(db.session.scalars(sa.select(Category.id)))
    now = utcnow()
    for i in range(n):
        created = now - rng.uniform(0, 3 * 365) * DAY
        officer = rng.choice(officers)
        status = rng.choices(list(CaseStatus), weights=[1, 2, 6, 4, 70, 3, 4])[0]
        answered = status is not CaseStatus.SUBMITTED and not (
            status is CaseStatus.WITHDRAWN and rng.random() < 0.5
        )
        resolved = status in (CaseStatus.RESOLVED, CaseStatus.CLOSED)
        rated = status is CaseStatus.CLOSED and rng.random() < 0.8
        level = rng.choices([1, 2, 3], weights=[85, 12, 3])[0]
        yield {
            "code": f"HGQ-S-{i:07d}",
            "enterprise_id": enterprise,
            "title": f"基准诉求{i}",
            "description": "基准测试",
            "category_id": rng.choice(categories),
            "channel": Channel.ONSITE,
            "urgency": Urgency.NORMAL,
            "created_by_id": officer,
            "first_owner_id": officer,
            "leader_id": leaders[officers.index(officer) // 3],
            "department_id": department_of[officer],
            "handler_id": officer,
            "level": level,
            "status": status,
            "version": 3,
            "created_at": created,
            "updated_at": created,
            "level_started_at": created,
            "response_due_at": created + DAY,
            "responded_at": created + rng.uniform(0.05, 1.3) * DAY if answered else None,
            "resolved_at": created + rng.uniform(1, 40) * DAY if resolved else None,
            "closed_at": created + 45 * DAY if status is CaseStatus.CLOSED else None,
            "rated_at": created + 42 * DAY if rated else None,
            "rating_solved": rng.random() < 0.8 if rated else None,
            "rating_satisfaction": rng.choice(list(Satisfaction)) if rated else None,
            "reopen_count": 1 if rng.random() < 0.03 else 0,
        }


def build(n: int) -> tuple[float, float]:
    factories.build_zone()
    ensure_default_categories()
    db.session.commit()
    started = time.perf_counter()
    rows = case_rows(n)
    with db.engine.begin() as conn:
        while chunk := [row for _, row in zip(range(CHUNK), rows, strict=False)]:
            conn.execute(sa.insert(Case.__table__), chunk)
    inserted = time.perf_counter() - started
    started = time.perf_counter()
    rebuild()
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
    return inserted, time.perf_counter() - started


def timed(read) -> float:  # type: ignore[no-untyped-def]
    """Median milliseconds of ``read()`` over RUNS runs (after one warm-up)."""
    read()
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        read()
        samples.append((time.perf_counter() - started) * 1000)
        db.session.rollback()
    return statistics.median(samples)


def dashboard(flt: StatsFilter) -> None:
    summary(flt)
    for group_by in GROUP_BY:
        breakdown(flt, group_by)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a SQLite file)")
    args = parser.parse_args()
    with throwaway_database(args.database_url) as url, tempfile.TemporaryDirectory() as inst:
        os.environ["HGQ_INSTANCE_PATH"] = inst
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "bench",
                "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            }
        )
        with app.app_context():
            db.create_all()
            inserted, rebuilt = build(args.cases)
            engine = db.engine.dialect.name
            cells = db.session.scalar(sa.text("SELECT count(*) FROM case_stats"))
            print(f"{engine}：插入 {args.cases} 件案件 {inserted:.1f} 秒；", end="")
            print(f"重建统计汇总 {rebuilt:.1f} 秒（{cells} 行）")
            this_year = StatsFilter(since=local_today().replace(month=1, day=1))
            officer = db.session.scalar(sa.text("SELECT min(first_owner_id) FROM cases"))
            reads = {
                "全区看板（今年：汇总 + 按干部/领导/部门/类别/月份分组）": lambda: dashboard(
                    this_year
                ),
                "全区看板（三年全部）": lambda: dashboard(StatsFilter()),
                "仅汇总（今年）": lambda: summary(this_year),
                "包保责任人本人看板（今年）": lambda: dashboard(
                    StatsFilter(since=this_year.since, officer_ids=[officer])
                ),
            }
            for label, read in reads.items():
                print(f"{label}：{timed(read):.1f} 毫秒（{RUNS} 次中位数）")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
