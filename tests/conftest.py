"""Fixtures: a fresh database per test (SQLite file, or a throwaway PostgreSQL database
when HGQ_TEST_DATABASE_URL is set), the app, its client and CLI runner, and a small zone."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from hgq import create_app
from hgq.extensions import db
from tests import factories

PG_URL = os.environ.get("HGQ_TEST_DATABASE_URL")
PASSWORD = factories.PASSWORD


def _pg_admin_engine(url: str) -> sa.Engine:
    return sa.create_engine(url, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str | None]:
    """A throwaway PostgreSQL database for the whole run, dropped at the end."""
    if not PG_URL:
        yield None
        return
    name = f"hgq_test_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin_engine(PG_URL)
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def make_test_app(tmp_path, database_url: str, **extra) -> Flask:  # type: ignore[no-untyped-def]
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # The demo's year of history takes ~10 s; tests/demo/test_demo_history.py
        # turns it on, the other demo tests need only the zone.
        "DEMO_HISTORY": False,
    }
    config.update(extra)
    os.environ["HGQ_INSTANCE_PATH"] = str(tmp_path / "instance")
    try:
        return create_app(config)
    finally:
        del os.environ["HGQ_INSTANCE_PATH"]


@pytest.fixture
def app(tmp_path, pg_database) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    url = pg_database or f"sqlite:///{tmp_path / 'test.sqlite'}"
    app = make_test_app(tmp_path, url)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        if pg_database:
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def zone(app: Flask) -> SimpleNamespace:
    """A small zone: see :func:`tests.factories.build_zone`."""
    with app.app_context():
        return factories.build_zone()


class Auth:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
        return self.client.post("/login", data={"username": username, "password": password})

    def logout(self):  # type: ignore[no-untyped-def]
        return self.client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)
