"""邮件队列: the root administrator sees undelivered mail with its error and queues it again."""
from flask import Blueprint

bp = Blueprint("mail", __name__)

from meetings.web.mail import received, views  # noqa: E402,F401
