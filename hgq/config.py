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
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    # Form translations come from WTForms' own Chinese catalogue (see hgq.forms).
    WTF_I18N_ENABLED = False
    WTF_CSRF_TIME_LIMIT = 8 * 3600

    # werkzeug.security method; tests choose a cheaper one to stay fast.
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105  (a method name, not a password)

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
