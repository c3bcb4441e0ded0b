"""督导工作台 and 催办: the overseer's desk — branches ranked worst first, and reminders to them."""
from flask import Blueprint

bp = Blueprint("supervision", __name__)

from meetings.web.supervision import notice_views, views  # noqa: E402,F401
