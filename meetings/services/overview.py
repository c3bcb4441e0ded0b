"""Read-only summaries for home pages: counts by unit, pending transfers."""
from dataclasses import dataclass, field

import sqlalchemy as sa

from meetings.domain import tree
from meetings.domain.terms import OrgKind, PersonCategory, PersonStatus, TransferStatus
from meetings.extensions import db
from meetings.models import CommitteeSeat, Organization, Person, Transfer


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
    return _count_people(summary)


def people(branch: Organization) -> ScopeSummary:
    """Only the member counts, for a branch's desk (one query: the page has few to spare)."""
    return _count_people(ScopeSummary(root=branch, branches=1))


def _count_people(summary: ScopeSummary) -> ScopeSummary:
    in_scope = Organization.in_subtree(summary.root)
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



@dataclass
class UnitRow:
    """One direct sub-unit of a scope with the counts an officer scans first."""

    unit: Organization
    branches: int = 0
    without_committee: int = 0
    members: int = 0
    probationary: int = 0
    not_expected: int = 0  # 流动 and 年老体弱: invited, but outside 应到


def breakdown(root: Organization) -> list[UnitRow]:
    """Counts per direct sub-unit of ``root`` in four queries, whatever the tree's size."""
    in_scope = sa.and_(Organization.in_subtree(root), Organization.is_active.is_(True))
    branches = db.session.execute(sa.select(Organization.id, Organization.path).where(
        in_scope, Organization.kind == OrgKind.BRANCH)).all()
    seated = set(db.session.scalars(sa.select(CommitteeSeat.branch_id).distinct()
                                    .join(Organization, CommitteeSeat.branch_id == Organization.id)
                                    .where(in_scope)))
    people = db.session.execute(
        sa.select(Organization.path, Person.category, Person.status, sa.func.count())
        .join(Organization, Person.branch_id == Organization.id)
        .where(in_scope, Person.status != PersonStatus.TRANSFERRED_OUT)
        .group_by(Organization.path, Person.category, Person.status)).all()
    per_path: dict[str, dict[str, int]] = {}
    for branch_id, path in branches:
        per_path[path] = {"branches": 1, "without_committee": int(branch_id not in seated)}
    for path, category, status, count in people:
        counters = per_path.setdefault(path, {})
        for key, add in (("members", count),
                         ("probationary", count if category == PersonCategory.PROBATIONARY else 0),
                         ("not_expected", count if status in NOT_EXPECTED else 0)):
            counters[key] = counters.get(key, 0) + add
    totals = tree.roll_up(root.path, per_path)
    children = [c for c in root.children if c.is_active]
    return [UnitRow(unit=c, **totals.get(c.path, {})) for c in children]


NOT_EXPECTED = (PersonStatus.AWAY, PersonStatus.EXEMPT)
