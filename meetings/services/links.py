"""Links that leave the site: absolute URLs in mail and feeds, and signed one-click RSVP links.

Mail and feeds are built outside any request, so URLs come from ``BASE_URL``; the paths here
must match the routes (the web tests follow every link they find in a message).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

from meetings import clock

RSVP_SALT = "orglife.rsvp-link"
RSVP_MAX_AGE = 120 * 24 * 3600  # a signature older than this is refused even if the meeting is later
RSVP_ACTIONS = ("attend", "leave")


@dataclass(frozen=True)
class RsvpClaim:
    """What a valid RSVP link says: which invitation, which answer."""

    invitation_id: int
    person_id: int
    action: str


def absolute(path: str) -> str:
    """``BASE_URL`` + an absolute path."""
    return current_app.config["BASE_URL"].rstrip("/") + path


def meeting_url(meeting_id: int) -> str:
    return absolute(f"/meetings/{meeting_id}")


def rsvp_url(invitation_id: int, person_id: int, action: str) -> str:
    """A link that answers one invitation without signing in; it changes nothing until confirmed."""
    if action not in RSVP_ACTIONS:
        raise ValueError(f"unknown RSVP action {action!r}")
    token = _serializer().dumps([invitation_id, person_id, action])
    return absolute(f"/rsvp/{token}")


def read_rsvp_token(token: str, now: datetime) -> RsvpClaim | None:
    """The claim of a genuine, unexpired link, else None (tampered, expired or malformed)."""
    try:
        data, signed_at = _serializer().loads(token, return_timestamp=True)
    except (BadSignature, ValueError, TypeError):
        return None
    if (now - signed_at).total_seconds() > RSVP_MAX_AGE:
        return None
    if not (isinstance(data, list) and len(data) == 3 and data[2] in RSVP_ACTIONS
            and all(isinstance(v, int) and not isinstance(v, bool) for v in data[:2])):
        return None
    return RsvpClaim(*data)


class _SiteClockSigner(TimestampSigner):
    """Stamps links with the site's clock, the one their age is later measured against."""

    def get_timestamp(self) -> int:
        return int(clock.utcnow().timestamp())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RSVP_SALT,
                                  signer=_SiteClockSigner)
