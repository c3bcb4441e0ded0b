"""The record of a meeting: minutes and their revisions, action items, attachments."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.domain.terms import ActionStatus, AttachmentKind, MinutesState
from meetings.models.base import Base, TimestampMixin, enum_column, utcnow
from meetings.models.meeting import Meeting
from meetings.models.organization import Organization
from meetings.models.person import Person

if TYPE_CHECKING:
    from meetings.models.supervision import VisitFinding


class Minutes(TimestampMixin, Base):
    """会议记录 of one meeting; its text lives in revisions, never overwritten."""

    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), unique=True)
    state: Mapped[MinutesState] = enum_column(MinutesState, default=MinutesState.DRAFT)
    current_revision_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("minutes_revision.id", use_alter=True)
    )
    finalized_at: Mapped[datetime | None]
    finalized_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    is_late: Mapped[bool] = mapped_column(default=False)  # 补录: finalized after N days

    meeting: Mapped[Meeting] = relationship()
    current_revision: Mapped[MinutesRevision | None] = relationship(
        foreign_keys=[current_revision_id], post_update=True)
    revisions: Mapped[list[MinutesRevision]] = relationship(
        back_populates="minutes",
        foreign_keys="MinutesRevision.minutes_id",
        order_by="MinutesRevision.number",
    )


class MinutesRevision(Base):
    """Every save of the minutes; final ones are hash-chained (sha256 over prev + content)."""

    __tablename__ = "minutes_revision"
    __table_args__ = (sa.UniqueConstraint("minutes_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(sa.ForeignKey("minutes.id"), index=True)
    number: Mapped[int]
    body: Mapped[str] = mapped_column(sa.Text)
    is_final: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(sa.String(500))  # amendment of final minutes
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    header: Mapped[dict | None] = mapped_column(sa.JSON)  # 会议记录 header frozen with the text
    prev_hash: Mapped[str | None] = mapped_column(sa.String(64))
    hash: Mapped[str | None] = mapped_column(sa.String(64))

    minutes: Mapped[Minutes] = relationship(back_populates="revisions", foreign_keys=[minutes_id])
    author: Mapped[Person | None] = relationship()


class ActionItem(TimestampMixin, Base):
    """整改事项 raised at a meeting, or from a 督导记录's finding (exactly one of the two)."""

    __tablename__ = "action_item"
    __table_args__ = (sa.CheckConstraint("(meeting_id IS NULL) <> (finding_id IS NULL)", name="one_source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting.id"), index=True)
    finding_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visit_finding.id"), unique=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"), index=True)
    due_on: Mapped[date | None]
    status: Mapped[ActionStatus] = enum_column(ActionStatus, default=ActionStatus.OPEN)
    evidence: Mapped[str | None] = mapped_column(sa.Text)
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))

    meeting: Mapped[Meeting | None] = relationship()
    finding: Mapped[VisitFinding | None] = relationship("VisitFinding", foreign_keys=[finding_id],
                                                        back_populates="action_item")
    organization: Mapped[Organization] = relationship(foreign_keys=[organization_id])
    owner: Mapped[Person | None] = relationship(foreign_keys=[owner_id])


class Attachment(Base):
    """Evidence for a meeting (签到表, photo, resolution), stored by content hash."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), index=True)
    kind: Mapped[AttachmentKind] = enum_column(AttachmentKind, default=AttachmentKind.OTHER)
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(sa.String(200))

    meeting: Mapped[Meeting] = relationship()
    uploaded_by: Mapped[Person | None] = relationship()
