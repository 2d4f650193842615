"""The opt-in in-process scheduler: off by default and under TESTING, once per app,
sweeps every interval in its own app context, and survives a failing sweep."""

import time

from hgq.cases.models import Case
from hgq.deadlines import scheduler as scheduler_module
from hgq.deadlines.scheduler import EXTENSION_KEY, init_scheduler, start_scheduler
from hgq.deadlines.sweep import SweepResult
from hgq.extensions import db
from tests.conftest import make_test_app
from tests.deadlines.test_sweep import accepted_case, make_overdue


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_scheduler_is_off_by_default_and_under_testing(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    assert make_test_app(tmp_path, url).config["SCHEDULER_ENABLED"] is False
    app = make_test_app(tmp_path, url, SCHEDULER_ENABLED=True)  # TESTING: not started
    assert EXTENSION_KEY not in app.extensions


def test_scheduler_starts_once_and_not_in_the_reloader_parent(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    settings = {
        "TESTING": False,
        "SCHEDULER_ENABLED": True,
        "SCHEDULER_INTERVAL_SECONDS": 3600,
        "DEBUG_ALLOWED": True,  # the reloader runs only in (local) debug mode
    }
    parent = make_test_app(tmp_path, url, DEBUG=True, **settings)
    assert EXTENSION_KEY not in parent.extensions  # the reloader's watcher process

    monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
    app = make_test_app(tmp_path, url, DEBUG=True, **settings)
    running = app.extensions[EXTENSION_KEY]
    try:
        assert running.thread.is_alive() and running.thread.daemon
        assert running.interval == 3600
        assert init_scheduler(app) is running  # never a second thread
        assert start_scheduler(app) is running
    finally:
        running.stop()
    assert not running.thread.is_alive()


def test_scheduler_sweeps_every_interval(app, zone):
    with app.app_context():
        case_id = accepted_case(zone)
        make_overdue(case_id)
    running = start_scheduler(app, interval=0.05)
    try:
        assert wait_for(lambda: running.runs >= 2)
    finally:
        running.stop()
    with app.app_context():
        assert db.session.get(Case, case_id).level == 2  # escalated once, not per run


def test_a_failing_sweep_is_logged_and_the_thread_goes_on(app, monkeypatch, caplog):
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("数据库暂时不可用")
        return SweepResult()

    monkeypatch.setattr(scheduler_module, "run_sweep", flaky)
    running = start_scheduler(app, interval=0.02)
    try:
        assert wait_for(lambda: len(calls) >= 3)
        assert running.thread.is_alive()
    finally:
        running.stop()
    assert "期限巡检失败" in caplog.text
    assert "数据库暂时不可用" in caplog.text
