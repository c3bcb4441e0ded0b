"""Permission answers of the API, all from ``policy.can``.

Something the caller may not even see is a 404, exactly like something that does not exist,
so ids of other branches cannot be probed; something visible but not theirs to use is a 403.
"""
from __future__ import annotations

from meetings.api.auth import caller
from meetings.api.problems import ApiProblem
from meetings.policy import Action, can


def visible(obj, action: Action):
    """``obj`` when the caller may do ``action`` (a "view" action) to it, else 404."""
    if obj is None or not can(caller(), action, obj):
        raise ApiProblem(404)
    return obj


def allowed(action: Action, obj) -> None:
    """403 unless the caller may do ``action`` to ``obj`` (which they can already see)."""
    if not can(caller(), action, obj):
        raise ApiProblem(403)
