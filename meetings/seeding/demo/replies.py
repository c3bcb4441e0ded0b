"""Demo: answers given in calendar apps, received as mail (日历答复), so the demo branch's next
meeting shows 参加 / 请假 / 待定 set from a calendar and a 改期建议, and 收到的回复邮件 lists
them with a forged one that changed nothing. Needs ``REPLY_ADDRESS`` (``make run`` sets it);
without it invites name no reply address and there is nothing to answer to.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from icalendar import Calendar, Event, vCalAddress

from meetings.domain.terms import MeetingStatus
from meetings.extensions import db
from meetings.models import Invitation, Meeting, Organization
from meetings.services import calendar, inbound_mail, reply_address

ANSWERS = (("ACCEPTED", ""), ("DECLINED", "在外地参加培训，无法参加"), ("TENTATIVE", ""))


def answer_in_calendars(branch: Organization, now: datetime) -> int:
    """Three members of the branch's next meeting answer from their calendars, one proposes a
    later time, and a stranger tries to answer for someone; returns the messages received."""
    # A one-off meeting: an occurrence of a series is answered with the series' UID and a
    # RECURRENCE-ID, which these hand-made replies do not carry (at the turn of a year the
    # next meeting is the monthly series' January one).
    meeting = db.session.scalar(sa.select(Meeting).where(
        Meeting.organization_id == branch.id, Meeting.status == MeetingStatus.SCHEDULED,
        Meeting.series_id.is_(None), Meeting.starts_at > now).order_by(Meeting.starts_at).limit(1))
    if meeting is None or reply_address.configured() is None:
        return 0
    invitees = [i for i in meeting.invitations if i.person_id and i.email][:5]
    plans = [(i, partstat, comment, None) for i, (partstat, comment) in zip(invitees, ANSWERS, strict=False)]
    if len(invitees) > 3:
        plans.append((invitees[3], "TENTATIVE", "下周二下午更合适", meeting.starts_at + timedelta(days=4)))
    for number, (invitation, partstat, comment, proposed) in enumerate(plans):
        message_id = f"<demo-reply-{meeting.id}-{number}@demo>"
        raw = _reply(meeting, invitation, partstat, comment, proposed, message_id)
        inbound_mail.receive(raw, now - timedelta(hours=len(plans) - number))
    if len(invitees) > 4:  # someone else's address answering with a real invite's reply address
        raw = _reply(meeting, invitees[4], "DECLINED", "", None, f"<demo-forged-{meeting.id}@demo>",
                     attendee="someone.else@example.net")
        inbound_mail.receive(raw, now - timedelta(minutes=30))
    return len(plans) + (len(invitees) > 4)


def _reply(meeting: Meeting, invitation: Invitation, partstat: str, comment: str, proposed: datetime | None,
           message_id: str, *, attendee: str | None = None) -> bytes:
    """A REPLY (or COUNTER with ``proposed``) as a calendar app mails it to the invite's ORGANIZER."""
    event_data = calendar.event_data(meeting)
    organizer = reply_address.for_invitation(invitation.id)
    address = attendee or invitation.email
    cal = Calendar()
    cal.add("prodid", "-//Demo//Calendar//ZH")
    cal.add("version", "2.0")
    cal.add("method", "COUNTER" if proposed else "REPLY")
    event = Event()
    event.add("uid", event_data.uid)
    event.add("sequence", meeting.ical_sequence)
    event.add("dtstamp", meeting.updated_at)
    starts = proposed or meeting.starts_at
    event.add("dtstart", starts)
    event.add("dtend", starts + (meeting.ends_at - meeting.starts_at))
    event.add("organizer", vCalAddress(f"mailto:{organizer}"))
    event.add("attendee", vCalAddress(f"mailto:{address}"), parameters={"PARTSTAT": partstat})
    if comment:
        event.add("comment", comment)
    cal.add_component(event)
    message = EmailMessage()
    message["From"], message["To"] = address, organizer
    message["Subject"], message["Message-ID"] = f"答复: {meeting.title}", message_id
    message.set_content(comment or partstat)
    message.add_alternative(cal.to_ical(), maintype="text", subtype="calendar",
                            params={"method": str(cal["METHOD"]), "charset": "UTF-8"})
    return message.as_bytes()
