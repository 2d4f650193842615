"""Configuration defaults; an installation overrides them in ``instance/config.py``
and through ``HGQ_*`` environment variables (see :func:`hgq.create_app`)."""

from __future__ import annotations


class DefaultConfig:
    """Safe defaults: nothing here is a secret, and production-grade unless noted."""

    # Filled in by create_app: instance/hgq.sqlite unless DATABASE_URL is set.
    DATABASE_URL: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}  # noqa: RUF012

    # Filled in by create_app from instance/secret_key unless SECRET_KEY is set.
    SECRET_KEY: str | None = None

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Served over HTTPS (production), set HGQ_SESSION_COOKIE_SECURE=true so the cookie
    # never travels in clear; off by default because the embedded server speaks HTTP.
    SESSION_COOKIE_SECURE = False
    # Remember-me is not offered (every sign-in is a session that ends); should it be,
    # its cookie gets the same flags.
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False

    # Debug mode (Werkzeug's interactive debugger) is refused unless this is set, so a
    # server can never run with it by mistake; set HGQ_DEBUG_ALLOWED=1 to develop.
    DEBUG_ALLOWED = False

    # Form translations come from WTForms' own Chinese catalogue (see hgq.forms).
    WTF_I18N_ENABLED = False
    WTF_CSRF_TIME_LIMIT = 8 * 3600

    # werkzeug.security method; tests choose a cheaper one to stay fast.
    # (A method name, not a password: hence the noqa/nosec.)
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105  # nosec B105

    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    # Form text beyond Flask's 500 KB default reaches the forms, so an over-long field
    # is refused at that field in Chinese rather than with a bare 413 page.
    MAX_FORM_MEMORY_SIZE = 4 * 1024 * 1024
    ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    API_TOKEN_TTL_HOURS = 24 * 30
    ITEMS_PER_PAGE = 20
    TIME_ZONE = "Asia/Shanghai"
    # After this local time a request counts from the next working day; deadlines
    # fall at this time of their last working day.
    DEADLINE_CUTOFF = "17:30"
    ZONE_NAME = "高新技术产业开发区"
    # 定期联络: each covered enterprise is contacted at least every N days, unless one
    # of its tags sets its own interval (Tag.contact_interval_days).
    CONTACT_INTERVAL_DAYS = 30
    # 登录失败处理 (hgq.security.throttle): this many failures of one username within the
    # window lock it for LOGIN_LOCK_MINUTES; this many from one address refuse it (429).
    LOGIN_MAX_FAILURES = 5
    LOGIN_FAILURE_WINDOW_MINUTES = 15
    LOGIN_LOCK_MINUTES = 15
    LOGIN_IP_MAX_FAILURES = 30
    # Signed-in web sessions end after this long without a request, and in any case
    # this long after sign-in (hgq.security.sessions).
    SESSION_IDLE_MINUTES = 30
    SESSION_MAX_HOURS = 12
    # `flask --app app demo` also builds a year of case history (hgq.demo.history) so the
    # dashboard and rankings are populated; the test suite turns it off where not needed.
    DEMO_HISTORY = True
    # 每周清单: due on this weekday (0 = Monday) at this local time, moved to the last
    # working day before it when that day is off; late submissions are taken until the
    # next week's deadline, after which the week counts as missing.
    CHECKLIST_DUE_WEEKDAY = 4
    CHECKLIST_DUE_TIME = "18:00"

    # The deadline sweep (hgq.deadlines.sweep): candidates read per batch.
    SWEEP_BATCH_SIZE = 500
    # Opt-in in-process scheduler running the sweep every interval (single-machine
    # installs; otherwise run ``flask --app app sweep`` from cron or a systemd timer).
    SCHEDULER_ENABLED = False
    SCHEDULER_INTERVAL_SECONDS = 60

    # Notifications by email (hgq.notifications.mail). MAIL_SERVER None = no mail at all.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False  # STARTTLS after connecting
    MAIL_USE_SSL = False  # SMTP over TLS from the start (usually port 465)
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_FROM: str | None = None  # defaults to MAIL_USERNAME
    MAIL_TIMEOUT = 10  # seconds
    MAIL_DIGEST_HOUR = 8  # daily digests go out from this local hour on
    # The address users reach the site at, for links in mails ("http://127.0.0.1:5000").
    SITE_URL: str | None = None
