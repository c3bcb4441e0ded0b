"""Outbox (发件箱): build an email and queue it as a row, to be sent later by ``send-mail``.

A message is queued in the same transaction as the change that caused it: the caller
commits both, so an invite exists exactly when its meeting change does. Layout of a
calendar email: ``shared/CALENDAR.md`` "Messages".
"""
from __future__ import annotations

import email.policy
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from meetings.domain.ical import mime_params
from meetings.extensions import db
from meetings.models import OutboxMessage
from meetings.models.base import utcnow
from meetings.services.mail import ordering

# Parts are encoded to 7 bit (base64 or quoted-printable), so any relay can carry them.
BUILD_POLICY = email.policy.SMTP.clone(cte_type="7bit")
WIRE_POLICY = email.policy.SMTP
ATTACHMENT_NAME = "invite.ics"
SUBJECT_LENGTH = OutboxMessage.subject.type.length


# Python's header parser decodes RFC 2047 encoded words in a value it is given, and on some
# builds folds a decoded CR LF into real header lines: a meeting title of
# "=?utf-8?b?…?=" could then add a Reply-To to every invite.
ENCODED_WORD_START = "=?"
WORD_JOINER = "\u2060"  # invisible, and "=" + it + "?" opens no encoded word


def literal_subject(subject: str) -> str:
    """The subject as the reader typed it, one line, with nothing a header parser decodes."""
    one_line = "".join(ch if ch.isprintable() else " " for ch in subject)
    return one_line.replace(ENCODED_WORD_START, "=" + WORD_JOINER + "?")


def build_message(
    *,
    sender: str | Address,
    recipient: str | Address,
    subject: str,
    text: str,
    now: datetime,
    html: str | None = None,
    calendar: bytes | None = None,
    method: str | None = None,
) -> EmailMessage:
    """One email to one person: multipart/mixed → multipart/alternative (+ ``invite.ics``).

    The alternative holds text/plain, optionally text/html, and optionally the calendar as
    ``text/calendar; method=…; charset=UTF-8`` — its method must be the .ics file's METHOD.
    """
    if (calendar is None) != (method is None):
        raise ValueError("a calendar part needs its method, and a method needs a calendar")
    message = EmailMessage(policy=BUILD_POLICY)
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = literal_subject(subject)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=message["From"].addresses[0].domain or None)
    # Machine-sent (RFC 3834): vacation responders stay silent, and Exchange's too (it reads the
    # second header); nothing that answers this automatically can start a mail loop with us.
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    if calendar is not None:
        message.add_alternative(calendar, maintype="text", subtype="calendar", params=mime_params(method))
    if not message.is_multipart():
        message.make_alternative()
    message.make_mixed()
    if calendar is not None:
        # application/ics, so clients show a file and do not treat it as a second invitation.
        message.add_attachment(calendar, maintype="application", subtype="ics", filename=ATTACHMENT_NAME)
    return message


def enqueue(
    message: EmailMessage,
    *,
    kind: str,
    meeting_id: int | None = None,
    series_id: int | None = None,
    person_id: int | None = None,
    now: datetime | None = None,
) -> OutboxMessage:
    """Queue ``message`` (exactly one To address) for sending; flushed, never committed."""
    addresses = message["To"].addresses if message["To"] else ()
    if len(addresses) != 1 or not addresses[0].addr_spec:
        raise ValueError("an outbox message goes to exactly one recipient")
    now = now or utcnow()
    row = OutboxMessage(
        kind=kind,
        recipient=addresses[0].addr_spec,
        subject=str(message["Subject"] or "")[:SUBJECT_LENGTH],
        message_id=str(message["Message-ID"] or "")[:255] or None,
        message=message.as_bytes(policy=WIRE_POLICY),
        meeting_id=meeting_id,
        series_id=series_id,
        person_id=person_id,
        next_attempt_at=now,
        created_at=now,
        queued_at=now,
    )
    db.session.add(row)
    db.session.flush()
    ordering.supersede_older(row)
    return row
