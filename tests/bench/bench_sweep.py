"""Time the deadline sweep over many open cases.

    .venv/bin/python -m tests.bench.bench_sweep [--cases 100000] [--database-url URL]

Without ``--database-url`` it uses a throwaway SQLite file; with a PostgreSQL URL it
creates a throwaway database next to the one named (the account needs CREATEDB) and
drops it afterwards. The cases are bulk-inserted with SQLAlchemy Core: most have
deadlines ahead, a few thousand are overdue, due soon or resolved long ago. Then one
sweep is timed (it has all that work to do), and a second one (nothing left: what a
sweep every minute costs in the steady state).
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from hgq import create_app
from hgq.cases.models import Case, CaseStatus, Category, Channel, Urgency
from hgq.db import utcnow
from hgq.deadlines.sweep import run_sweep
from hgq.extensions import db
from tests import factories

CHUNK = 10_000


@contextmanager
def throwaway_database(url: str | None) -> Iterator[str]:
    if not url:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp, 'bench.sqlite')}"
        return
    name = f"hgq_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def case_rows(n: int, zone, category_id: int) -> Iterator[dict]:  # type: ignore[no-untyped-def,type-arg]
    """``n`` cases: per 100, one overdue at level 1 or 2, a third of one overdue at
    level 3, two due soon, one with its response overdue, half a one resolved 10 days
    ago without a rating; the rest due in 2–25 days."""
    rng = random.Random(42)
    now = utcnow()
    day = timedelta(days=1)
    for i in range(n):
        created = now - rng.uniform(0, 4) * day
        row = {
            "code": f"HGQ-B-{i:07d}",
            "enterprise_id": zone.ent_a,
            "title": f"基准测试诉求{i}",
            "description": "基准测试",
            "category_id": category_id,
            "channel": Channel.ONSITE,
            "urgency": Urgency.NORMAL,
            "created_by_id": zone.officer1,
            "first_owner_id": zone.officer1,
            "handler_id": zone.officer1,
            "level": 1,
            "status": CaseStatus.IN_PROGRESS,
            "version": 2,
            "created_at": created,
            "updated_at": created,
            "level_started_at": created,
            "responded_at": created + timedelta(hours=2),
            "response_due_at": created + day,
            # Every row names the same columns (one executemany).
            "resolved_at": None,
            "resolved_level": None,
            "resolution_type": None,
            "resolution_reply": None,
        }
        kind = i % 200
        if kind < 2:  # resolution overdue at level 1 (or 2): escalate
            level = 1 + kind
            due = now - rng.uniform(0.01, 2) * day
            row.update(level=level, handler_id=zone.officer1 if level == 1 else zone.leader1)
        elif kind == 2 and i % 600 == 2:  # level 3 overdue: 督办
            due = now - rng.uniform(0.01, 2) * day
            row.update(level=3, handler_id=None)
        elif kind in (3, 4, 5, 6):  # due soon
            due = now + rng.uniform(0.05, 0.9) * day
        elif kind in (7, 8):  # unanswered, response overdue: notice only
            due = now + rng.uniform(2, 6) * day
            row.update(responded_at=None, status=CaseStatus.SUBMITTED)
            row["response_due_at"] = now - rng.uniform(0.01, 1) * day
        elif kind == 9:  # resolved 10 days ago, never rated: auto-close
            due = None
            row.update(
                status=CaseStatus.RESOLVED,
                resolved_at=now - 10 * day,
                resolved_level=1,
                resolution_type="solved",
                resolution_reply="已办结",
            )
        else:
            due = now + rng.uniform(2, 25) * day
        row["resolution_due_at"] = due or now - 12 * day
        if due is None:
            row["due_at"] = row["due_soon_at"] = None
        else:
            current = row["response_due_at"] if row["responded_at"] is None else due
            row["due_at"] = current
            row["due_soon_at"] = current - day
        yield row


def build(n: int) -> float:
    zone = factories.build_zone()
    category_id = db.session.scalar(sa.select(Category.id).where(Category.code == "land"))
    started = time.perf_counter()
    rows = case_rows(n, zone, category_id)
    with db.engine.begin() as conn:
        while chunk := [row for _, row in zip(range(CHUNK), rows, strict=False)]:
            conn.execute(sa.insert(Case.__table__), chunk)
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("ANALYZE"))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a SQLite file)")
    args = parser.parse_args()
    with throwaway_database(args.database_url) as url, tempfile.TemporaryDirectory() as inst:
        os.environ["HGQ_INSTANCE_PATH"] = inst
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        with app.app_context():
            db.create_all()
            built = build(args.cases)
            engine = db.engine.dialect.name
            print(f"{engine}：插入 {args.cases} 件案件用时 {built:.1f} 秒")
        for label in ("第一次巡检（有待处理事项）", "第二次巡检（无事可做）"):
            with app.app_context():
                started = time.perf_counter()
                result = run_sweep()
                elapsed = time.perf_counter() - started
            print(f"{label}：{elapsed:.2f} 秒 — {result.summary()}")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
