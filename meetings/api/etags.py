"""ETags and ``If-Match``: a change is applied only to the version the caller last read.

Two scripts (or a script and the secretary's browser) editing the same meeting must not
overwrite each other silently: a write without ``If-Match`` is 428, with a stale one 412.
"""
from __future__ import annotations

import hashlib
import json

from flask import Response, request

from meetings.api.problems import ApiProblem
from meetings.models import Meeting


def of_meeting(meeting: Meeting) -> str:
    """Changes with every write of the row (its ``version`` column counts them)."""
    return f"meeting-{meeting.id}-v{meeting.version}"


def of_minutes(meeting_id: int, revision: int) -> str:
    """The revision a draft is based on; 0 before the first save."""
    return f"minutes-{meeting_id}-r{revision}"


def of_shape(kind: str, body: dict) -> str:
    """For rows without a version column: a digest of what the caller was shown."""
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, default=str)
    return f"{kind}-{body['id']}-{hashlib.sha256(text.encode()).hexdigest()[:20]}"


def tagged(response: Response, tag: str) -> Response:
    response.set_etag(tag)
    return response


def require_match(current: str, *, optional: bool = False) -> None:
    """The caller's ``If-Match`` names ``current`` (``*`` matches anything that exists).

    ``optional``: the resource does not exist yet (a first draft), so there is nothing to match.
    """
    condition = request.if_match
    if not condition:
        if optional:
            return
        raise ApiProblem(428)
    if not condition.contains(current) and not condition.star_tag:
        raise ApiProblem(412)
