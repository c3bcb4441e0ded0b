"""Organization tree (工委 → 机关党委 → 党总支 → 党支部 → 党小组) with a materialized path."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.domain.terms import OrgKind
from meetings.models.base import Base, TimestampMixin, enum_column


class Organization(TimestampMixin, Base):
    """One unit of the tree; ``path`` is ``/1/7/42/`` so a subtree is one prefix query."""

    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    kind: Mapped[OrgKind] = enum_column(OrgKind)
    name: Mapped[str] = mapped_column(sa.String(120))
    # Byte-order collation on PostgreSQL so the subtree range below uses the index whatever
    # the database's locale (SQLite compares bytes already).
    path: Mapped[str] = mapped_column(
        sa.String(255).with_variant(sa.String(255, collation="C"), "postgresql"), index=True, default=""
    )
    depth: Mapped[int] = mapped_column(default=0)
    sort_order: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    deactivated_at: Mapped[datetime | None]  # when the 撤销 was recorded
    # The Beijing dates it existed from (成立) and until (撤销, exclusive); None: open. A unit is
    # judged for the periods it existed in throughout (domain.history).
    founded_on: Mapped[date | None]
    dissolved_on: Mapped[date | None]

    parent: Mapped[Organization | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Organization]] = relationship(
        back_populates="parent", order_by="(Organization.sort_order, Organization.id)"
    )

    @classmethod
    def in_subtree(cls, root: Organization):
        """SQL condition "lies under ``root``" as an index range: ``/1/7/`` ≤ path < ``/1/70``.

        '0' is the character after '/', so the range holds exactly the paths that start
        with ``root.path`` — unlike LIKE, which most collations cannot serve from an index.
        """
        return sa.and_(cls.path >= root.path, cls.path < root.path[:-1] + "0")

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this organization, itself included."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def is_within(self, other: Organization) -> bool:
        """True when this organization lies in ``other``'s subtree (itself included)."""
        return bool(other.path) and self.path.startswith(other.path)

    @property
    def is_branch(self) -> bool:
        return self.kind == OrgKind.BRANCH

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.kind} {self.name}>"
