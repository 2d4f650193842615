"""The migrations build the models' schema on empty SQLite and PostgreSQL databases."""

import os
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from hgq.extensions import db
from tests.conftest import make_test_app

PG_URL = os.environ.get("HGQ_TEST_DATABASE_URL")


def schema_diff(app) -> list:
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def check_round_trip(app) -> None:
    with app.app_context():
        upgrade()
    assert schema_diff(app) == []
    with app.app_context():
        tags = db.session.scalars(sa.text("SELECT name FROM tags ORDER BY id")).all()
        assert "高新技术企业" in tags
        db.session.remove()  # release the read lock before DROP TABLE on PostgreSQL
        downgrade(revision="base")
        assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
    assert schema_diff(app) == []


def test_one_head(app):
    with app.app_context():
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        assert len(script.get_heads()) == 1
        revisions = [r.revision for r in script.walk_revisions()]
        assert all(rev.isdigit() and len(rev) == 4 for rev in revisions)


def test_migrations_on_empty_sqlite(tmp_path):
    app = make_test_app(tmp_path, f"sqlite:///{tmp_path / 'empty.sqlite'}")
    check_round_trip(app)
    with app.app_context():
        assert db.session.scalar(sa.text("PRAGMA journal_mode")) == "wal"
        db.engine.dispose()


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="HGQ_TEST_DATABASE_URL is not set")
def test_migrations_on_empty_postgresql(tmp_path):
    name = f"hgq_mig_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        url = sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        app = make_test_app(tmp_path, url)
        check_round_trip(app)
        with app.app_context():
            db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
