"""Meeting types, meetings (one row per occurrence), series and invitations/attendance."""
from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.domain.scheduling import BEIJING
from meetings.domain.terms import (
    Attendance,
    CheckInMethod,
    InvitationRole,
    InviteeScope,
    MeetingStatus,
    QuorumRule,
    Rsvp,
)
from meetings.models.base import Base, TimestampMixin, enum_column
from meetings.models.organization import Organization
from meetings.models.person import Person

CHECK_IN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read off a screen


def new_check_in_code() -> str:
    """Six characters, about 30 bits: guessing one within a meeting's window is hopeless."""
    return "".join(secrets.choice(CHECK_IN_ALPHABET) for _ in range(6))


meeting_meeting_type = sa.Table(
    "meeting_meeting_type",
    Base.metadata,
    sa.Column("meeting_id", sa.ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("meeting_type_id", sa.ForeignKey("meeting_type.id"), primary_key=True, index=True),
)


class MeetingType(TimestampMixin, Base):
    """支部党员大会, 支部委员会, 党课 … as data, so admins can tune them without a release."""

    __tablename__ = "meeting_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    name_en: Mapped[str] = mapped_column(sa.String(80), default="")
    default_invitees: Mapped[InviteeScope] = enum_column(InviteeScope, default=InviteeScope.BRANCH)
    quorum_rule: Mapped[QuorumRule] = enum_column(QuorumRule, default=QuorumRule.NONE)
    default_duration_minutes: Mapped[int] = mapped_column(default=90)
    minutes_template: Mapped[str] = mapped_column(sa.Text, default="")
    sort_order: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)


class MeetingSeries(TimestampMixin, Base):
    """A recurring plan; each occurrence is its own Meeting row that can move on its own.

    With ``recurring_invite`` the series goes out as one recurring event (UID ``series-<id>@…``,
    its own SEQUENCE); series planned before that shape existed keep one invite per meeting.
    """

    __tablename__ = "meeting_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    rule: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    recurring_invite: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    ical_sequence: Mapped[int] = mapped_column(default=0, server_default="0")


class Meeting(TimestampMixin, Base):
    """One session of organizational life; times in UTC, shown in Asia/Shanghai."""

    __tablename__ = "meeting"
    __table_args__ = (sa.Index("ix_meeting_org_start", "organization_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"))
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaign.id"), index=True)
    series_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting_series.id"), index=True)
    # The start the series' rule gave this occurrence (UTC): its RECURRENCE-ID, even once moved.
    series_slot: Mapped[datetime | None]
    # The party group a 党小组会 belongs to, taken from its invitees: 党小组会 are required
    # per group, so the engine must know whose meeting it was.
    party_group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    agenda: Mapped[str] = mapped_column(sa.Text, default="")
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    online_url: Mapped[str | None] = mapped_column(sa.String(500))
    host_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    recorder_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    status: Mapped[MeetingStatus] = enum_column(MeetingStatus, default=MeetingStatus.SCHEDULED)
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(500))
    attributed_year: Mapped[int]
    is_late_record: Mapped[bool] = mapped_column(default=False)  # 补录
    ical_sequence: Mapped[int] = mapped_column(default=0)
    reminder_minutes: Mapped[int | None] = mapped_column(default=24 * 60)
    reminder_sent_at: Mapped[datetime | None]
    remind_at: Mapped[datetime | None] = mapped_column(index=True)  # starts_at - reminder_minutes
    # The short code behind the check-in QR (扫码签到); random, so it cannot be guessed from the id.
    check_in_code: Mapped[str | None] = mapped_column(sa.String(12), default=new_check_in_code)
    # Set when the sheet is first saved (登记出勤); the compliance engine reads the frozen
    # summary below rather than three million invitation rows.
    attendance_recorded_at: Mapped[datetime | None]
    attendance_recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    committee_seats: Mapped[int | None]  # 支委 seats of the branch when attendance was recorded
    expected_count: Mapped[int | None]  # 应到
    present_count: Mapped[int | None]  # 实到
    quorum_met: Mapped[bool | None]  # None: none of its types asks for a quorum
    # 党员大会: the branch's full members with voting rights on the meeting's day (the quorum's base)
    quorum_base: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    version: Mapped[int] = mapped_column(default=1)

    organization: Mapped[Organization] = relationship(foreign_keys=[organization_id])
    types: Mapped[list[MeetingType]] = relationship(secondary=meeting_meeting_type)
    host: Mapped[Person | None] = relationship(foreign_keys=[host_id])
    recorder: Mapped[Person | None] = relationship(foreign_keys=[recorder_id])
    series: Mapped[MeetingSeries | None] = relationship()
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Invitation.id"
    )

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def counts_for_previous_year(self) -> bool:
        """Held in January–March but attributed to the year before (组织生活会, 民主评议)."""
        return self.attributed_year < self.starts_at.astimezone(BEIJING).year

    __mapper_args__ = {"version_id_col": version}


class Invitation(Base):
    """One invitee of one meeting: their RSVP, leave request and attendance (签到)."""

    __tablename__ = "invitation"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"), index=True)
    guest_name: Mapped[str | None] = mapped_column(sa.String(60))  # outside 列席 guest
    guest_email: Mapped[str | None] = mapped_column(sa.String(254))
    role: Mapped[InvitationRole] = enum_column(InvitationRole, default=InvitationRole.ATTENDEE)
    optional: Mapped[bool] = mapped_column(default=False)  # exempt/away: not in 应到
    full_member: Mapped[bool] = mapped_column(default=True)  # category frozen at invitation
    rsvp: Mapped[Rsvp] = enum_column(Rsvp, default=Rsvp.PENDING)
    rsvp_at: Mapped[datetime | None]
    leave_reason: Mapped[str | None] = mapped_column(sa.String(500))
    leave_decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    leave_decided_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]  # last "please answer" nudge from the secretary
    attendance: Mapped[Attendance | None] = enum_column(Attendance, nullable=True)
    absence_reason: Mapped[str | None] = mapped_column(sa.String(500))
    checked_in_at: Mapped[datetime | None]
    check_in_method: Mapped[CheckInMethod | None] = enum_column(CheckInMethod, nullable=True)
    committee_member: Mapped[bool] = mapped_column(default=False)  # held a 支委 seat (frozen)
    # SEQUENCE of the last REQUEST mailed to this invitee: a calendar's REPLY for an older one
    # answers a version of the meeting they no longer have (RFC 5546 §2.1.5).
    sequence_sent: Mapped[int | None]
    updated_at: Mapped[datetime | None]

    meeting: Mapped[Meeting] = relationship(back_populates="invitations")
    person: Mapped[Person | None] = relationship(foreign_keys=[person_id])

    @property
    def display_name(self) -> str:
        return self.person.name if self.person else (self.guest_name or "")

    @property
    def email(self) -> str | None:
        return self.person.email if self.person else self.guest_email
