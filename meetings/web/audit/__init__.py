"""审计日志: administrators read who did what to which object, when, in their scope."""
from flask import Blueprint

bp = Blueprint("audit", __name__)

from meetings.web.audit import views  # noqa: E402,F401
