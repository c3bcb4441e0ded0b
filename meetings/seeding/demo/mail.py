"""Demo: one invite the relay refused for good, so 邮件队列 and the meeting page show what
undelivered mail looks like (a member whose mailbox no longer exists)."""
from __future__ import annotations

import smtplib
from datetime import datetime

import sqlalchemy as sa

from meetings.domain.terms import OutboxStatus
from meetings.extensions import db
from meetings.models import Meeting, Organization, OutboxMessage
from meetings.services.mail import delivery

REFUSAL = smtplib.SMTPRecipientsRefused({"": (550, b"5.1.1 mailbox unavailable")})


def refuse_one_invite(root: Organization, now: datetime) -> OutboxMessage | None:
    """The newest waiting invite of the demo tree, tried once and refused as a relay would."""
    row = db.session.scalar(
        sa.select(OutboxMessage).join(Meeting, OutboxMessage.meeting_id == Meeting.id)
        .join(Organization, Meeting.organization_id == Organization.id)
        .where(Organization.in_subtree(root), OutboxMessage.kind == "invite",
               OutboxMessage.status == OutboxStatus.PENDING)
        .order_by(OutboxMessage.id.desc()).limit(1))
    if row is None:
        return None
    row.attempts = 1
    delivery.record_failure(row, now, REFUSAL)
    db.session.flush()
    return row
