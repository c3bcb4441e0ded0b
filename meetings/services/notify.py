"""Meeting mail (会议通知): invite, update, cancel and reminder, one message per invitee, queued
in the outbox within the caller's transaction. Layout per ``shared/CALENDAR.md``.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from flask import current_app

from meetings.domain import ical
from meetings.models import Invitation, Meeting
from meetings.services import calendar, invitee_mail, links, outbox, reply_address, series_mail

SUBJECT_PREFIX = {"invite": "会议通知", "update": "会议变更", "cancel": "会议取消", "reminder": "会议提醒",
                  "nudge": "请回复参会"}
KINDS = tuple(SUBJECT_PREFIX)
CALENDAR_KINDS = ("invite", "update", "cancel")


def meeting_mail(meeting: Meeting, invitations: Iterable[Invitation], kind: str, now: datetime, *,
                 uninvited: bool = False) -> int:
    """Queue one ``kind`` message to each invitee who has an email address; returns how many.

    ``uninvited`` marks a cancel sent to someone taken off a meeting that still takes place.
    A meeting of a recurring series sends no calendar mail of its own: its invitees get the
    whole series once, when the transaction commits (``series_mail``).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown mail kind {kind!r}")
    if kind in CALENDAR_KINDS and series_mail.is_recurring(meeting):
        invitations = list(invitations)
        series_mail.mark(meeting, invitations, now)
        return sum(1 for i in invitations if i.email)
    cancelled = kind == "cancel"
    event = calendar.event_data(meeting, cancelled=cancelled)
    queued = 0
    for invitation in invitations:
        if not invitation.email:
            continue
        message = _message(meeting, invitation, kind, event, now, uninvited=uninvited)
        outbox.enqueue(message, kind=kind, meeting_id=meeting.id, person_id=invitation.person_id, now=now)
        queued += 1
    return queued


def _message(meeting: Meeting, invitation: Invitation, kind: str, event: ical.EventData,
             now: datetime, *, uninvited: bool):
    """One email: text + HTML, and for invite/update/cancel the iMIP calendar part."""
    parts = invitee_mail.render("meeting", _context(meeting, invitation, kind, uninvited=uninvited))
    calendar_part, method = None, None
    if kind in CALENDAR_KINDS:
        method = "CANCEL" if kind == "cancel" else "REQUEST"
        own = reply_address.for_invitation(invitation.id)
        mailed = replace(event, organizer_email=own) if own else event
        calendar_part = ical.invite(mailed, calendar.attendee(invitation), method)
        if method == "REQUEST":
            invitation.sequence_sent = event.sequence
    return invitee_mail.message(invitation, subject=f"【{SUBJECT_PREFIX[kind]}】{meeting.title}", parts=parts,
                                now=now, calendar_part=calendar_part, method=method)


def _context(meeting: Meeting, invitation: Invitation, kind: str, *, uninvited: bool) -> dict:
    answer = kind in ("invite", "update", "reminder", "nudge") and invitation.person_id is not None
    return {
        "meeting": meeting, "invitation": invitation, "kind": kind, "uninvited": uninvited,
        "meeting_url": links.meeting_url(meeting.id),
        "attend_url": links.rsvp_url(invitation.id, invitation.person_id, "attend") if answer else None,
        "leave_url": links.rsvp_url(invitation.id, invitation.person_id, "leave") if answer else None,
        "site_name": current_app.config.get("SITE_NAME", "组织生活"),
    }
