"""Language choice and locale-aware formatting for templates (zh_CN default, English)."""
from datetime import date, datetime

from flask import Flask, current_app, has_request_context, request
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user

from meetings.clock import BEIJING
from meetings.web.labels import action_label, change_summary, label

LANG_COOKIE = "lang"
# CLDR patterns: Chinese reads "2026年7月1日 星期三 14:30" (DESIGN §9).
DATETIME_PATTERNS = {"zh": "yyyy年M月d日 EEEE HH:mm", "en": "EEE d MMM yyyy, HH:mm"}
DATE_PATTERNS = {"zh": "yyyy年M月d日", "en": "d MMM yyyy"}


def select_locale() -> str:
    """The signed-in person's choice, else the cookie set by the switch, else Chinese."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and worker: messages and mail go out in Chinese
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _language() -> str:
    return "zh" if str(get_locale()).startswith("zh") else "en"


def datetime_filter(value: datetime | None) -> str:
    """An aware datetime in Asia/Shanghai, written the way the reader's language does."""
    if value is None:
        return ""
    return format_datetime(value, DATETIME_PATTERNS[_language()])


def time_filter(value: datetime | None) -> str:
    """Only the Beijing time of day, e.g. the end of a meeting: "16:30"."""
    if value is None:
        return ""
    return format_datetime(value, "HH:mm")


def time_range(starts: datetime, ends: datetime) -> str:
    """A meeting's time: the date once when it ends the day it starts (Beijing), both otherwise:
    "2027年11月5日 星期五 15:00–17:00"."""
    if starts.astimezone(BEIJING).date() == ends.astimezone(BEIJING).date():
        return f"{datetime_filter(starts)}–{time_filter(ends)}"
    return f"{datetime_filter(starts)} – {datetime_filter(ends)}"


def date_filter(value: date | None) -> str:
    """A calendar date in the reader's language."""
    if value is None:
        return ""
    return format_date(value, DATE_PATTERNS[_language()])


def init_app(app: Flask) -> None:
    """Register the filters and expose the current language to templates."""
    app.jinja_env.filters["dt"] = datetime_filter
    app.jinja_env.filters["d"] = date_filter
    app.jinja_env.filters["time_only"] = time_filter
    app.jinja_env.globals["time_range"] = time_range
    app.jinja_env.globals["label"] = label
    app.jinja_env.globals["action_label"] = action_label
    app.jinja_env.globals["change_summary"] = change_summary

    @app.context_processor
    def inject_language() -> dict:
        return {"current_language": _language(), "html_lang": "zh-CN" if _language() == "zh" else "en"}
