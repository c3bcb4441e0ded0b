"""专项行动 as the pages read them: who sees which campaign, and where each branch stands on it.

Each function issues a fixed number of SQL statements whatever the number of branches; the
status itself is the pure rule of ``domain.campaigns``.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, selectinload

from meetings.domain.campaigns import (
    FINISHED,
    CampaignStatus,
    CampaignWindow,
    campaign_status,
    deciding_meeting,
)
from meetings.domain.compliance import MeetingFacts
from meetings.domain.scheduling import local_date
from meetings.domain.terms import OrgKind
from meetings.extensions import db
from meetings.models import Campaign, Meeting, Organization, Person
from meetings.policy import Action, scope_roots
from meetings.services.compliance import facts as compliance_facts

# An unfinished campaign stays on a branch's to-do list this long after its deadline.
TODO_GRACE = timedelta(days=60)


@dataclass(frozen=True)
class BranchStanding:
    """One branch on one campaign: its status and the meeting it rests on."""

    branch: Organization
    unit_id: int  # the child of the campaign's scope the branch lies in (the branch, for a branch scope)
    status: CampaignStatus
    meeting: MeetingFacts | None


@dataclass(frozen=True)
class UnitCount:
    """How the branches of one unit stand, status by status."""

    unit: Organization
    counts: Counter
    total: int


def window_of(campaign: Campaign) -> CampaignWindow:
    return CampaignWindow(campaign.window_start, campaign.deadline, campaign.report_days,
                          meeting_type_id=campaign.meeting_type_id)


def visible_to(person: Person) -> list[Campaign]:
    """Campaigns covering a unit the person oversees, or launched inside one; latest deadline first."""
    roots = scope_roots(person, Action.VIEW_COMPLIANCE)
    if not roots:
        return []
    overlaps = [sa.or_(Organization.in_subtree(r), Campaign.scope_id.in_(r.ancestor_ids())) for r in roots]
    return list(db.session.scalars(
        sa.select(Campaign).join(Organization, Campaign.scope_id == Organization.id)
        .where(sa.or_(*overlaps)).options(contains_eager(Campaign.scope), selectinload(Campaign.meeting_type))
        .order_by(Campaign.deadline.desc(), Campaign.id.desc())))


def branch_statuses(campaign: Campaign, now: datetime,
                    within: list[Organization] | None = None) -> list[BranchStanding]:
    """Every active branch of the scope (only those under ``within`` when given), in tree order."""
    conditions = [Organization.in_subtree(campaign.scope), Organization.kind == OrgKind.BRANCH,
                  Organization.is_active]
    if within is not None:
        conditions.append(sa.or_(sa.false(), *(Organization.in_subtree(r) for r in within)))
    branches = sorted(db.session.scalars(sa.select(Organization).where(*conditions)), key=tree_order)
    by_branch: dict[int, list[MeetingFacts]] = defaultdict(list)
    if branches:
        for facts in compliance_facts.load(Meeting.campaign_id == campaign.id):
            by_branch[facts.organization_id].append(facts)
    window, depth = window_of(campaign), campaign.scope.depth
    return [BranchStanding(branch=b, unit_id=_unit_id(b, depth),
                           status=campaign_status(window, by_branch[b.id], now),
                           meeting=deciding_meeting(window, by_branch[b.id], now)) for b in branches]


def _unit_id(branch: Organization, scope_depth: int) -> int:
    ancestors = branch.ancestor_ids()
    return ancestors[scope_depth + 1] if len(ancestors) > scope_depth + 1 else branch.id


def rollup(standings: list[BranchStanding]) -> list[UnitCount]:
    """Counts per status for each child unit of the scope that has branches here (one query)."""
    grouped: dict[int, Counter] = defaultdict(Counter)
    for standing in standings:
        grouped[standing.unit_id][standing.status] += 1
    if not grouped:
        return []
    units = db.session.scalars(sa.select(Organization).where(Organization.id.in_(grouped))
                               .order_by(Organization.sort_order, Organization.path)).all()
    return [UnitCount(u, grouped[u.id], sum(grouped[u.id].values())) for u in units]


def statuses_for_branch(branch: Organization, campaigns: list[Campaign],
                        now: datetime) -> dict[int, CampaignStatus]:
    """The branch's status on each of ``campaigns`` (two statements at most)."""
    if not campaigns:
        return {}
    by_campaign: dict[int, list[MeetingFacts]] = defaultdict(list)
    for facts in compliance_facts.load(Meeting.organization_id == branch.id,
                                       Meeting.campaign_id.in_([c.id for c in campaigns])):
        by_campaign[facts.campaign_id].append(facts)
    return {c.id: campaign_status(window_of(c), by_campaign[c.id], now) for c in campaigns}


def _covering(branch: Organization):
    return sa.select(Campaign).where(Campaign.scope_id.in_(branch.ancestor_ids()))


def open_for_branch(branch: Organization, now: datetime) -> list[tuple[Campaign, CampaignStatus]]:
    """The branch's to-do: campaigns covering it, not yet reported, at most 60 days past deadline."""
    since = local_date(now) - TODO_GRACE
    campaigns = list(db.session.scalars(_covering(branch).where(Campaign.deadline >= since)
                                        .order_by(Campaign.deadline, Campaign.id)))
    statuses = statuses_for_branch(branch, campaigns, now)
    return [(c, statuses[c.id]) for c in campaigns if statuses[c.id] not in FINISHED]


def open_for_meeting_form(branch: Organization, now: datetime) -> list[Campaign]:
    """Campaigns a meeting of the branch may count for: covering it, window not yet closed."""
    return list(db.session.scalars(_covering(branch).where(Campaign.deadline >= local_date(now))
                                   .order_by(Campaign.deadline, Campaign.id)))


def manageable_scopes(person: Person) -> list[Organization]:
    """Units a person may launch a campaign for: above the branches, unless a branch is all they run."""
    roots = scope_roots(person, Action.MANAGE_CAMPAIGNS)
    if not roots:
        return []
    root_ids = [r.id for r in roots]
    return sorted(db.session.scalars(sa.select(Organization).where(
        sa.or_(*(Organization.in_subtree(r) for r in roots)), Organization.is_active,
        Organization.kind != OrgKind.PARTY_GROUP,
        sa.or_(Organization.kind != OrgKind.BRANCH, Organization.id.in_(root_ids)))), key=tree_order)


def tree_order(org: Organization) -> list[int]:
    """Parents before children, siblings by id (a path compared as text puts /10/ before /2/)."""
    return org.ancestor_ids()
