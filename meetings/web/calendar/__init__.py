"""Calendar output over HTTP: "我的日历", personal and branch feeds, one meeting's .ics."""
from flask import Blueprint

bp = Blueprint("calendar", __name__)

from meetings.web.calendar import views  # noqa: E402,F401
