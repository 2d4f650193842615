"""The application factory: configuration layers and the instance folder."""

import os
import stat
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from hgq import _instance_secret_key, create_app


def test_secret_key_is_created_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("HGQ_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("HGQ_SECRET_KEY", raising=False)
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    key_file = tmp_path / "secret_key"
    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_concurrent_first_starts_agree_on_one_key(tmp_path):
    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = set(pool.map(lambda _: _instance_secret_key(tmp_path), range(16)))
    assert len(keys) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]


def test_default_database_is_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("HGQ_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("HGQ_DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'hgq.sqlite'}"


def test_environment_overrides_instance_config(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text(
        'DATABASE_URL = "sqlite:///from-file.sqlite"\nITEMS_PER_PAGE = 7\n'
    )
    monkeypatch.setenv("HGQ_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("HGQ_DATABASE_URL", "sqlite:///from-env.sqlite")
    monkeypatch.setenv("HGQ_SECRET_KEY", "from-env")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///from-env.sqlite"
    assert app.config["ITEMS_PER_PAGE"] == 7
    assert app.config["SECRET_KEY"] == "from-env"
    assert not (tmp_path / "secret_key").exists()


def test_error_pages_are_chinese_without_internals(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "页面不存在" in page
    assert "Traceback" not in page


def test_unexpected_errors_show_a_chinese_page(tmp_path, monkeypatch):
    monkeypatch.setenv("HGQ_INSTANCE_PATH", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})

    @app.route("/boom")
    def boom():
        raise RuntimeError("internal detail")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "系统错误" in page
    assert "internal detail" not in page


def test_a_write_race_is_a_conflict_page_not_a_500(app, zone, auth, client):
    """Two saves at once: the version check passed for both, the database refuses one."""
    from hgq.enterprises.models import Enterprise
    from hgq.extensions import db

    auth.login("admin")
    page = client.get(f"/admin/enterprises/{zone.ent_a}/edit")
    assert page.status_code == 200
    with app.app_context():
        enterprise = db.session.get(Enterprise, zone.ent_a)
        version = enterprise.version
        data = {
            "version": str(version),
            "name": "甲企业改名",
            "credit_code": enterprise.credit_code,
            "industry": "",
            "address": "",
            "contact_name": "",
            "contact_phone": "",
            "is_active": "y",
        }
    # Simulate the other writer landing between the version check and the UPDATE.
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    def bump_behind_the_back(session, flush_context, instances):
        session.connection().execute(
            sa.text("UPDATE enterprises SET version = version + 1 WHERE id = :id"),
            {"id": zone.ent_a},
        )

    event.listen(Session, "before_flush", bump_behind_the_back, once=True)
    try:
        response = client.post(f"/admin/enterprises/{zone.ent_a}/edit", data=data)
    finally:
        if event.contains(Session, "before_flush", bump_behind_the_back):
            event.remove(Session, "before_flush", bump_behind_the_back)
    assert response.status_code == 409
    assert "已被他人修改" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Enterprise, zone.ent_a).name == "甲企业"


def test_debug_mode_is_refused_unless_allowed(tmp_path):
    settings = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}", "DEBUG": True}
    with pytest.raises(RuntimeError, match="调试模式"):
        create_app(settings)
    assert create_app({**settings, "DEBUG_ALLOWED": True}).debug
