"""Home pages by role, language switch, health check, navigation."""
from flask import Blueprint

bp = Blueprint("main", __name__)

from meetings.web.main import nav, views  # noqa: E402,F401
