"""督导: 催办 notices from overseers to branches and what the branch answered; 督导记录."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.domain.supervision import ReplyKind, SubjectKind
from meetings.domain.visits import Checked, VisitKind
from meetings.models.base import Base, enum_column
from meetings.models.meeting import Meeting
from meetings.models.organization import Organization
from meetings.models.person import Person
from meetings.models.record import ActionItem


class Notice(Base):
    """催办通知: one overseer's reminder to one branch, naming what it owes, with a due date.

    A send to many branches is one notice per branch sharing a ``batch``. Read and reply are
    the branch's; whether it is resolved is read off the record, never stored.
    """

    __tablename__ = "notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch: Mapped[str] = mapped_column(sa.String(32), index=True)
    branch_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    sender_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    due_on: Mapped[date]
    sent_at: Mapped[datetime] = mapped_column(index=True)
    read_at: Mapped[datetime | None]
    read_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    reply_kind: Mapped[ReplyKind | None] = enum_column(ReplyKind, nullable=True)
    reply_text: Mapped[str | None] = mapped_column(sa.Text)
    reply_meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting.id"))
    replied_at: Mapped[datetime | None]
    replied_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))

    branch: Mapped[Organization] = relationship(foreign_keys=[branch_id])
    sender: Mapped[Person | None] = relationship(foreign_keys=[sender_id])
    read_by: Mapped[Person | None] = relationship(foreign_keys=[read_by_id])
    replied_by: Mapped[Person | None] = relationship(foreign_keys=[replied_by_id])
    reply_meeting: Mapped[Meeting | None] = relationship(foreign_keys=[reply_meeting_id])
    items: Mapped[list[NoticeItem]] = relationship(back_populates="notice", order_by="NoticeItem.id",
                                                   cascade="all, delete-orphan")


class NoticeItem(Base):
    """One thing a notice names. (branch, subject, round) is unique: the same item is noticed
    twice only as a new round, on purpose — never by a double click or two officers at once."""

    __tablename__ = "notice_item"
    __table_args__ = (sa.UniqueConstraint("branch_id", "subject", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("notice.id"), index=True)
    branch_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"))
    kind: Mapped[SubjectKind] = enum_column(SubjectKind)
    subject: Mapped[str] = mapped_column(sa.String(40))
    label: Mapped[str] = mapped_column(sa.String(300))
    round: Mapped[int] = mapped_column(default=1)

    notice: Mapped[Notice] = relationship(back_populates="items")


class Visit(Base):
    """督导记录: a liaison's (or officer's) visit to a unit, or check of its record — the day,
    what was checked and what was seen. A record is kept as written; findings are added to it."""

    __tablename__ = "visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    kind: Mapped[VisitKind] = enum_column(VisitKind)
    visited_on: Mapped[date] = mapped_column(index=True)
    checked: Mapped[str] = mapped_column(sa.String(200))  # Checked values, comma-separated
    summary: Mapped[str] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"), index=True)
    recorded_at: Mapped[datetime]

    organization: Mapped[Organization] = relationship()
    recorded_by: Mapped[Person | None] = relationship()
    findings: Mapped[list[VisitFinding]] = relationship(back_populates="visit", order_by="VisitFinding.id")

    @property
    def checked_items(self) -> list[Checked]:
        return [Checked(value) for value in self.checked.split(",") if value in set(Checked)]


class VisitFinding(Base):
    """One problem a visit found, about one branch; it may become that branch's 整改事项."""

    __tablename__ = "visit_finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visit.id"), index=True)
    branch_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    created_at: Mapped[datetime]

    visit: Mapped[Visit] = relationship(back_populates="findings")
    branch: Mapped[Organization] = relationship()
    action_item: Mapped[ActionItem | None] = relationship(back_populates="finding", uselist=False)
