"""Scheduling meetings, the meeting page, answers and leave requests, one-click RSVP links."""
from flask import Blueprint

bp = Blueprint("meetings", __name__)

from meetings.web.meetings import answers, minutes, printing, record, views  # noqa: E402,F401
