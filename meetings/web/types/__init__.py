"""Meeting types (会议类型) for administrators: names, default invitees, duration, templates."""
from flask import Blueprint

bp = Blueprint("types", __name__, url_prefix="/meeting-types")

from meetings.web.types import views  # noqa: E402,F401
