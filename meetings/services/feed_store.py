"""Stored feeds (订阅日历的缓存): a feed's bytes are kept in ``CalendarSnapshot`` and served again
while its fingerprint — one aggregate statement over the meetings it shows — is unchanged.

Calendar apps poll every feed every hour or so, almost always to learn that nothing changed,
so that path is one statement with no rendering. The statements are built once with bind
parameters: building and caching a statement costs more than running it. Stored bytes are
zlib-compressed (a 1,000-meeting feed goes from ~850 kB to ~32 kB), which is what makes
reading them back from PostgreSQL cheap.
"""
from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

import sqlalchemy as sa
from flask import current_app

from meetings.domain.terms import MeetingStatus
from meetings.extensions import db
from meetings.models import (
    CalendarSnapshot,
    Invitation,
    Meeting,
    MeetingType,
    Organization,
    meeting_meeting_type,
)

FEED_PAST = timedelta(days=90)  # a feed shows the last 90 days and everything ahead
# Part of every fingerprint: raise it when a release renders feeds differently, so stored bytes
# from the old code are not served forever.
FEED_FORMAT = "3"
KINDS = ("person", "branch")

_MEETING, _ORG, _INVITATION = Meeting.__table__, Organization.__table__, Invitation.__table__
_SNAPSHOT = CalendarSnapshot.__table__


@dataclass(frozen=True)
class FeedResponse:
    """A feed's validators; its bytes when asked for or just rendered (else see ``with_body``)."""

    key: str
    etag: str
    last_modified: datetime
    body: bytes | None = None
    rendered: bool = False  # rendered and stored by this call: the caller commits


def feed(kind: str, key: str, params: dict, *, name: str, now: datetime,
         render: Callable[[Iterable[Meeting], str], bytes], with_body: bool = False) -> FeedResponse:
    """The stored feed if nothing it shows has changed (its bytes only if ``with_body``), else
    ``render(meetings, name)`` it and store the result. ``params`` select the feed's meetings."""
    params = {**params, "key": key, "since": now - FEED_PAST, "now": now}
    row = db.session.connection().execute(_state_query(kind, with_body), params).one()
    fingerprint = _fingerprint(name, row[:_INPUTS])
    stored_fingerprint, etag, last_modified, *packed = row[_INPUTS:]
    if stored_fingerprint == fingerprint:
        return FeedResponse(key, etag, last_modified, _unpack(packed[0]) if packed else None)
    meetings = _feed_meetings(kind, params)
    previous = (etag, last_modified) if stored_fingerprint is not None else None
    return _store(key, fingerprint, render(meetings, name), now, previous)


def with_body(feed: FeedResponse) -> FeedResponse | None:
    """The feed with its bytes, read from the store if needed, with the validators stored with
    them (another request may have just stored a newer rendering). None if it has gone."""
    if feed.body is not None:
        return feed
    row = db.session.execute(sa.select(_SNAPSHOT.c.etag, _SNAPSHOT.c.last_modified, _SNAPSHOT.c.body)
                             .where(_SNAPSHOT.c.key == feed.key)).first()
    return FeedResponse(feed.key, row.etag, row.last_modified, _unpack(row.body)) if row else None


@cache
def _scope(kind: str):
    """(FROM, WHERE) of a feed's meetings: the person's invitations or the branch's subtree, within
    the window — the last 90 days and everything ahead, a cancelled meeting until it would begin."""
    if kind not in KINDS:
        raise ValueError(f"unknown feed kind {kind!r}")
    m, o = _MEETING, _ORG
    source = m.join(o, m.c.organization_id == o.c.id)
    if kind == "person":
        source = source.join(_INVITATION, _INVITATION.c.meeting_id == m.c.id)
        subject = _INVITATION.c.person_id == sa.bindparam("person_id")
    else:  # Organization.in_subtree, with the bounds as parameters
        subject = sa.and_(o.c.path >= sa.bindparam("path_from"), o.c.path < sa.bindparam("path_to"))
    kept = sa.or_(m.c.status != MeetingStatus.CANCELLED, m.c.starts_at >= sa.bindparam("now"))
    return source, sa.and_(subject, m.c.ends_at >= sa.bindparam("since"), kept)


_INPUTS = 8  # the fingerprint inputs at the head of the state row


@cache
def _state_query(kind: str, with_body: bool) -> sa.Select:
    """The fingerprint inputs, then the stored fingerprint, ETag, Last-Modified (and bytes).

    Inputs: which meetings (count, ids), their versions and update times (a change of types
    touches the meeting row too); their units' update times (a rename changes the organizer's
    name); the latest edit of any type (a renamed type changes CATEGORIES).
    """
    m, o = _MEETING, _ORG
    source, where = _scope(kind)
    stored = [_SNAPSHOT.c.fingerprint, _SNAPSHOT.c.etag, _SNAPSHOT.c.last_modified]
    if with_body:
        stored.append(_SNAPSHOT.c.body)
    return sa.select(
        sa.func.count(), sa.func.min(m.c.id), sa.func.max(m.c.id), sa.func.sum(m.c.id),
        sa.func.sum(m.c.version), sa.func.max(m.c.updated_at), sa.func.max(o.c.updated_at),
        sa.select(sa.func.max(MeetingType.__table__.c.updated_at)).scalar_subquery(),
        *(sa.select(column).where(_SNAPSHOT.c.key == sa.bindparam("key")).scalar_subquery()
          for column in stored),
    ).select_from(source).where(where)


@dataclass(frozen=True)
class _Named:
    name: str


@dataclass(frozen=True)
class FeedMeeting:
    """What ``calendar.event_data`` reads of a meeting, from plain rows: loading 1,000 ORM
    meetings with their units and types costs more than rendering them."""

    id: int
    title: str
    agenda: str
    place: str
    online_url: str | None
    starts_at: datetime
    ends_at: datetime
    status: MeetingStatus
    ical_sequence: int
    updated_at: datetime
    series_id: int | None
    series_slot: datetime | None
    organization: _Named
    types: list[_Named]


def _feed_meetings(kind: str, params: dict) -> list[FeedMeeting]:
    """The feed's meetings as plain values: one statement for them, one for their types."""
    rows = db.session.connection().execute(_rows_query(kind), params).all()
    names: dict[int, list[_Named]] = {}
    for meeting_id, type_name in db.session.connection().execute(_types_query(kind), params):
        names.setdefault(meeting_id, []).append(_Named(type_name))
    return [FeedMeeting(*row[:-1], organization=_Named(row[-1]), types=names.get(row[0], []))
            for row in rows]


@cache
def _rows_query(kind: str) -> sa.Select:
    m = _MEETING
    source, where = _scope(kind)
    columns = [m.c[name] for name in _EVENT_COLUMNS]
    return sa.select(*columns, _ORG.c.name).select_from(source).where(where)


@cache
def _types_query(kind: str) -> sa.Select:
    source, where = _scope(kind)
    ids = sa.select(_MEETING.c.id).select_from(source).where(where)
    link, types = meeting_meeting_type, MeetingType.__table__
    return (sa.select(link.c.meeting_id, types.c.name).join(types, types.c.id == link.c.meeting_type_id)
            .where(link.c.meeting_id.in_(ids)).order_by(link.c.meeting_id, types.c.sort_order))


# The columns of FeedMeeting before ``organization``, in order.
_EVENT_COLUMNS = ("id", "title", "agenda", "place", "online_url", "starts_at", "ends_at", "status",
                  "ical_sequence", "updated_at", "series_id", "series_slot")


def _fingerprint(name: str, inputs) -> str:
    """A digest of everything the feed is rendered from, with the settings that appear in it."""
    config = current_app.config
    parts = [FEED_FORMAT, name, config["BASE_URL"], config["CALENDAR_UID_DOMAIN"], config["MAIL_FROM"],
             *(_plain(value) for value in inputs)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _plain(value) -> str:
    """Aggregates as text that reads the same whatever the driver returns (SQLite gives strings)."""
    if isinstance(value, datetime):
        value = value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
        return value.isoformat(sep=" ")
    return str(value)


def _store(key: str, fingerprint: str, body: bytes, now: datetime,
           previous: tuple[str, datetime] | None) -> FeedResponse:
    """Keep a new rendering; Last-Modified only moves forward, and only when the bytes change."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:40] + '"'
    moment = now.astimezone(UTC).replace(microsecond=0)
    values = {"fingerprint": fingerprint, "etag": etag, "last_modified": moment, "body": _pack(body)}
    if previous is None:
        try:
            with db.session.begin_nested():  # another request may store the same feed at once
                db.session.execute(sa.insert(_SNAPSHOT).values(key=key, **values))
        except sa.exc.IntegrityError:
            pass
        return FeedResponse(key, etag, moment, body, rendered=True)
    old_etag, old_modified = previous
    if old_etag == etag:
        values = {"fingerprint": fingerprint}
    else:
        # Strictly later, so a client that validated the old bytes within the same second
        # (If-Modified-Since has one-second resolution) is not told they are unchanged.
        values["last_modified"] = max(moment, old_modified + timedelta(seconds=1))
    db.session.execute(sa.update(_SNAPSHOT).where(_SNAPSHOT.c.key == key).values(**values))
    return FeedResponse(key, etag, values.get("last_modified", old_modified), body, rendered=True)


def _pack(body: bytes) -> bytes:
    return zlib.compress(body, 6)


def _unpack(stored: bytes) -> bytes:
    return zlib.decompress(stored)
