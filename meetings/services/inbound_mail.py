"""Acting on mail received at the reply address (收到的回复): calendar answers and bounces.

``receive`` takes one raw message, decides, and writes what it did into ``InboundMail`` in the
caller's transaction (the caller commits once). Every message gets a row — applied, shown to
the secretary, or ignored with a reason — so nothing is dropped silently, and a message whose
Message-ID was seen before changes nothing (an MTA that retries delivers it again).

An answer counts only when it can be tied to its invitation: the signed reply address (the
ORGANIZER the client copies, or the address the MTA delivered to) names the invitation, and
the ATTENDEE that answers must be the address that invitation was mailed to. A REPLY for an
older SEQUENCE than the last REQUEST that invitee was sent, for another UID, or for a meeting
cancelled or over, changes nothing. Automatic answers are ignored and never answered.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from meetings.domain import inbound, itip
from meetings.extensions import db
from meetings.models import InboundMail, Invitation, Meeting, OutboxMessage, Person
from meetings.services import audit, calendar, locks, reply_address, responses, series_mail

log = logging.getLogger("orglife.inbound")


@dataclass(frozen=True)
class Outcome:
    """What became of one message (also kept as its ``InboundMail`` row)."""

    kind: str
    outcome: str  # applied | shown | ignored | duplicate
    reason: str = ""


def receive(raw: bytes, now: datetime, *, recipients: tuple[str, ...] = ()) -> Outcome:
    """Handle one received message; ``recipients`` are the envelope's (LMTP/SMTP RCPT TO)."""
    mail = inbound.sort(raw)
    if mail.message_id and _seen(mail.message_id):
        log.info("inbound %s: seen before, nothing done", mail.message_id)
        return Outcome(kind="duplicate", outcome="duplicate", reason="seen_before")
    row = InboundMail(message_id=mail.message_id, received_at=now, sender=mail.sender[:254],
                      subject=mail.subject, kind=mail.kind, outcome="ignored", reason=mail.kind)
    if mail.kind == "calendar":
        _answers(row, mail, tuple(r.lower() for r in recipients), now)
    elif mail.kind == "bounce":
        _bounce(row, mail.bounce, now)
    db.session.add(row)
    db.session.flush()
    log.info("inbound %s from %s: %s %s %s", mail.message_id, mail.sender, row.kind, row.outcome, row.reason)
    return Outcome(kind=row.kind, outcome=row.outcome, reason=row.reason)


def record_unreadable(raw: bytes, now: datetime) -> None:
    """Log a message that could not be handled (its headers, as far as they read)."""
    try:
        mail = inbound.sort(raw[:64 * 2**10])
        message_id, sender, subject = mail.message_id, mail.sender, mail.subject
    except Exception:  # noqa: BLE001 - a log row must be written whatever the bytes are
        message_id, sender, subject = None, "", ""
    if message_id and _seen(message_id):
        message_id = None  # the unique Message-ID is taken by what we did before
    db.session.add(InboundMail(message_id=message_id, received_at=now, sender=sender[:254], subject=subject,
                               kind="other", outcome="ignored", reason="unreadable"))
    db.session.flush()


def _seen(message_id: str) -> bool:
    query = sa.select(InboundMail.id).where(InboundMail.message_id == message_id)
    return db.session.scalar(query) is not None


# --- calendar answers --------------------------------------------------------------------

def _answers(row: InboundMail, mail: inbound.Sorted, recipients: tuple[str, ...], now: datetime) -> None:
    """Apply the first answer that can be tied to an invitation; note why if none can."""
    found = [answer for data in mail.calendars for answer in itip.answers(data)]
    if not found:
        row.kind, row.reason = "other", "no_answer"
        return
    addresses = (*recipients, *mail.addressed_to)
    for answer in found:
        _apply(row, answer, addresses, mail.sender, now)
        if row.outcome != "ignored":
            return


def _apply(row: InboundMail, answer: itip.Answer, addresses: tuple[str, ...], sender: str,
           now: datetime) -> None:
    row.kind = "counter" if answer.method == "COUNTER" else "reply"
    invitation = _invitation(answer, addresses)
    targets = _answered(answer, invitation, now) if invitation is not None else []
    reason = _refusal(answer, invitation, targets, now) or _sender_refusal(invitation, sender)
    if invitation is not None:
        shown = targets[0] if targets else invitation
        row.invitation_id, row.meeting_id = shown.id, shown.meeting_id
    if reason:
        row.outcome, row.reason = "ignored", reason
        row.detail = f"{answer.attendee} {answer.partstat or ''}"[:500]
        return
    if answer.method == "COUNTER":
        _counter(row, targets[0], answer)
        return
    for target in targets:  # answers racing each other (or the member's click) apply in turn
        locks.lock_row(Invitation, target.id)
        db.session.refresh(target)
    changed = [t for t in targets if responses.answer_from_calendar(t, answer.partstat, answer.comment, now)]
    row.outcome, row.reason = ("applied", answer.partstat.lower()) if changed else ("ignored", "unchanged")
    row.detail = answer.comment[:500]


def _invitation(answer: itip.Answer, addresses: tuple[str, ...]) -> Invitation | None:
    """The invitation named by a signed reply address: the ORGANIZER first, then delivery."""
    for address in (answer.organizer, *addresses):
        invitation_id = reply_address.invitation_of(address)
        if invitation_id is not None:
            return db.session.get(Invitation, invitation_id)
    return None


def _answered(answer: itip.Answer, invitation: Invitation, now: datetime) -> list[Invitation]:
    """The invitations the answer is for: the signed one; for a recurring series, the
    occurrence its RECURRENCE-ID names, or without one every occurrence still to come."""
    meeting = invitation.meeting
    if not series_mail.is_recurring(meeting):
        return [invitation]
    key = series_mail.recipient_key(invitation)
    theirs = [i for i in db.session.scalars(
        sa.select(Invitation).join(Meeting, Meeting.id == Invitation.meeting_id)
        .options(contains_eager(Invitation.meeting))  # each target's meeting is read below
        .where(Meeting.series_id == meeting.series_id).order_by(Meeting.series_slot))
        if series_mail.recipient_key(i) == key]
    if answer.recurrence_id is not None:
        return [i for i in theirs if i.meeting.series_slot == answer.recurrence_id]
    return [i for i in theirs if responses.open_for_answers(i.meeting, now)]


def _refusal(answer: itip.Answer, invitation: Invitation | None, targets: list[Invitation],
             now: datetime) -> str:
    """Why this answer changes nothing ("" when it may be applied)."""
    if invitation is None:
        return "no_signed_address"
    if (invitation.email or "").lower() != answer.attendee:
        return "not_the_invitee"
    meeting = invitation.meeting
    recurring = series_mail.is_recurring(meeting)
    expected = series_mail.series_uid(meeting.series_id) if recurring else calendar.uid_of(meeting.id)
    if answer.uid != expected:
        return "unknown_uid"
    sent = invitation.sequence_sent
    if sent is None:
        sent = meeting.series.ical_sequence if recurring else meeting.ical_sequence
    if answer.sequence < sent:
        return "stale_sequence"
    if not targets:
        return "unknown_occurrence" if answer.recurrence_id is not None else "closed"
    if len(targets) == 1 and targets[0].meeting.is_cancelled:
        return "cancelled"
    if not all(responses.open_for_answers(t.meeting, now) for t in targets):
        return "closed"
    if answer.method == "COUNTER" and answer.proposed_start is None:
        return "no_proposal"
    return ""


def _sender_refusal(invitation: Invitation, sender: str) -> str:
    """The message must come From the invitee's address too, not only name it as ATTENDEE."""
    if sender != (invitation.email or "").lower():
        return "sender_not_invitee"
    return ""


def _counter(row: InboundMail, invitation: Invitation, answer: itip.Answer) -> None:
    """改期建议: kept on the row and shown on the meeting page to whoever plans it."""
    row.outcome, row.reason = "shown", "counter"
    row.proposed_start, row.proposed_end = answer.proposed_start, answer.proposed_end
    row.detail = answer.comment[:500]
    meeting = invitation.meeting
    audit.record(None, "invitation.counter", meeting, organization_id=meeting.organization_id,
                 after={"person": invitation.display_name, "comment": answer.comment[:200],
                        "proposed_start": answer.proposed_start.isoformat()})


# --- bounces -----------------------------------------------------------------------------

def _bounce(row: InboundMail, bounce: inbound.Bounce, now: datetime) -> None:
    """退信 of our own mail: the failed message's Message-ID must be one the outbox sent to
    that address, so a forged report cannot mark anyone's address undeliverable."""
    sent = _sent_message(bounce.message_id)
    if sent is None:
        row.reason = "unknown_message"
        return
    row.meeting_id = sent.meeting_id
    if not bounce.recipients:  # Action: delayed or delivered: the relay still tries, or it arrived
        row.reason = "not_a_failure"
        return
    failed = [r for r in bounce.recipients if r == sent.recipient.lower()]
    person = db.session.get(Person, sent.person_id) if sent.person_id else None
    if not failed or person is None or (person.email or "").lower() != failed[0]:
        row.reason = "not_our_recipient"
        return
    person.email_bounced_at, person.email_bounce_reason = now, (bounce.diagnostic or "")[:300]
    row.outcome, row.reason, row.detail = "applied", "undeliverable", f"{failed[0]} {bounce.diagnostic}"[:500]
    audit.record(None, "person.email_bounced", person, organization_id=person.branch_id,
                 after={"email": person.email, "diagnostic": bounce.diagnostic[:200]})


def _sent_message(message_id: str | None) -> OutboxMessage | None:
    """The outbox row that sent the message with this Message-ID, if we sent it."""
    if not message_id:
        return None
    return db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.message_id == message_id).limit(1))


# --- what the site shows -----------------------------------------------------------------

def counters(meeting_id: int, *, limit: int = 20) -> list[InboundMail]:
    """改期建议 received for a meeting, newest first (for whoever plans it)."""
    return list(db.session.scalars(sa.select(InboundMail).where(
        InboundMail.meeting_id == meeting_id, InboundMail.kind == "counter", InboundMail.outcome == "shown",
        InboundMail.proposed_start.between(itip.EARLIEST, itip.LATEST))
        .order_by(InboundMail.id.desc()).limit(limit)))


def latest(*, limit: int = 100) -> list[InboundMail]:
    """The newest received messages, whatever became of them (the administrator's log)."""
    return list(db.session.scalars(sa.select(InboundMail).order_by(InboundMail.id.desc()).limit(limit)))
