"""专项行动: the committee launches a campaign for a subtree and follows every branch's progress."""
from flask import Blueprint

bp = Blueprint("campaigns", __name__)

from meetings.web.campaigns import views  # noqa: E402,F401
