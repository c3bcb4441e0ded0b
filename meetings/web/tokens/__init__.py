"""访问令牌: one's own personal access tokens for the HTTP API (list, create, revoke)."""
from flask import Blueprint

bp = Blueprint("tokens", __name__)

from meetings.web.tokens import views  # noqa: E402,F401  (registers the routes)
