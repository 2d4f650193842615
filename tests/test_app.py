"""The application factory: configuration layers and the instance folder."""

import os
import stat
from concurrent.futures import ThreadPoolExecutor

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
