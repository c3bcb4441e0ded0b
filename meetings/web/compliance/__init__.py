"""考核: the committee dashboard, a branch's periods, the meetings behind one period, exports."""
from flask import Blueprint

bp = Blueprint("compliance", __name__)

from meetings.web.compliance import views  # noqa: E402,F401
