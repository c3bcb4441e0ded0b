"""督导工作台, 催办 and 督导记录: the overseer's desk — branches ranked worst first, reminders
to them, and the liaison's visit log."""
from flask import Blueprint

bp = Blueprint("supervision", __name__)

from meetings.web.supervision import notice_views, views, visit_views  # noqa: E402,F401
