"""Calendar output from the database: a meeting as ``EventData``, personal and branch feeds
with stored bytes, and the secret feed tokens (订阅链接). All iCalendar text is built by
``meetings.domain.ical``; this module only gathers the data.
"""
from __future__ import annotations

import hashlib
import hmac
from base64 import urlsafe_b64encode
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from meetings.domain import ical
from meetings.domain.terms import InvitationRole, MeetingStatus, Rsvp
from meetings.extensions import db
from meetings.models import CalendarSnapshot, Invitation, Meeting, Organization, Person
from meetings.services import links

FEED_PAST = timedelta(days=90)  # a personal feed shows the last 90 days and everything ahead
PARTSTATS = {Rsvp.PENDING: "NEEDS-ACTION", Rsvp.ATTENDING: "ACCEPTED", Rsvp.LEAVE_REQUESTED: "TENTATIVE",
             Rsvp.LEAVE_APPROVED: "DECLINED", Rsvp.LEAVE_REJECTED: "NEEDS-ACTION"}


@dataclass(frozen=True)
class FeedResponse:
    """A feed ready to serve: its bytes and validators."""

    body: bytes
    etag: str
    last_modified: datetime


def organizer() -> tuple[str, str]:
    """(name, address) of ``MAIL_FROM``: the mailbox invites come from and replies go to."""
    name, address = parseaddr(current_app.config["MAIL_FROM"])
    return name, address


def event_data(meeting: Meeting, *, cancelled: bool | None = None) -> ical.EventData:
    """The meeting as the calendar sees it (UID forever ``meeting-<id>@<CALENDAR_UID_DOMAIN>``)."""
    if cancelled is None:
        cancelled = meeting.status == MeetingStatus.CANCELLED
    _, address = organizer()
    return ical.EventData(
        uid=ical.meeting_uid(meeting.id, current_app.config["CALENDAR_UID_DOMAIN"]),
        sequence=meeting.ical_sequence, summary=meeting.title, description=_description(meeting),
        location=meeting.place, url=links.meeting_url(meeting.id), starts_at=meeting.starts_at,
        ends_at=meeting.ends_at, status="CANCELLED" if cancelled else "CONFIRMED",
        organizer_email=address, organizer_name=meeting.organization.name,
        updated_at=meeting.updated_at, categories=[t.name for t in meeting.types])


def attendee(invitation: Invitation) -> ical.Attendee:
    """The invitee as an ATTENDEE (列席 → NON-PARTICIPANT) with their current answer."""
    role = "observer" if invitation.role == InvitationRole.OBSERVER else "attendee"
    return ical.Attendee(email=invitation.email or "", name=invitation.display_name, role=role,
                         partstat=PARTSTATS[invitation.rsvp])


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
    person.feed_token_created_at = now
    token = _derive(person.id, now)
    person.feed_token_hash = token_hash(token)
    db.session.flush()
    return token


def revoke_feed_token(person: Person) -> None:
    person.feed_token_hash = person.feed_token_created_at = None
    db.session.flush()


def person_for_token(token: str) -> Person | None:
    """The active person whose feed this token opens (looked up by its hash)."""
    if not token or len(token) > 100:
        return None
    person = db.session.scalar(sa.select(Person).where(Person.feed_token_hash == token_hash(token)))
    return person if person is not None and person.may_sign_in else None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _derive(person_id: int, issued_at: datetime) -> str:
    message = f"feed:{person_id}:{issued_at.isoformat()}".encode()
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), message, hashlib.sha256).digest()
    return urlsafe_b64encode(digest).rstrip(b"=").decode()


# --- feeds -------------------------------------------------------------------------------

def personal_feed(person: Person, now: datetime) -> FeedResponse:
    """Every meeting the person is invited to, from 90 days ago on (cancelled ones until their date)."""
    query = _window(sa.select(Meeting).join(Invitation).where(Invitation.person_id == person.id), now)
    return _feed(f"person:{person.id}", query, name=f"组织生活 · {person.name}", now=now)


def branch_feed(branch: Organization, now: datetime) -> FeedResponse:
    """All meetings of one branch (and its party groups), same window, for its officers."""
    query = _window(sa.select(Meeting).join(Organization, Meeting.organization_id == Organization.id)
                    .where(Organization.in_subtree(branch)), now)
    return _feed(f"branch:{branch.id}", query, name=f"组织生活 · {branch.name}", now=now)


def _window(query, now: datetime):
    return query.where(Meeting.ends_at >= now - FEED_PAST,
                       sa.or_(Meeting.status != MeetingStatus.CANCELLED, Meeting.starts_at >= now))


def _feed(key: str, query, *, name: str, now: datetime) -> FeedResponse:
    """Serve the stored bytes if nothing the feed shows has changed, else render and store them."""
    ids = query.with_only_columns(Meeting.id).scalar_subquery()
    count, newest, id_sum, version_sum = db.session.execute(
        sa.select(sa.func.count(Meeting.id), sa.func.max(Meeting.updated_at), sa.func.sum(Meeting.id),
                  sa.func.sum(Meeting.version)).where(Meeting.id.in_(ids))).one()
    newest_text = newest.isoformat() if isinstance(newest, datetime) else str(newest)
    fingerprint = hashlib.sha256(f"{name}|{count}|{newest_text}|{id_sum}|{version_sum}".encode()).hexdigest()
    snapshot = db.session.scalar(sa.select(CalendarSnapshot).where(CalendarSnapshot.key == key))
    if snapshot is not None and snapshot.fingerprint == fingerprint:
        return FeedResponse(snapshot.body, snapshot.etag, snapshot.last_modified)
    meetings = db.session.scalars(query.options(selectinload(Meeting.types),
                                                selectinload(Meeting.organization))).unique()
    body = ical.feed([event_data(m) for m in meetings], name=name)
    return _store(snapshot, key, fingerprint, body, now)


def _store(snapshot: CalendarSnapshot | None, key: str, fingerprint: str, body: bytes,
           now: datetime) -> FeedResponse:
    """Keep the new rendering; Last-Modified only moves forward, and only when the bytes change."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:40] + '"'
    moment = now.replace(microsecond=0)
    if snapshot is None:
        snapshot = CalendarSnapshot(key=key, fingerprint=fingerprint, etag=etag, last_modified=moment,
                                    body=body)
        try:
            with db.session.begin_nested():  # another request may store the same feed at once
                db.session.add(snapshot)
        except sa.exc.IntegrityError:
            pass
        return FeedResponse(body, etag, moment)
    if snapshot.etag != etag:
        snapshot.last_modified = max(moment, snapshot.last_modified)
        snapshot.body, snapshot.etag = body, etag
    snapshot.fingerprint = fingerprint
    db.session.flush()
    return FeedResponse(body, etag, snapshot.last_modified)
