"""What the compliance engine knew of a meeting, version by version (for "as of" views)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from meetings.domain.terms import MeetingStatus
from meetings.models.base import Base, enum_column


class MeetingFactVersion(Base):
    """One version of one meeting's compliance facts, one row per meeting type it counts for.

    A new version is written in the transaction that changes any of them (scheduled, moved,
    cancelled, attendance saved, 定稿 …), so an as-of date reads the newest version recorded
    by then and a past 通报 comes out as it was.
    """

    __tablename__ = "meeting_fact_version"
    __table_args__ = (sa.Index("ix_meeting_fact_version_meeting", "meeting_id", "version"),
                      sa.Index("ix_meeting_fact_version_recorded", "recorded_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"))
    version: Mapped[int]
    recorded_at: Mapped[datetime]
    type_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting_type.id"))
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"))
    party_group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organization.id"))
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaign.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    status: Mapped[MeetingStatus] = enum_column(MeetingStatus)
    attributed_year: Mapped[int]
    attendance_recorded: Mapped[bool] = mapped_column(default=False)
    quorum_met: Mapped[bool | None]
    minutes_final: Mapped[bool] = mapped_column(default=False)
    minutes_late: Mapped[bool] = mapped_column(default=False)
    minutes_final_at: Mapped[datetime | None]
