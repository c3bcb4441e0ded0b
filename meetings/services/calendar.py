"""Calendar output from the database: a meeting as ``EventData``, one meeting's file, personal
and branch feeds (kept as stored bytes by ``feed_store``), and the secret feed tokens (订阅链接).
All iCalendar text is built by ``meetings.domain.ical``; this module only gathers the data.
"""
from __future__ import annotations

import hashlib
import hmac
from base64 import urlsafe_b64encode
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from functools import cache

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from meetings.domain import ical, ical_series
from meetings.domain.terms import InvitationRole, MeetingStatus, Rsvp
from meetings.extensions import db
from meetings.models import (
    Invitation,
    Meeting,
    MeetingSeries,
    Organization,
    Person,
    RoleAssignment,
    meeting_meeting_type,
)
from meetings.services import feed_store, links, series_mail
from meetings.services.feed_store import FeedResponse

PARTSTATS = {Rsvp.PENDING: "NEEDS-ACTION", Rsvp.ATTENDING: "ACCEPTED", Rsvp.LEAVE_REQUESTED: "TENTATIVE",
             Rsvp.LEAVE_APPROVED: "DECLINED", Rsvp.LEAVE_REJECTED: "NEEDS-ACTION",
             Rsvp.TENTATIVE: "TENTATIVE"}


def organizer() -> tuple[str, str]:
    """(name, address) of ``MAIL_FROM``: the mailbox invites come from and replies go to."""
    return _parse_mail_from(current_app.config["MAIL_FROM"])


@cache
def _parse_mail_from(value: str) -> tuple[str, str]:
    # Cached: a feed asks once per meeting, and parseaddr is slow next to the rest of event_data.
    return parseaddr(value)


def event_data(meeting: Meeting, *, cancelled: bool | None = None) -> ical.EventData:
    """The meeting as the calendar sees it (UID forever ``meeting-<id>@<CALENDAR_UID_DOMAIN>``)."""
    if cancelled is None:
        cancelled = meeting.status == MeetingStatus.CANCELLED
    _, address = organizer()
    return ical.EventData(
        uid=uid_of(meeting.id),
        sequence=meeting.ical_sequence, summary=meeting.title, description=_description(meeting),
        location=meeting.place, url=links.meeting_url(meeting.id), starts_at=meeting.starts_at,
        ends_at=meeting.ends_at, status="CANCELLED" if cancelled else "CONFIRMED",
        organizer_email=address, organizer_name=meeting.organization.name,
        updated_at=meeting.updated_at, categories=[t.name for t in meeting.types])


def uid_of(meeting_id: int) -> str:
    """The UID a meeting's invites and feed entries carry, forever."""
    return ical.meeting_uid(meeting_id, current_app.config["CALENDAR_UID_DOMAIN"])


def attendee(invitation: Invitation) -> ical.Attendee:
    """The invitee as an ATTENDEE (列席 → NON-PARTICIPANT) with their current answer."""
    role = "observer" if invitation.role == InvitationRole.OBSERVER else "attendee"
    return ical.Attendee(email=invitation.email or "", name=invitation.display_name, role=role,
                         partstat=PARTSTATS[invitation.rsvp])


def meeting_file(meeting: Meeting) -> bytes:
    """One meeting as a downloadable .ics (METHOD:PUBLISH, no attendee list)."""
    return ical.download(event_data(meeting))


def _description(meeting: Meeting) -> str:
    parts = [meeting.agenda.strip()]
    if meeting.online_url:
        parts.append(f"线上参会：{meeting.online_url}")
    return "\n\n".join(p for p in parts if p)


# --- feed tokens -------------------------------------------------------------------------

def feed_token(person: Person) -> str | None:
    """The person's current feed token, or None if they have none (or it was revoked).

    The token is derived (HMAC with ``SECRET_KEY``) from the person and the time it was issued,
    so the page can show it again while the database keeps only its SHA-256.
    """
    if person.feed_token_created_at is None or person.feed_token_hash is None:
        return None
    token = _derive(person.id, person.feed_token_created_at)
    if not hmac.compare_digest(token_hash(token), person.feed_token_hash):
        return None  # SECRET_KEY changed: the old link cannot be shown again, a new one is needed
    return token


def issue_feed_token(person: Person, now: datetime) -> str:
    """A new token for the person; the previous link stops working at once (rotate)."""
    issued_at = now.astimezone(UTC)
    previous = person.feed_token_created_at
    if previous is not None and issued_at <= previous:
        # The token is a function of the issue time: the same instant would give the same link back.
        issued_at = previous + timedelta(microseconds=1)
    person.feed_token_created_at = issued_at
    token = _derive(person.id, issued_at)
    person.feed_token_hash = token_hash(token)
    db.session.flush()
    return token


def revoke_feed_token(person: Person) -> None:
    """Switch the person's feed off: the link 404s until a new one is issued."""
    person.feed_token_hash = person.feed_token_created_at = None
    db.session.flush()


def person_for_token(token: str, *, with_roles: bool = False) -> Person | None:
    """The active person whose feed this token opens (looked up by its hash).

    ``with_roles`` loads their roles and units in the same statement, for the policy's check.
    """
    if not token or len(token) > 100:
        return None
    person = db.session.scalars(_person_query(with_roles), {"hash": token_hash(token)}).unique().first()
    return person if person is not None and person.may_sign_in else None


@cache
def _person_query(with_roles: bool) -> sa.Select:
    """Built once: feed polls are frequent, and building a statement costs more than running it."""
    query = sa.select(Person).where(Person.feed_token_hash == sa.bindparam("hash"))
    if with_roles:
        query = query.options(joinedload(Person.roles).joinedload(RoleAssignment.organization))
    return query


def token_hash(token: str) -> str:
    """SHA-256 of a token, the only form the database keeps."""
    return hashlib.sha256(token.encode()).hexdigest()


def _derive(person_id: int, issued_at: datetime) -> str:
    # UTC, so the value read back from the database (always UTC) derives the same token.
    message = f"feed:{person_id}:{issued_at.astimezone(UTC).isoformat()}".encode()
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), message, hashlib.sha256).digest()
    return urlsafe_b64encode(digest).rstrip(b"=").decode()


# --- feeds -------------------------------------------------------------------------------

def personal_feed(person: Person, now: datetime, *, with_body: bool = False) -> FeedResponse:
    """Every meeting the person is invited to, from 90 days ago on (cancelled ones until their date).

    Served from stored bytes while nothing in it changed (``feed_store``); ``with_body`` reads
    the bytes too, for a caller that will send them.
    """
    return feed_store.feed("person", f"person:{person.id}", {"person_id": person.id}, now=now,
                           name=f"组织生活 · {person.name}", render=_render, with_body=with_body)


def branch_feed(branch: Organization, now: datetime, *, with_body: bool = False) -> FeedResponse:
    """All meetings of one branch (and its party groups), same window, for its officers."""
    # The bounds of Organization.in_subtree(branch): every path that starts with the branch's.
    bounds = {"path_from": branch.path, "path_to": branch.path[:-1] + "0"}
    return feed_store.feed("branch", f"branch:{branch.id}", bounds, now=now,
                           name=f"组织生活 · {branch.name}", render=_render, with_body=with_body)


def _render(meetings: Iterable[Meeting], name: str) -> bytes:
    """The feed: a meeting of a recurring series goes in its series' master and overrides
    (CALENDAR.md "Recurrence"), every other meeting as its own event."""
    meetings = list(meetings)
    recurring = _recurring_series({m.series_id for m in meetings if m.series_slot is not None})
    alone, grouped = [], {}
    for meeting in meetings:
        if meeting.series_id in recurring and meeting.series_slot is not None:
            grouped.setdefault(meeting.series_id, []).append(meeting)
        else:
            alone.append(meeting)
    shown = [series_mail.series_data(recurring[series_id], members) for series_id, members in grouped.items()]
    return ical.feed([event_data(m) for m in alone], name=name, recurring=ical_series.feed_events(shown))


def _recurring_series(ids: set[int]) -> dict[int, MeetingSeries]:
    if not ids:
        return {}
    rows = db.session.scalars(sa.select(MeetingSeries).where(MeetingSeries.id.in_(ids),
                                                             MeetingSeries.recurring_invite))
    return {series.id: series for series in rows}


# --- renames that calendars see -------------------------------------------------------------

def touch_meetings(where: sa.ColumnElement[bool], now: datetime) -> None:
    """Meetings whose calendar text changed without their row changing (a renamed type changes
    CATEGORIES, a renamed branch the ORGANIZER's name): LAST-MODIFIED moves for every one still
    in a feed, and SEQUENCE too for those not yet over, so clients take the new text. ``version``
    moves as for any edit, so a form opened before the rename is stale."""
    db.session.flush()  # the rename itself first; loaded meetings are read afresh after
    table = Meeting.__table__
    in_feeds = sa.and_(where, table.c.ends_at >= now - feed_store.FEED_PAST)
    ahead = sa.case((table.c.ends_at >= now, table.c.ical_sequence + 1), else_=table.c.ical_sequence)
    db.session.execute(sa.update(table).where(in_feeds).values(
        updated_at=now, version=table.c.version + 1, ical_sequence=ahead).execution_options(
        synchronize_session=False))
    for meeting in [o for o in db.session.identity_map.values() if isinstance(o, Meeting)]:
        db.session.expire(meeting)


def touch_meetings_of_type(type_id: int, now: datetime) -> None:
    link = meeting_meeting_type
    touch_meetings(Meeting.__table__.c.id.in_(
        sa.select(link.c.meeting_id).where(link.c.meeting_type_id == type_id)), now)


def touch_meetings_of_unit(org: Organization, now: datetime) -> None:
    """The unit's own meetings (its name is their ORGANIZER's)."""
    touch_meetings(Meeting.__table__.c.organization_id == org.id, now)
