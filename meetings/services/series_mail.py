"""A recurring series' mail (例会通知): one message per invitee carrying the whole series.

A series planned as one recurring event (``MeetingSeries.recurring_invite``) is never mailed
meeting by meeting. Whatever changes in a transaction — twelve meetings planned, one moved,
one cancelled, someone added to three of them — ``mark`` notes whose view of the series
changed, and when the transaction commits each of them gets one REQUEST with the master, its
EXDATEs and every override at the series' new SEQUENCE (CALENDAR.md "Recurrence"), or one
CANCEL of the UID once nothing of the series is left for them.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, selectinload

from meetings.domain import ical_series, recurrence
from meetings.domain.terms import MeetingStatus
from meetings.extensions import db
from meetings.models import Invitation, Meeting, MeetingSeries
from meetings.services import calendar, invitee_mail, links, locks, outbox, reply_address

PENDING = "orglife.series_mail"  # Session.info key: series id → _Pending
SUBJECT_PREFIX = {"invite": "例会通知", "update": "例会变更", "cancel": "例会取消"}


@dataclass
class _Pending:
    now: datetime
    meeting_id: int  # the meeting whose change caused it (the outbox row points there)
    invitees: dict[tuple, Invitation] = field(default_factory=dict)  # recipient key → an invitation


def is_recurring(meeting: Meeting) -> bool:
    """Does this meeting go out as part of one recurring event?"""
    return meeting.series_id is not None and meeting.series is not None and meeting.series.recurring_invite


def series_uid(series_id: int) -> str:
    """The UID a recurring series keeps forever: ``series-<id>@<CALENDAR_UID_DOMAIN>``."""
    return f"series-{series_id}@{current_app.config['CALENDAR_UID_DOMAIN']}"


def series_of_uid(uid: str) -> int | None:
    """The series id in one of our series UIDs, else None."""
    prefix, _, host = uid.partition("@")
    if host != current_app.config["CALENDAR_UID_DOMAIN"] or not prefix.startswith("series-"):
        return None
    number = prefix.removeprefix("series-")
    return int(number) if number.isdigit() and len(number) < 12 else None


def recipient_key(invitation: Invitation) -> tuple:
    """Who an invitation is for across the series' meetings: a person, or a guest's address."""
    if invitation.person_id is not None:
        return ("person", invitation.person_id)
    return ("guest", (invitation.guest_email or "").lower())


def mark(meeting: Meeting, invitations, now: datetime, *, series_id: int | None = None) -> None:
    """These invitees' view of the meeting's series (or of ``series_id``) changed: mail them
    that series at commit."""
    pending = db.session.info.setdefault(PENDING, {})
    entry = pending.setdefault(series_id or meeting.series_id, _Pending(now=now, meeting_id=meeting.id))
    entry.now = max(entry.now, now)
    for invitation in invitations:
        if invitation.email:
            entry.invitees[recipient_key(invitation)] = invitation


def forget(session: Session) -> None:
    session.info.pop(PENDING, None)


@event.listens_for(Session, "before_commit")
def _send_at_commit(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if pending:
        send(pending)


@event.listens_for(Session, "after_rollback")
def _drop_on_rollback(session: Session) -> None:
    forget(session)


def send(pending: dict[int, _Pending]) -> int:
    """Queue the pending series messages; returns how many."""
    queued = 0
    for series_id, entry in sorted(pending.items()):
        db.session.flush()
        # Two saves of different dates of one series at once must not both send SEQUENCE n+1
        # with different contents (a client keeps the first and ignores the other): the second
        # waits here, then reads what the first committed.
        locks.lock_row(MeetingSeries, series_id)
        series = db.session.get(MeetingSeries, series_id)
        db.session.refresh(series)
        meetings = _Meetings(_meetings(series_id))
        if any(i.sequence_sent is not None for m in meetings.all for i in m.invitations):
            series.ical_sequence += 1  # one step per transaction, however many meetings changed
        for key, invitation in sorted(entry.invitees.items()):
            theirs = meetings.by_recipient.get(key, [])
            queued += _mail_one(series, meetings, theirs, theirs[0][1] if theirs else invitation, entry)
    db.session.flush()
    return queued


def _meetings(series_id: int) -> list[Meeting]:
    return list(db.session.scalars(
        sa.select(Meeting).where(Meeting.series_id == series_id)
        .options(selectinload(Meeting.invitations), selectinload(Meeting.types))
        .order_by(Meeting.series_slot, Meeting.id).execution_options(populate_existing=True)))


class _Meetings:
    """A series' meetings, read once per message batch: each one's calendar occurrence, and
    each recipient's (meeting, invitation) pairs in slot order."""

    def __init__(self, meetings: list[Meeting]):
        self.all = meetings
        self.occurrence = {m.id: _occurrence(m) for m in meetings if m.series_slot is not None}
        self.by_recipient: dict[tuple, list[tuple[Meeting, Invitation]]] = {}
        for meeting in meetings:
            for invitation in meeting.invitations:
                self.by_recipient.setdefault(recipient_key(invitation), []).append((meeting, invitation))

    def data(self, series: MeetingSeries, meetings) -> ical_series.SeriesData:
        return _series(series, [self.occurrence[m.id] for m in meetings if m.id in self.occurrence])


def _mail_one(series: MeetingSeries, meetings: _Meetings, theirs: list[tuple[Meeting, Invitation]],
              invitation: Invitation, entry: _Pending) -> int:
    if not invitation.email:
        return 0
    shown = [(m, i) for m, i in theirs if m.status != MeetingStatus.CANCELLED]
    if shown:
        kind = "update" if any(i.sequence_sent is not None for _, i in theirs) else "invite"
        data = meetings.data(series, [m for m, _ in shown])
        first = _first_ahead(shown, entry.now)
        method = "REQUEST"
    else:
        kind, method = "cancel", "CANCEL"
        data = meetings.data(series, meetings.all)
        first = theirs[0] if theirs else (None, invitation)
    answering = first[1]
    own = reply_address.for_invitation(answering.id) if answering.id else None
    part = ical_series.invite(_organized_by(data, own), calendar.attendee(answering), method)
    if method == "REQUEST":
        for _, their_invitation in theirs:
            their_invitation.sequence_sent = series.ical_sequence
    message = _message(series, shown, theirs, invitation, kind, part, method, entry.now)
    outbox.enqueue(message, kind=kind, meeting_id=entry.meeting_id, series_id=series.id,
                   person_id=invitation.person_id, now=entry.now)
    return 1


def _first_ahead(shown: list[tuple[Meeting, Invitation]], now: datetime) -> tuple[Meeting, Invitation]:
    """The next occurrence still to come (else the last): its invitation signs the reply address."""
    return next(((m, i) for m, i in shown if m.ends_at >= now), shown[-1])


def series_data(series: MeetingSeries, meetings) -> ical_series.SeriesData:
    """The series as ``ical_series`` shows it: these meetings (less cancelled ones) on their slots."""
    return _series(series, [_occurrence(m) for m in meetings
                            if m.series_slot is not None and m.status != MeetingStatus.CANCELLED])


def _occurrence(meeting) -> ical_series.Occurrence:
    event = calendar.event_data(meeting, cancelled=False)
    return ical_series.Occurrence(slot=meeting.series_slot, event=event)


def _series(series: MeetingSeries, occurrences) -> ical_series.SeriesData:
    return ical_series.SeriesData(uid=series_uid(series.id), sequence=series.ical_sequence,
                                  rule=rule_of(series), occurrences=tuple(occurrences))


def rule_of(series: MeetingSeries) -> recurrence.Rule:
    return recurrence.rule_from_json(series.rule)


def _organized_by(data: ical_series.SeriesData, address: str | None) -> ical_series.SeriesData:
    if address is None:
        return data
    return ical_series.SeriesData(
        uid=data.uid, sequence=data.sequence, rule=data.rule,
        occurrences=tuple(ical_series.Occurrence(o.slot, replace(o.event, organizer_email=address))
                          for o in data.occurrences))


def _message(series: MeetingSeries, shown, theirs, invitation: Invitation, kind: str, part: bytes,
             method: str, now: datetime):
    meetings = [m for m, _ in shown] or [m for m, _ in theirs]
    title = meetings[0].title if meetings else ""
    context = {
        "series": series, "kind": kind, "invitation": invitation, "title": title,
        "organization": meetings[0].organization if meetings else None,
        "rule_text": recurrence.describe(rule_of(series)),
        "rows": [_row(m, i, now) for m, i in shown],
        "site_name": current_app.config.get("SITE_NAME", "组织生活"),
    }
    return invitee_mail.message(invitation, subject=f"【{SUBJECT_PREFIX[kind]}】{title}",
                                parts=invitee_mail.render("series", context), now=now, calendar_part=part,
                                method=method)


def _row(meeting: Meeting, invitation: Invitation, now: datetime) -> dict:
    """One line of the mail's date list, with one-click answers while the meeting is ahead."""
    ahead = meeting.ends_at >= now and invitation.person_id is not None
    return {
        "meeting": meeting, "url": links.meeting_url(meeting.id),
        "attend_url": links.rsvp_url(invitation.id, invitation.person_id, "attend") if ahead else None,
        "leave_url": links.rsvp_url(invitation.id, invitation.person_id, "leave") if ahead else None,
    }
