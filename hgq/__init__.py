"""hgq — the 包保 service-case system of a high-tech zone.

``create_app`` builds the Flask application: configuration layers, extensions,
blueprints, error pages and CLI commands.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. Settings, later layers winning: :class:`hgq.config.DefaultConfig`,
    ``instance/config.py``, ``HGQ_*`` environment variables, then ``config``."""
    instance_path = os.environ.get("HGQ_INSTANCE_PATH") or str(ROOT / "instance")
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object("hgq.config.DefaultConfig")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("HGQ")
    if config:
        app.config.from_mapping(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _finish_config(app)

    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Chinese stays readable in JSON
    register_extensions(app)
    register_blueprints(app)
    register_errors(app)
    register_security(app)
    register_commands(app)
    register_template_helpers(app)
    start_background_jobs(app)
    return app


def _finish_config(app: Flask) -> None:
    """Refuse debug mode unless allowed; derive the settings that depend on the
    instance folder."""
    if app.debug and not app.config.get("DEBUG_ALLOWED"):
        # The debugger runs code typed into an error page: never on a real server.
        raise RuntimeError(
            "调试模式（FLASK_DEBUG / --debug）会开放交互式调试器，不允许在正式配置中开启；"
            "本机开发时请同时设置 HGQ_DEBUG_ALLOWED=1。"
        )
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        url = app.config.get("DATABASE_URL") or (
            f"sqlite:///{Path(app.instance_path, 'hgq.sqlite')}"
        )
        app.config["SQLALCHEMY_DATABASE_URI"] = url
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))


def _instance_secret_key(instance: Path) -> str:
    """Read instance/secret_key, creating it (owner-only) on first start.

    Several server processes may start at once: each writes a candidate file and
    links it into place, which succeeds for exactly one; all then read the winner.
    """
    path = instance / "secret_key"
    if not path.exists():
        candidate = instance / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(candidate, path)
        except FileExistsError:
            pass  # another process won; use its key
        finally:
            candidate.unlink()
    return path.read_text().strip()


def register_extensions(app: Flask) -> None:
    from hgq import models  # noqa: F401  (the whole schema, for the mapper and Alembic)
    from hgq.accounts.sessions import init_login
    from hgq.extensions import csrf, db, migrate
    from hgq.notifications import mail  # noqa: F401  (registers its after-commit sending)

    db.init_app(app)
    csrf.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    init_login(app)


def register_security(app: Flask) -> None:
    from hgq.security import headers, sessions

    headers.init_app(app)
    sessions.init_app(app)


def register_blueprints(app: Flask) -> None:
    from hgq.accounts.admin_views import bp as admin_accounts_bp
    from hgq.accounts.views import bp as auth_bp
    from hgq.admin.views import bp as admin_bp
    from hgq.api.views import bp as api_bp
    from hgq.audit.views import bp as audit_bp
    from hgq.cases.admin_views import bp as admin_cases_bp
    from hgq.cases.attachment_views import bp as attachments_bp
    from hgq.cases.enterprise_views import bp as my_bp
    from hgq.cases.views import bp as cases_bp
    from hgq.checklists.views import bp as checklists_bp
    from hgq.deadlines.admin_views import bp as admin_deadlines_bp
    from hgq.enterprises.admin_views import bp as admin_enterprises_bp
    from hgq.enterprises.cover_views import bp as admin_covers_bp
    from hgq.enterprises.views import bp as enterprises_bp
    from hgq.home.views import bp as home_bp
    from hgq.notifications.views import bp as notifications_bp
    from hgq.points.admin_views import bp as admin_points_bp
    from hgq.points.views import bp as points_bp
    from hgq.security.admin_views import bp as admin_security_bp
    from hgq.security.totp_views import admin_bp as admin_two_factor_bp
    from hgq.security.totp_views import bp as two_factor_bp
    from hgq.stats.admin_views import bp as admin_stats_bp
    from hgq.stats.views import bp as stats_bp
    from hgq.visits.views import bp as visits_bp

    for bp in (
        auth_bp,
        home_bp,
        enterprises_bp,
        admin_bp,
        admin_accounts_bp,
        admin_enterprises_bp,
        admin_covers_bp,
        cases_bp,
        my_bp,
        attachments_bp,
        admin_cases_bp,
        admin_deadlines_bp,
        api_bp,
        notifications_bp,
        visits_bp,
        checklists_bp,
        admin_security_bp,
        two_factor_bp,
        admin_two_factor_bp,
        points_bp,
        admin_points_bp,
        stats_bp,
        admin_stats_bp,
        audit_bp,
    ):
        app.register_blueprint(bp)


def register_errors(app: Flask) -> None:
    from hgq.errors import init_errors

    init_errors(app)


def register_commands(app: Flask) -> None:
    from hgq.audit.cli import audit_cli
    from hgq.backup.cli import backup_command, restore_command
    from hgq.deadlines.cli import sweep_command
    from hgq.demo.cli import demo_command
    from hgq.notifications.mail import mail_test_command
    from hgq.points.cli import points_cli
    from hgq.stats.cli import stats_cli

    app.cli.add_command(demo_command)
    app.cli.add_command(sweep_command)
    app.cli.add_command(mail_test_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(stats_cli)
    app.cli.add_command(points_cli)
    app.cli.add_command(audit_cli)


def start_background_jobs(app: Flask) -> None:
    from hgq.deadlines.scheduler import init_scheduler

    init_scheduler(app)  # only when SCHEDULER_ENABLED (not under TESTING)


def register_template_helpers(app: Flask) -> None:
    from hgq.deadlines.views import init_app as init_deadline_helpers
    from hgq.templating import init_templating

    init_templating(app)
    init_deadline_helpers(app)
