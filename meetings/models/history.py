"""The tree's history (历史沿革): what each person belonged to, and who sat on which committee,
span by span. Written by ``services/history`` whenever the current rows change."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.domain.terms import PersonCategory, PersonStatus
from meetings.models.base import Base, enum_column


class _Recorded:
    """``[valid_from, valid_to)`` in Beijing dates (None: open), and when each end was written."""

    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    recorded_at: Mapped[datetime | None]  # None: back-filled from rows that predate the history
    closed_at: Mapped[datetime | None]


class MembershipSpan(_Recorded, Base):
    """One stretch of a person's membership: branch, party group, category and status."""

    __tablename__ = "membership_span"
    __table_args__ = (sa.Index("ix_membership_span_branch", "branch_id", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"), index=True)
    branch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organization.id"))
    party_group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organization.id"))
    category: Mapped[PersonCategory] = enum_column(PersonCategory)
    status: Mapped[PersonStatus] = enum_column(PersonStatus)

    person = relationship("Person")


class CommitteeSpan(_Recorded, Base):
    """One stretch of a seat on a branch committee (支委), whatever its title."""

    __tablename__ = "committee_span"
    __table_args__ = (sa.Index("ix_committee_span_branch", "branch_id", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"), index=True)

    person = relationship("Person")
    branch = relationship("Organization")


class UnitVersion(Base):
    """A unit's name and place in the tree (parent, path) from ``recorded_at`` until
    ``closed_at``: what a 通报 made then called it and where it rolled it up. Transaction
    time only: a rename or a move takes effect when recorded, and the live views use the
    current row; as-of views read the version current at their moment."""

    __tablename__ = "unit_version"
    __table_args__ = (sa.Index("ix_unit_version_org", "organization_id", "closed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"))
    name: Mapped[str] = mapped_column(sa.String(120))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organization.id"))
    path: Mapped[str] = mapped_column(
        sa.String(255).with_variant(sa.String(255, collation="C"), "postgresql"))
    recorded_at: Mapped[datetime | None]  # None: back-filled, or seeded "since before records"
    closed_at: Mapped[datetime | None]
