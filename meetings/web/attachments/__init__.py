"""Meeting attachments (附件): upload, download to those who may see the meeting, delete."""
from flask import Blueprint

bp = Blueprint("attachments", __name__)

from meetings.web.attachments import views  # noqa: E402,F401
