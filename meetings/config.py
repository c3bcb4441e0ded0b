"""Configuration: defaults → production overrides → ``instance/config.py`` → environment.

Each layer only says what it changes, so a later one is never undone by an earlier one (a
production mode that reloaded every default once dropped the deployment's BASE_URL, SMTP_URL,
MAIL_FROM, REDIS_URL and limits). In production the site refuses to start without its own
SECRET_KEY and warns about settings whose defaults only suit a laptop.
"""
import os
import secrets
from datetime import timedelta
from pathlib import Path

ENV_KEYS = ("DATABASE_URL", "SECRET_KEY", "BASE_URL", "SMTP_URL", "MAIL_FROM", "REPLY_ADDRESS",
            "LOGIN_RATE_LIMIT", "LOGIN_IP_RATE_LIMIT", "API_RATE_LIMIT")
INT_ENV_KEYS = ("SESSION_IDLE_MINUTES", "TRUSTED_PROXIES", "LOGIN_FAILURES_PER_LOGIN")


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
    # A session without 记住我 ends after this much inactivity (ASVS 3.3.2) and after
    # SESSION_HOURS in any case; pages with a form keep it alive while someone types.
    SESSION_IDLE_MINUTES = 30
    SESSION_HOURS = 12
    REMEMBER_COOKIE_DURATION = timedelta(days=30)  # 记住我: then the password again
    # Reverse proxies in front of the site (nginx: 1). Their X-Forwarded-For gives the client's
    # address, which the login limits count by; 0 trusts no such header.
    TRUSTED_PROXIES = 0
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
    LOGIN_FREE_FAILURES = 5  # wrong passwords in a row per address and login before the backoff
    LOGIN_FAILURES_PER_LOGIN = 50  # in 15 minutes from everywhere: then only known devices try
    GUEST_LOOKUPS_PER_HOUR = 60  # 列席 named by login/e-mail outside the actor's view
    API_RATE_LIMIT = "600 per minute"  # per access token (per address without one)
    MINUTES_LATE_DAYS = 7
    BASE_URL = None  # unset: http://127.0.0.1:<ORGLIFE_PORT or 5000> (see finish)
    SMTP_URL = None
    # Invites come from this mailbox (and go back to it when they bounce).
    MAIL_FROM = "组织生活 <orglife@localhost>"
    # The mailbox OrgLife reads (receive-mail, mail-listener): each invite's ORGANIZER is
    # rsvp+<signed invitation>@… of it, so "Accept" in a calendar app updates the RSVP. Unset:
    # the ORGANIZER is MAIL_FROM and calendar answers reach no one.
    REPLY_ADDRESS = None
    # The domain in every meeting's UID (meeting-<id>@…): never change it once invites are out.
    CALENDAR_UID_DOMAIN = "orglife.local"
    SITE_NAME = "组织生活"


class ProductionOverrides:
    """With ORGLIFE_PRODUCTION=1, behind HTTPS: cookies only travel encrypted, and browsers are
    told to stay on HTTPS. Only these; every other setting keeps what the layers below give."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS_SECONDS = 365 * 24 * 3600


class ConfigurationError(RuntimeError):
    """The site must not start with these settings; the message says what to set (zh, en)."""


def production() -> bool:
    return os.environ.get("ORGLIFE_PRODUCTION") == "1"


def layer(config, instance_path: str) -> list[str]:
    """Fill ``config`` (a Flask Config) from every layer; returns the warnings to show."""
    config.from_object(DefaultConfig)
    if production():
        config.from_object(ProductionOverrides)
    config.from_pyfile(os.path.join(instance_path, "config.py"), silent=True)
    apply_environment(config)
    return finish(config, instance_path, is_production=production())


def finish(config, instance_path: str, *, is_production: bool) -> list[str]:
    """What no layer set: the database, the address, the secret; refuse or warn in production."""
    warnings = []
    config.setdefault("DATABASE_URL", default_database_url(instance_path))
    if not config.get("BASE_URL"):
        config["BASE_URL"] = local = f"http://127.0.0.1:{os.environ.get('ORGLIFE_PORT') or 5000}"
        if is_production:
            warnings.append(f"未设置 BASE_URL，邮件与日历中的链接将指向 {local} "
                            f"BASE_URL is not set: links in mail and calendars will point at {local}")
    if is_production and not config.get("SMTP_URL"):
        warnings.append("未设置 SMTP_URL，邮件只写入 instance/mail/，不会发出 "
                        "SMTP_URL is not set: mail is only written to instance/mail/, never sent")
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _secret_key(instance_path, is_production)
    return warnings


def _secret_key(instance_path: str, is_production: bool) -> str:
    """The key of ``instance/secret_key``; made on the first run, except in production, where
    a key made up by one process would differ from the next host's and sign out everyone."""
    path = Path(instance_path) / "secret_key"
    if is_production and not path.is_file():
        raise ConfigurationError(
            "生产模式需要 SECRET_KEY：请在环境变量或 instance/config.py 中设置，或放入 instance/secret_key。"
            " Production mode needs a SECRET_KEY: set it in the environment or instance/config.py,"
            " or put it in instance/secret_key.")
    return load_secret_key(instance_path)


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
    for key in INT_ENV_KEYS:
        if os.environ.get(key):
            config[key] = _integer(key, os.environ[key])
    if os.environ.get("REDIS_URL"):  # login limits counted once for all gunicorn workers
        config["RATELIMIT_STORAGE_URI"] = os.environ["REDIS_URL"]


def _integer(key: str, value: str) -> int:
    if not value.strip().isdigit():
        raise ConfigurationError(f"{key} 应为非负整数 {key} must be a whole number ≥ 0: {value!r}")
    return int(value)
