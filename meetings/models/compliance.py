"""Compliance rules as data: requirements from the regulations and campaigns (专项行动)."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.domain.terms import AppliesTo, PeriodKind
from meetings.models.base import Base, TimestampMixin, enum_column, utcnow
from meetings.models.meeting import MeetingType
from meetings.models.organization import Organization


class Requirement(TimestampMixin, Base):
    """"At least N meetings of type T per period for these organizations", with effective dates.

    A changed rule is a new row with a later ``effective_from``, so past periods keep
    being judged by the rule that was in force then.
    """

    __tablename__ = "requirement"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_type_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting_type.id"), index=True)
    applies_to: Mapped[AppliesTo] = enum_column(AppliesTo, default=AppliesTo.BRANCH)
    period: Mapped[PeriodKind] = enum_column(PeriodKind)
    min_count: Mapped[int] = mapped_column(default=1)
    needs_attendance: Mapped[bool] = mapped_column(default=True)
    needs_quorum: Mapped[bool] = mapped_column(default=False)
    needs_final_minutes: Mapped[bool] = mapped_column(default=True)
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]
    source: Mapped[str] = mapped_column(sa.String(200), default="")  # the regulation cited
    is_local_rule: Mapped[bool] = mapped_column(default=False)  # [L] in DESIGN §5
    # The first version of this requirement; later versions point at it so the dashboard
    # shows one column however often the rule changed.
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("requirement.id"))

    meeting_type: Mapped[MeetingType] = relationship()

    def is_in_force(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


class Campaign(TimestampMixin, Base):
    """专项行动: a one-off requirement with a window and a report deadline."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    instructions: Mapped[str] = mapped_column(sa.Text, default="")
    meeting_type_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting_type.id"))
    scope_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    window_start: Mapped[date]
    deadline: Mapped[date]
    report_days: Mapped[int] = mapped_column(default=15)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))

    meeting_type: Mapped[MeetingType] = relationship()
    scope: Mapped[Organization] = relationship()


class ComplianceAlert(Base):
    """An alert already sent (临期提醒, 专项行动逾期): one mail per unit and subject, never two."""

    __tablename__ = "compliance_alert"
    __table_args__ = (sa.UniqueConstraint("organization_id", "kind", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"))
    kind: Mapped[str] = mapped_column(sa.String(24))  # "at_risk" | "campaign_overdue"
    subject: Mapped[str] = mapped_column(sa.String(60))  # "r3:2026-11" or "c7"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
