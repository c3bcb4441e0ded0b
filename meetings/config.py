"""Configuration defaults; ``instance/config.py`` and environment variables override them."""
import os
import secrets
from pathlib import Path

ENV_KEYS = ("DATABASE_URL", "SECRET_KEY", "BASE_URL", "SMTP_URL", "MAIL_FROM",
            "LOGIN_RATE_LIMIT", "LOGIN_IP_RATE_LIMIT", "API_RATE_LIMIT")


class DefaultConfig:
    """Settings every deployment starts from."""

    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_Hans_CN", "en")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    WTF_CSRF_TIME_LIMIT = None  # a secretary's form may stay open through a long meeting
    MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # one meeting attachment (附件)
    # A little above the attachment limit, so a 10 MB file with its multipart overhead gets in.
    MAX_CONTENT_LENGTH = 11 * 1024 * 1024
    RATELIMIT_STORAGE_URI = "memory://"  # one process; REDIS_URL shares counts between workers
    RATELIMIT_KEY_PREFIX = "orglife"
    RATELIMIT_HEADERS_ENABLED = True
    HSTS_SECONDS = 0  # Strict-Transport-Security only where the site is served over HTTPS
    LOGIN_RATE_LIMIT = "10 per minute"  # per address and login
    LOGIN_IP_RATE_LIMIT = "300 per minute"  # per address, whatever the login
    API_RATE_LIMIT = "600 per minute"  # per access token (per address without one)
    MINUTES_LATE_DAYS = 7
    BASE_URL = "http://127.0.0.1:5000"
    SMTP_URL = None
    # Invites come from, and calendar replies go to, this mailbox (the ORGANIZER).
    MAIL_FROM = "组织生活 <orglife@localhost>"
    # The domain in every meeting's UID (meeting-<id>@…): never change it once invites are out.
    CALENDAR_UID_DOMAIN = "orglife.local"
    SITE_NAME = "组织生活"


class ProductionConfig(DefaultConfig):
    """Behind HTTPS: cookies only travel encrypted, and browsers are told to stay on HTTPS."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS_SECONDS = 365 * 24 * 3600


def load_secret_key(instance_path: str) -> str:
    """Read ``instance/secret_key``, creating it with 32 random bytes on first run."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def default_database_url(instance_path: str) -> str:
    """SQLite in the instance folder unless ``DATABASE_URL`` says otherwise."""
    return "sqlite:///" + str(Path(instance_path) / "orglife.db")


def apply_environment(config: dict) -> None:
    """Let the documented environment variables win over every file."""
    for key in ENV_KEYS:
        if os.environ.get(key):
            config[key] = os.environ[key]
    if os.environ.get("REDIS_URL"):  # login limits counted once for all gunicorn workers
        config["RATELIMIT_STORAGE_URI"] = os.environ["REDIS_URL"]
    if os.environ.get("ORGLIFE_PRODUCTION") == "1":
        config.from_object(ProductionConfig)
