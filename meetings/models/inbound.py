"""Mail received at the reply address (收到的回复邮件): one row per message, whatever became of it."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.models.base import Base, utcnow
from meetings.models.meeting import Invitation, Meeting


class InboundMail(Base):
    """What a received message was and what OrgLife did with it: the log of calendar answers,
    bounces and ignored mail, and the guard against acting twice on one message (an MTA that
    retries delivers the same Message-ID again)."""

    __tablename__ = "inbound_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sender: Mapped[str] = mapped_column(sa.String(254), default="")
    subject: Mapped[str] = mapped_column(sa.String(200), default="")
    kind: Mapped[str] = mapped_column(sa.String(20))  # reply | counter | bounce | auto_reply | other …
    outcome: Mapped[str] = mapped_column(sa.String(20))  # applied | ignored | shown
    reason: Mapped[str] = mapped_column(sa.String(40), default="")  # why, when ignored
    detail: Mapped[str] = mapped_column(sa.String(500), default="")
    meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="SET NULL"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invitation.id", ondelete="SET NULL"))
    proposed_start: Mapped[datetime | None]  # COUNTER: the time the invitee asks for
    proposed_end: Mapped[datetime | None]

    meeting: Mapped[Meeting | None] = relationship()
    invitation: Mapped[Invitation | None] = relationship()
