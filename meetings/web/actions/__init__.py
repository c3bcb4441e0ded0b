"""整改事项: raised on the meeting page, closed with evidence by their owners, listed per branch."""
from flask import Blueprint

bp = Blueprint("actions", __name__)

from meetings.web.actions import views  # noqa: E402,F401
