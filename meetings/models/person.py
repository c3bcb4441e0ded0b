"""People, their role assignments, branch committee seats and transfers between branches."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.domain.terms import CommitteeTitle, PersonCategory, PersonStatus, Role, TransferStatus
from meetings.models.base import Base, TimestampMixin, enum_column, utcnow
from meetings.models.organization import Organization


class Person(UserMixin, TimestampMixin, Base):
    """A member of a branch (or staff); a user when they have a login and password."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    login: Mapped[str | None] = mapped_column(sa.String(60), unique=True)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    category: Mapped[PersonCategory] = enum_column(PersonCategory, default=PersonCategory.FULL)
    status: Mapped[PersonStatus] = enum_column(PersonStatus, default=PersonStatus.ACTIVE)
    branch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    party_group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    joined_party_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(sa.String(200))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    can_sign_in: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(12))
    last_login_at: Mapped[datetime | None]
    feed_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    feed_token_created_at: Mapped[datetime | None]
    # 退信: the mail server said this address cannot be delivered to (cleared when it changes).
    email_bounced_at: Mapped[datetime | None]
    email_bounce_reason: Mapped[str | None] = mapped_column(sa.String(300))

    branch: Mapped[Organization | None] = relationship(foreign_keys=[branch_id])
    party_group: Mapped[Organization | None] = relationship(foreign_keys=[party_group_id])
    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="person", foreign_keys="RoleAssignment.person_id"
    )

    @property
    def may_sign_in(self) -> bool:
        """Disabled accounts and people transferred out of the system cannot sign in."""
        return self.can_sign_in and self.status != PersonStatus.TRANSFERRED_OUT

    @property
    def is_active(self) -> bool:  # Flask-Login's name for it
        return self.may_sign_in

    def get_id(self) -> str:
        """Flask-Login's id, ``<person id>:<sign-in token>``: the session the cookies name.

        The token is set on the object at sign-in (or when a session is resolved); a person
        object without one has no session to name."""
        token = getattr(self, "sign_in_token", None)
        if token is None:
            raise AttributeError("this person has not signed in in this request")
        return f"{self.id}:{token}"

    @property
    def is_full_member(self) -> bool:
        """正式党员: may vote and counts for the voting quorum."""
        return self.category == PersonCategory.FULL

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.name}>"


class RoleAssignment(Base):
    """(person, organization, role), applying to the organization's whole subtree."""

    __tablename__ = "role_assignment"
    __table_args__ = (sa.UniqueConstraint("person_id", "organization_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    role: Mapped[Role] = enum_column(Role)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))

    person: Mapped[Person] = relationship(back_populates="roles", foreign_keys=[person_id])
    organization: Mapped[Organization] = relationship()


class CommitteeSeat(Base):
    """A seat on a branch committee (支委): 书记, 副书记, 组织委员 … held by one person."""

    __tablename__ = "committee_seat"
    __table_args__ = (sa.UniqueConstraint("branch_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"), index=True)
    title: Mapped[CommitteeTitle] = enum_column(CommitteeTitle)
    since: Mapped[date | None]

    person: Mapped[Person] = relationship()
    branch: Mapped[Organization] = relationship()


class Transfer(Base):
    """组织关系转接: a move between branches that the receiving side accepts or declines."""

    __tablename__ = "transfer"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"), index=True)
    from_branch_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    to_branch_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    status: Mapped[TransferStatus] = enum_column(TransferStatus, default=TransferStatus.PENDING)
    note: Mapped[str | None] = mapped_column(sa.String(200))
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    decided_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    from_branch: Mapped[Organization] = relationship(foreign_keys=[from_branch_id])
    to_branch: Mapped[Organization] = relationship(foreign_keys=[to_branch_id])
