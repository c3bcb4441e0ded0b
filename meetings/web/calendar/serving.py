"""Answering a calendar app's poll: validators, caching headers and conditional GET (304)."""
from __future__ import annotations

from datetime import datetime

from flask import Request, Response
from werkzeug.http import http_date

from meetings.domain import ical
from meetings.services.feed_store import FeedResponse

# The URL holds a personal secret: no shared cache (proxy, CDN) may keep a copy ("private").
# Calendar apps poll, and a cancellation should show at their next poll: every poll revalidates
# ("max-age=0, must-revalidate"), which costs a 304 and no body when nothing changed.
FEED_CACHE_CONTROL = "private, max-age=0, must-revalidate"


def has_validators(request: Request) -> bool:
    """Whether the client holds a copy to revalidate (else it certainly gets the bytes)."""
    return "If-None-Match" in request.headers or "If-Modified-Since" in request.headers


def not_modified(request: Request, feed: FeedResponse, now: datetime) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when present; else If-Modified-Since.

    If-None-Match takes ``*`` and lists, and compares weakly as §13.1.2 requires: our tags are
    strong, but a compressing proxy may hand the client ``W/"…"`` for the same bytes.
    """
    if "If-None-Match" in request.headers:
        return request.if_none_match.contains_weak(feed.etag.strip('"'))
    since = request.if_modified_since
    if since is None or since > now:  # unreadable or in the future: ignore it (§13.1.3)
        return False
    return feed.last_modified <= since


def not_modified_response(feed: FeedResponse) -> Response:
    """An empty 304 that repeats the validators and the caching rule."""
    return Response(status=304, headers=_validators(feed))


def full_response(feed: FeedResponse, filename: str) -> Response:
    """200 with the feed's bytes as ``text/calendar; charset=utf-8``."""
    headers = {**_validators(feed), "Content-Disposition": f'inline; filename="{filename}"'}
    return Response(feed.body, status=200, headers=headers, content_type=ical.CONTENT_TYPE)


def _validators(feed: FeedResponse) -> dict[str, str]:
    return {
        "ETag": feed.etag,
        "Last-Modified": http_date(feed.last_modified),
        "Cache-Control": FEED_CACHE_CONTROL,
        "X-Robots-Tag": "noindex, nofollow",  # a leaked link should at least stay out of search engines
    }
