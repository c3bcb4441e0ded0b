"""Organization tree and unit pages; admins create, rename, move and deactivate units."""
from flask import Blueprint

bp = Blueprint("orgs", __name__, url_prefix="/orgs")

from meetings.web.orgs import roles, views  # noqa: E402,F401
