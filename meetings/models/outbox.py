"""Outbox: every email is a row first, sent later by a worker with retries."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from meetings.domain.terms import OutboxStatus
from meetings.models.base import Base, enum_column, utcnow


class OutboxMessage(Base):
    """A fully built email (RFC 5322 bytes), sent at least once and at most once per worker crash."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        sa.Index("ix_outbox_due", "status", "next_attempt_at"),
        # Per (meeting, recipient) the messages form one ordered thread (services.mail.ordering).
        sa.Index("ix_outbox_thread", "meeting_id", "recipient", "id"),
        # A recurring series' messages form one thread per recipient instead.
        sa.Index("ix_outbox_series_thread", "series_id", "recipient", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(30))  # invite, update, cancel, reminder, alert
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    message_id: Mapped[str | None] = mapped_column(sa.String(255), index=True)  # to know our bounces
    message: Mapped[bytes] = mapped_column(sa.LargeBinary)
    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting.id"), index=True)
    series_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting_series.id"))
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    status: Mapped[OutboxStatus] = enum_column(OutboxStatus, default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)  # retries run for days from here
    sent_at: Mapped[datetime | None]
    # Who holds a ``sending`` row and since when: a worker found dead leaves it to be retried.
    claimed_by: Mapped[str | None] = mapped_column(sa.String(120))
    claimed_at: Mapped[datetime | None]
    # Deliveries cut off by a crash: each one may have reached the recipient (a duplicate).
    interrupted: Mapped[int] = mapped_column(default=0)
    superseded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbox_message.id"))
