"""Sign-in, sign-out and changing one's own password."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from meetings.web.auth import views  # noqa: E402,F401  (registers the routes)
