"""Read-only summaries for home pages: counts by unit, pending transfers."""
from dataclasses import dataclass, field

import sqlalchemy as sa

from meetings.domain.terms import OrgKind, PersonCategory, PersonStatus, TransferStatus
from meetings.extensions import db
from meetings.models import Organization, Person, Transfer


@dataclass
class ScopeSummary:
    """How big a subtree is: units, branches and members by category and standing."""

    root: Organization
    units: int = 0
    branches: int = 0
    members: int = 0
    by_category: dict = field(default_factory=dict)
    by_status: dict = field(default_factory=dict)


def summarize(root: Organization) -> ScopeSummary:
    """Counts for ``root``'s subtree in two aggregate queries."""
    in_scope = Organization.in_subtree(root)
    kinds = db.session.execute(
        sa.select(Organization.kind, sa.func.count()).where(in_scope, Organization.is_active.is_(True))
        .group_by(Organization.kind)).all()
    summary = ScopeSummary(root=root)
    summary.units = sum(n for _, n in kinds)
    summary.branches = sum(n for k, n in kinds if k == OrgKind.BRANCH)
    rows = db.session.execute(
        sa.select(Person.category, Person.status, sa.func.count())
        .join(Organization, Person.branch_id == Organization.id)
        .where(in_scope, Person.status != PersonStatus.TRANSFERRED_OUT)
        .group_by(Person.category, Person.status)).all()
    for category, status, count in rows:
        summary.members += count
        summary.by_category[category] = summary.by_category.get(category, 0) + count
        summary.by_status[status] = summary.by_status.get(status, 0) + count
    return summary


def pending_transfers(branch: Organization) -> tuple[list[Transfer], list[Transfer]]:
    """(incoming, outgoing) transfers of a branch awaiting a decision."""
    pending = list(db.session.scalars(
        sa.select(Transfer).where(Transfer.status == TransferStatus.PENDING,
                                  sa.or_(Transfer.to_branch_id == branch.id,
                                         Transfer.from_branch_id == branch.id))
        .order_by(Transfer.requested_at)))
    incoming = [t for t in pending if t.to_branch_id == branch.id]
    outgoing = [t for t in pending if t.from_branch_id == branch.id]
    return incoming, outgoing


FULL_CATEGORIES = (PersonCategory.FULL, PersonCategory.PROBATIONARY)
