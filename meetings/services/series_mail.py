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
from email.headerregistry import Address

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import event
from sqlalchemy.orm import Session, selectinload

from meetings.domain import ical, ical_series, recurrence
from meetings.domain.terms import MeetingStatus
from meetings.extensions import db
from meetings.models import Invitation, Meeting, MeetingSeries
from meetings.services import calendar, links, locks, outbox, reply_address

PENDING = "orglife.series_mail"  # Session.info key: series id → _Pending
MAIL_LOCALE = "zh_Hans_CN"
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
        meetings = _meetings(series_id)
        invited = {recipient_key(i): i for m in meetings for i in m.invitations}
        if any(i.sequence_sent is not None for i in invited.values()):
            series.ical_sequence += 1  # one step per transaction, however many meetings changed
        for key, invitation in sorted(entry.invitees.items()):
            queued += _mail_one(series, meetings, key, invited.get(key, invitation), entry)
    db.session.flush()
    return queued


def _meetings(series_id: int) -> list[Meeting]:
    return list(db.session.scalars(
        sa.select(Meeting).where(Meeting.series_id == series_id)
        .options(selectinload(Meeting.invitations), selectinload(Meeting.types))
        .order_by(Meeting.series_slot, Meeting.id).execution_options(populate_existing=True)))


def _mail_one(series: MeetingSeries, meetings: list[Meeting], key: tuple, invitation: Invitation,
              entry: _Pending) -> int:
    if not invitation.email:
        return 0
    theirs = [(m, i) for m in meetings for i in m.invitations if recipient_key(i) == key]
    shown = [(m, i) for m, i in theirs if m.status != MeetingStatus.CANCELLED]
    if shown:
        kind = "update" if any(i.sequence_sent is not None for _, i in theirs) else "invite"
        data = series_data(series, [m for m, _ in shown])
        first = _first_ahead(shown, entry.now)
        method = "REQUEST"
    else:
        kind, method = "cancel", "CANCEL"
        data = series_data(series, meetings, include_cancelled=True)
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


def series_data(series: MeetingSeries, meetings, *,
                include_cancelled: bool = False) -> ical_series.SeriesData:
    """The series as ``ical_series`` shows it: these meetings (less cancelled ones) on their slots."""
    occurrences = tuple(
        ical_series.Occurrence(slot=m.series_slot, event=calendar.event_data(m, cancelled=False))
        for m in meetings
        if m.series_slot is not None and (include_cancelled or m.status != MeetingStatus.CANCELLED))
    return ical_series.SeriesData(uid=series_uid(series.id), sequence=series.ical_sequence,
                                  rule=rule_of(series), occurrences=occurrences)


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
    with force_locale(MAIL_LOCALE):
        text = render_template("email/series.txt", **context)
        html = render_template("email/series.html", **context)
    name, address = calendar.organizer()
    return outbox.build_message(
        sender=Address(display_name=name, addr_spec=address),
        recipient=Address(display_name=ical.clean_name(invitation.display_name), addr_spec=invitation.email),
        subject=f"【{SUBJECT_PREFIX[kind]}】{title}", text=text, html=html, now=now,
        calendar=part, method=method)


def _row(meeting: Meeting, invitation: Invitation, now: datetime) -> dict:
    """One line of the mail's date list, with one-click answers while the meeting is ahead."""
    ahead = meeting.ends_at >= now and invitation.person_id is not None
    return {
        "meeting": meeting, "url": links.meeting_url(meeting.id),
        "attend_url": links.rsvp_url(invitation.id, invitation.person_id, "attend") if ahead else None,
        "leave_url": links.rsvp_url(invitation.id, invitation.person_id, "leave") if ahead else None,
    }
