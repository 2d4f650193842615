"""Time the zone dashboard (统计看板) over many cases.

    .venv/bin/python -m tests.bench.bench_dashboard [--cases 200000] [--database-url URL]

Without ``--database-url`` it uses a throwaway SQLite file; with a PostgreSQL URL it
creates a throwaway database next to the one named (the account needs CREATEDB) and
drops it afterwards (see tests/bench/bench_sweep.py).

The zone: 300 enterprises covered by 40 officers in 6 departments under 10 leaders,
the default categories, 5 weeks of visits and two years of weekly checklists. The
cases are bulk-inserted with SQLAlchemy Core, spread evenly over the last 24 months:
older ones mostly closed and rated (about 80 % answered in time, 85 % solved, 90 %
satisfied), recent ones still open with deadlines ahead or passed, some escalated and
urged. The rollup is then built with :func:`hgq.stats.rollup.rebuild`, and the zone
dashboard is requested as the committee member with the Flask test client (everything
in-process, so the time is the server's): the first request, then the median of 20.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from flask import Flask

from hgq import create_app
from hgq.accounts.models import Department, Role
from hgq.cases.models import Case, CaseStatus, Category, Channel, Satisfaction, Urgency
from hgq.cases.services import ensure_default_categories
from hgq.checklists.models import ChecklistStatus, Outcome, WeeklyChecklist
from hgq.db import utcnow
from hgq.enterprises.credit_code import make_credit_code
from hgq.enterprises.models import Assignment, Enterprise
from hgq.extensions import db
from hgq.stats.rollup import rebuild
from hgq.timeutil import local_today
from hgq.visits.models import Visit, VisitMethod
from tests.bench.bench_sweep import throwaway_database
from tests.factories import PASSWORD, make_user

CHUNK = 10_000
ENTERPRISES, OFFICERS, LEADERS, DEPARTMENTS = 300, 40, 10, 6
MONTHS = 24
WARM_REQUESTS = 20
URL = "/stats/"


def build_people() -> SimpleNamespace:
    """The committee member, departments, leaders, officers, enterprises with their
    current assignments; returns ids."""
    ensure_default_categories()
    db.session.add_all(Department(name=f"基准部门{i}") for i in range(DEPARTMENTS))
    db.session.commit()
    departments = list(db.session.scalars(sa.select(Department.id)))
    committee = make_user("committee1", Role.COMMITTEE, name="工委委员")
    leaders = [make_user(f"leader{i}", Role.LEADER, name=f"领导{i}").id for i in range(LEADERS)]
    officers = [
        make_user(
            f"officer{i}", Role.OFFICER, name=f"干部{i}", department_id=departments[i % DEPARTMENTS]
        )
        for i in range(OFFICERS)
    ]
    start = local_today() - timedelta(days=MONTHS * 31)
    with db.engine.begin() as conn:
        conn.execute(
            sa.insert(Enterprise.__table__),
            [
                {"name": f"基准企业{i:04d}", "credit_code": make_credit_code(f"91431299{i:09d}")}
                for i in range(ENTERPRISES)
            ],
        )
        ids = list(conn.scalars(sa.select(Enterprise.id).order_by(Enterprise.id)))
        conn.execute(
            sa.insert(Assignment.__table__),
            [
                {
                    "enterprise_id": e,
                    "officer_id": officers[i % OFFICERS].id,
                    "leader_id": leaders[i % LEADERS],
                    "start_date": start,
                }
                for i, e in enumerate(ids)
            ],
        )
    return SimpleNamespace(
        committee=committee.id,
        enterprises=[
            (
                e,
                officers[i % OFFICERS].id,
                leaders[i % LEADERS],
                officers[i % OFFICERS].department_id,
            )
            for i, e in enumerate(ids)
        ],
        officers=[o.id for o in officers],
        categories=list(db.session.scalars(sa.select(Category.id))),
    )


def _outcome(rng: random.Random, row: dict, age_days: float) -> None:  # type: ignore[type-arg]
    """Where a case of ``age_days`` stands now: status, level, times and rating."""
    now = row["created_at"] + timedelta(days=age_days)
    day = timedelta(days=1)
    created = row["created_at"]
    level = rng.choices((1, 2, 3), weights=(85, 12, 3))[0]
    row["level"] = level
    answered = rng.random() < 0.97 or age_days > 3
    if answered:
        row["responded_at"] = created + timedelta(days=rng.uniform(0.05, 1.25))
    if age_days < 20 and rng.random() < 0.7:  # still open
        row["status"] = CaseStatus.IN_PROGRESS if answered else CaseStatus.SUBMITTED
        due = created + timedelta(days=rng.uniform(5, 30))
        row.update(due_at=due, due_soon_at=due - 2 * day, resolution_due_at=due)
        if rng.random() < 0.05:
            row["urged_at"] = now - day
        return
    kind = rng.random()
    if kind < 0.03:
        row.update(status=CaseStatus.REJECTED, closed_at=row.get("responded_at") or created + day)
        return
    if kind < 0.05:
        row.update(status=CaseStatus.WITHDRAWN, closed_at=created + 2 * day)
        return
    resolved = created + timedelta(days=min(rng.gammavariate(2.0, 4.0) + 0.5, age_days))
    row.update(resolved_at=resolved, resolved_level=level, resolution_type="solved")
    row["resolution_reply"] = "已办结"
    if age_days < 10 and rng.random() < 0.5:
        row["status"] = CaseStatus.RESOLVED
        return
    row.update(status=CaseStatus.CLOSED, closed_at=resolved + timedelta(days=rng.uniform(0.5, 7)))
    if rng.random() < 0.8:
        row["rating_solved"] = rng.random() < 0.85
        row["rating_satisfaction"] = rng.choices(
            (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED, Satisfaction.DISSATISFIED),
            weights=(70, 22, 8),
        )[0]
        row["rated_at"] = row["closed_at"]
    else:
        row["closed_unrated"] = True


def case_rows(n: int, people: SimpleNamespace) -> Iterator[dict]:  # type: ignore[type-arg]
    rng = random.Random(2026)
    now = utcnow()
    span = MONTHS * 30.4
    for i in range(n):
        age = span * (n - i) / n  # oldest first, evenly spread
        created = now - timedelta(days=age)
        enterprise, officer, leader, department = rng.choice(people.enterprises)
        row = {
            "code": f"HGQ-D-{i:07d}",
            "enterprise_id": enterprise,
            "title": f"基准诉求{i}",
            "description": "基准测试",
            "category_id": rng.choice(people.categories),
            "channel": Channel.ONSITE,
            "urgency": Urgency.NORMAL,
            "created_by_id": officer,
            "first_owner_id": officer,
            "handler_id": officer,
            "leader_id": leader,
            "department_id": department,
            "version": 3,
            "created_at": created,
            "updated_at": created,
            "level_started_at": created,
            "response_due_at": created + timedelta(days=1),
            # Every row names the same columns (one executemany per chunk).
            **dict.fromkeys(
                (
                    "responded_at", "resolved_at", "closed_at", "rated_at", "due_at",
                    "due_soon_at", "resolution_due_at", "urged_at", "resolved_level",
                    "resolution_type", "resolution_reply", "rating_solved",
                    "rating_satisfaction",
                )
            ),
            "closed_unrated": False,
        }  # fmt: skip
        _outcome(rng, row, age)
        yield row


def contact_and_checklists(people: SimpleNamespace) -> None:
    """A visit to most enterprises in the last five weeks, two years of checklists."""
    rng = random.Random(7)
    today = local_today()
    visits = [
        {
            "enterprise_id": e,
            "visitor_id": officer,
            "visited_on": today - timedelta(days=rng.randint(0, 35)),
            "method": VisitMethod.ONSITE,
            "summary": "走访",
        }
        for e, officer, _, _ in people.enterprises
    ]
    monday = today - timedelta(days=today.weekday())
    checklists = [
        {
            "user_id": officer,
            "week_start": monday - timedelta(weeks=w),
            "status": ChecklistStatus.SUBMITTED,
            "due_at": utcnow() - timedelta(weeks=w),
            "outcome": rng.choices(
                (Outcome.ON_TIME, Outcome.LATE, Outcome.MISSING), weights=(85, 10, 5)
            )[0],
        }
        for officer in people.officers
        for w in range(1, 105)
    ]
    with db.engine.begin() as conn:
        conn.execute(sa.insert(Visit.__table__), visits)
        conn.execute(sa.insert(WeeklyChecklist.__table__), checklists)


def build(n: int) -> tuple[float, float]:
    people = build_people()
    contact_and_checklists(people)
    started = time.perf_counter()
    rows = case_rows(n, people)
    with db.engine.begin() as conn:
        while chunk := [row for _, row in zip(range(CHUNK), rows, strict=False)]:
            conn.execute(sa.insert(Case.__table__), chunk)
    inserted = time.perf_counter() - started
    started = time.perf_counter()
    counted = rebuild()
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("ANALYZE"))
    assert counted == n, (counted, n)
    return inserted, time.perf_counter() - started


def time_dashboard(app: Flask, url: str) -> tuple[float, list[float], int]:
    """(first request, the next WARM_REQUESTS, bytes of the page) in seconds."""
    client = app.test_client()
    response = client.post("/login", data={"username": "committee1", "password": PASSWORD})
    assert response.status_code == 302, "login failed"
    timings = []
    size = 0
    for _ in range(WARM_REQUESTS + 1):
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        size = len(response.data)
    return timings[0], timings[1:], size


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
                "SCHEDULER_ENABLED": False,
                "WTF_CSRF_ENABLED": False,
            }
        )
        with app.app_context():
            db.create_all()
            inserted, rebuilt = build(args.cases)
            engine = db.engine.dialect.name
        print(
            f"{engine}：插入 {args.cases} 件案件 {inserted:.1f} 秒，重建统计汇总 {rebuilt:.1f} 秒"
        )
        this_year = date.today().year
        for label, url_ in (
            ("今年（默认）", URL),
            ("近 24 个月", f"{URL}?from={this_year - 2}-01&to={this_year}-12"),
        ):
            first, warm, size = time_dashboard(app, url_)
            print(
                f"全区统计看板 {label}：首次 {first * 1000:.0f} 毫秒；"
                f"此后 {WARM_REQUESTS} 次中位数 {statistics.median(warm) * 1000:.1f} 毫秒"
                f"（最快 {min(warm) * 1000:.1f}，最慢 {max(warm) * 1000:.1f}；"
                f"页面 {size // 1024} KB）"
            )
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
