"""A branch's roster: members, standing, transfers, roles and committee seats, imports."""
from flask import Blueprint

bp = Blueprint("roster", __name__)

from meetings.web.roster import imports, officers, views  # noqa: E402,F401
