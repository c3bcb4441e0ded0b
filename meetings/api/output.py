"""JSON out: UTF-8 as written (Chinese stays readable in curl), times in ISO 8601."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime

from flask import Response, url_for

from meetings.domain.scheduling import BEIJING
from meetings.services import links


def json_response(body, status: int = 200, *, mimetype: str = "application/json") -> Response:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return Response(text + "\n", status=status, mimetype=mimetype)


def utc(moment: datetime | None) -> str | None:
    """``2026-05-12T06:30:00Z``: the instant, in UTC."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def beijing(moment: datetime | None) -> str | None:
    """``2026-05-12T14:30:00+08:00``: the same instant as people in the branch read it."""
    if moment is None:
        return None
    return moment.astimezone(BEIJING).isoformat(timespec="seconds")


def day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def external(endpoint: str, **values) -> str:
    """An absolute link for an answer, from BASE_URL: never from the request's Host header,
    which whoever sends the request chooses (a link to their own site in a shared answer)."""
    return links.absolute(url_for(endpoint, **values))
