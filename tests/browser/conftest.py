"""Browser fixtures: Debian's Chromium driven by Playwright (pytest-playwright), and the
app served on 127.0.0.1 from a thread, over a file-based SQLite database holding the
small zone of :func:`tests.factories.build_zone`.

Without /usr/bin/chromium the browser tests are skipped, unless HGQ_REQUIRE_BROWSER=1
(as in CI), where they fail instead. ``playwright install`` is never needed."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from hgq.extensions import db
from tests import factories
from tests.conftest import make_test_app

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "_artifacts" / "screenshots"


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """The system Chromium; skip (or fail when HGQ_REQUIRE_BROWSER=1) without it."""
    if CHROMIUM.exists():
        return str(CHROMIUM)
    reason = (
        f"{CHROMIUM} not found: install Debian's chromium and fonts-noto-cjk "
        "(apt-get install chromium fonts-noto-cjk) to run the browser tests"
    )
    if os.environ.get("HGQ_REQUIRE_BROWSER") == "1":
        pytest.fail(f"HGQ_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], chromium_executable: str
) -> dict[str, Any]:
    """Launch the system Chromium headless, quietly and without network side traffic."""
    return {
        **browser_type_launch_args,
        "executable_path": chromium_executable,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, chromium_executable: str
) -> Iterator[str]:
    """The app on a free port of 127.0.0.1, with CSRF on (a real browser sends the token).
    Yields its base URL; the server is shut down and the database closed afterwards."""
    tmp_path = tmp_path_factory.mktemp("browser")
    app = make_test_app(tmp_path, f"sqlite:///{tmp_path / 'browser.sqlite'}", WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
        factories.build_zone()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="hgq-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    """Playwright's base URL is the live server, so tests may ``page.goto("/login")``.

    Overriding it also keeps pytest-playwright's own fallback ``base_url`` fixture (an
    instance method of a plugin class, deprecated by pytest 9: PytestRemovedIn10Warning,
    an error under our filterwarnings) from ever running."""
    return live_server


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
