"""Migration 0011 fills ``cases.leader_id`` and ``cases.department_id`` of existing
cases from the history (the assignment in force on the local submission date, the
first owner's department), and ``stats rebuild`` then fills the rollup.

Later migrations cannot be undone on SQLite once users have rows, so the backfill is
run on its own, as 0011 runs it, on cases whose two columns were emptied."""

from __future__ import annotations

import importlib.util
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from flask_migrate import upgrade

from hgq.accounts.models import User
from hgq.cases.models import Case
from hgq.enterprises.models import Assignment
from hgq.extensions import db
from hgq.stats.queries import StatsFilter, breakdown
from hgq.stats.rollup import ROLLUP_TABLES
from tests import factories
from tests.conftest import make_test_app
from tests.stats.handmade import T0, Clock, new_case

PG_URL = os.environ.get("HGQ_TEST_DATABASE_URL")
MIGRATION = (
    Path(__file__).parents[2] / "hgq" / "migrations" / "versions" / "0011_case_statistics.py"
)


def run_backfill() -> None:
    """The UPDATEs of migration 0011, on the app's database."""
    spec = importlib.util.spec_from_file_location("migration_0011", MIGRATION)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    with db.engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
        module._backfill()


@contextmanager
def migrated_database(tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """An empty database that the migrations manage (a throwaway one on PostgreSQL)."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'migrated.sqlite'}"
        return
    name = f"hgq_stats_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_backfill_then_rebuild(tmp_path, monkeypatch):
    with migrated_database(tmp_path) as url:
        app = make_test_app(tmp_path, url)
        clock = Clock(T0)
        monkeypatch.setattr("hgq.cases.services.utcnow", lambda: clock.now)
        with app.app_context():
            upgrade()
            zone = factories.build_zone()
            department = factories.make_department("企业服务局").id
            db.session.get(User, zone.officer1).department_id = department
            db.session.commit()
            old = new_case(clock, T0, zone.ent_a, zone.user_a)  # leader1 then
            # Enterprise A passed to leader2 from 10 November; a case after that.
            current = db.session.scalar(
                sa.select(Assignment).where(Assignment.enterprise_id == zone.ent_a)
            )
            current.end_date = date(2026, 11, 10)
            db.session.add(
                Assignment(
                    enterprise_id=zone.ent_a,
                    officer_id=zone.officer1,
                    leader_id=zone.leader2,
                    start_date=date(2026, 11, 10),
                )
            )
            db.session.commit()
            later = new_case(clock, T0.replace(day=20), zone.ent_a, zone.user_a)
            uncovered = new_case(clock, T0, zone.ent_c, zone.committee)
            # As a database made before 0011 has them: no snapshot, no rollup.
            db.session.execute(sa.update(Case).values(leader_id=None, department_id=None))
            for table in ROLLUP_TABLES:
                db.session.execute(sa.delete(table))
            db.session.commit()
            db.session.remove()
            run_backfill()
            got = {
                c.id: (c.leader_id, c.department_id) for c in db.session.scalars(sa.select(Case))
            }
            assert got == {
                old: (zone.leader1, department),
                later: (zone.leader2, department),
                uncovered: (None, None),  # the committee's 首问, no department, no leader
            }
            assert breakdown(StatsFilter(), "leader") == []  # until rebuilt
            db.session.remove()
        result = app.test_cli_runner().invoke(args=["stats", "rebuild"])
        assert result.exit_code == 0, result.output
        assert "共统计诉求 3 件" in result.output
        with app.app_context():
            rows = breakdown(StatsFilter(), "leader")
            assert [(r.key, r.cases) for r in rows] == [
                (zone.leader1, 1),
                (zone.leader2, 1),
                (0, 1),
            ]
            db.session.remove()
            db.engine.dispose()
