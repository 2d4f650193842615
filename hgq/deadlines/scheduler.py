"""An opt-in in-process scheduler for single-machine installs: a daemon thread that
runs the deadline sweep every ``SCHEDULER_INTERVAL_SECONDS``.

Off unless ``SCHEDULER_ENABLED`` is set; never started under ``TESTING`` by
:func:`init_scheduler` (a test calls :func:`start_scheduler` itself), nor in the
watching parent process of the development reloader. With several server processes
each runs its own thread; that is safe (the sweep's effects happen once) but wasteful:
prefer cron or a systemd timer there.
"""

from __future__ import annotations

import os
import threading

from flask import Flask

from hgq.deadlines.sweep import run_sweep

EXTENSION_KEY = "hgq_scheduler"


class Scheduler:
    """The sweep thread of one app. It waits one interval before the first run, so a
    short-lived ``flask`` command exits before it ever sweeps."""

    def __init__(self, app: Flask, interval: float) -> None:
        self.app = app
        self.interval = interval
        self.runs = 0
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="hgq-sweep", daemon=True)

    def start(self) -> Scheduler:
        self.thread.start()
        return self

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        self.thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.run_once()

    def run_once(self) -> None:
        """One sweep in a fresh app context; errors are logged, never raised."""
        try:
            with self.app.app_context():
                result = run_sweep()
            if result.total or result.errors:
                self.app.logger.info("%s", result.summary())
        except Exception:
            self.app.logger.exception("期限巡检失败，将在下一个周期重试")
        finally:
            self.runs += 1


def start_scheduler(app: Flask, interval: float | None = None) -> Scheduler:
    """Start the app's sweep thread (once: a second call returns the running one)."""
    running = app.extensions.get(EXTENSION_KEY)
    if running is not None and running.thread.is_alive():
        return running  # type: ignore[no-any-return]
    seconds = interval if interval is not None else app.config["SCHEDULER_INTERVAL_SECONDS"]
    scheduler = Scheduler(app, float(seconds))
    app.extensions[EXTENSION_KEY] = scheduler
    return scheduler.start()


def init_scheduler(app: Flask) -> Scheduler | None:
    """Called by create_app: start the thread if the installation asked for it."""
    if not app.config.get("SCHEDULER_ENABLED") or app.testing:
        return None
    # The reloader's parent process only watches files; its child (WERKZEUG_RUN_MAIN)
    # serves, and is the one to sweep.
    if app.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        return None
    return start_scheduler(app)
