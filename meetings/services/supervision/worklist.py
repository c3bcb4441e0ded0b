"""The overseer's work list: every branch in the overseer's scopes, with what it owes.

Per scope root, a fixed number of statements whatever its number of branches: the 通报's
aggregate (``compliance.dashboard`` by branch), the parents' names, one count of minutes
waiting past the wait, the campaigns touching the scope and their linked meetings. Ranking,
filtering and paging are ``domain.worklist``'s.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased, contains_eager

from meetings.domain.campaigns import CampaignStatus, campaign_status
from meetings.domain.compliance import MeetingFacts
from meetings.domain.periods import Period, beijing_midnight
from meetings.domain.scheduling import local_date
from meetings.domain.terms import MeetingStatus, MinutesState, OrgKind
from meetings.domain.worklist import Item, WorkRow, rank
from meetings.extensions import db
from meetings.models import Campaign, Meeting, Minutes, Organization
from meetings.services import campaigns_query, compliance, unit_versions
from meetings.services.compliance import facts as compliance_facts
from meetings.services.compliance.sql import Grouping


@dataclass
class WorkList:
    roots: list[Organization]
    span: Period
    now: datetime
    rows: list[WorkRow]  # ranked, worst first


def build(roots: list[Organization], span: Period, now: datetime) -> WorkList:
    """The branches under ``roots`` (the overseer's scope roots, none inside another), ranked.

    A liaison's several units are read in one pass from the unit above them all, so the
    statements stay the same however many units they are given."""
    rows: list[WorkRow] = []
    for tree in by_tree(roots):
        rows.extend(_rows_under(common_unit(tree), tree, span, now))
    return WorkList(roots, span, now, rank(rows))


def by_tree(orgs: list[Organization]) -> list[list[Organization]]:
    """``orgs`` grouped by the root of their tree (there is one tree, but for a test's)."""
    trees: dict[int, list[Organization]] = defaultdict(list)
    for org in orgs:
        trees[org.ancestor_ids()[0]].append(org)
    return list(trees.values())


def common_unit(orgs: list[Organization]) -> Organization:
    """The lowest unit above (or equal to) every one of ``orgs`` (all of one tree)."""
    common = orgs[0].ancestor_ids()
    for org in orgs[1:]:
        path = org.ancestor_ids()
        length = 0
        while length < min(len(common), len(path)) and common[length] == path[length]:
            length += 1
        common = common[:length]
    return db.session.get(Organization, common[-1])


def _rows_under(root: Organization, within: list[Organization], span: Period,
                now: datetime) -> list[WorkRow]:
    board = compliance.dashboard(root, span, now, grouping=Grouping.BRANCH)
    kept = [row for row in board.rows if any(row.org.is_within(unit) for unit in within)]
    named = unit_versions.places({row.parent_id for row in kept if row.parent_id}, None)
    waiting = _minutes_waiting(root, span, now)
    overdue = _overdue_campaigns(root, span, now, [row.org for row in kept])
    rows = []
    for row in kept:
        parent = named.get(row.parent_id)
        cells = [(c.type_name, row.cells.get(c.requirement_id)) for c in board.columns]
        rows.append(WorkRow(
            branch_id=row.org.id, name=row.name, parent_name=parent.name if parent else "",
            done=row.total.done, missed=row.total.missed, at_risk=row.total.at_risk, rate=row.total.rate,
            missed_items=[Item(name, c.missed) for name, c in cells if c and c.missed],
            at_risk_items=[Item(name, c.at_risk) for name, c in cells if c and c.at_risk],
            overdue_campaigns=overdue.get(row.org.id, []), minutes_waiting=waiting.get(row.org.id, 0)))
    return rows


def waiting_since(now: datetime, wait_days: int) -> datetime:
    """Meetings that ended before this moment have had their days for 定稿 (the engine's grace)."""
    return beijing_midnight(local_date(now) - timedelta(days=wait_days))


def minutes_waiting(now: datetime) -> list:
    """Conditions on a Meeting outer-joined to its Minutes: held, ended past the wait, minutes not
    final by ``now`` — what the work list counts and a 催办 names."""
    final = sa.and_(Minutes.state == MinutesState.FINAL, Minutes.finalized_at <= now)
    ended_by = waiting_since(now, compliance.wait_days())
    return [Meeting.status == MeetingStatus.HELD, Meeting.ends_at < ended_by,
            sa.or_(Minutes.id.is_(None), sa.not_(final))]


def _minutes_waiting(root: Organization, span: Period, now: datetime) -> dict[int, int]:
    """Per branch: meetings of the span whose minutes are waiting past the wait (one statement)."""
    start, end = span.utc_bounds()
    branches = sa.select(Organization.id).where(Organization.in_subtree(root),
                                                Organization.kind == OrgKind.BRANCH)
    query = (sa.select(Meeting.organization_id, sa.func.count())
             .outerjoin(Minutes, Minutes.meeting_id == Meeting.id)
             .where(Meeting.organization_id.in_(branches), Meeting.starts_at >= start,
                    Meeting.starts_at < end, *minutes_waiting(now))
             .group_by(Meeting.organization_id))
    return dict(db.session.execute(query).all())


def _overdue_campaigns(root: Organization, span: Period, now: datetime,
                       branches: list[Organization]) -> dict[int, list[Item]]:
    """Per branch: the campaigns of the span it is 逾期 on (two statements for all of them)."""
    campaigns = _campaigns_touching(root, span)
    if not campaigns or not branches:
        return {}
    by_pair: dict[tuple[int, int], list[MeetingFacts]] = defaultdict(list)
    in_scope = sa.select(Organization.id).where(Organization.in_subtree(root))
    for facts in compliance_facts.load(Meeting.campaign_id.in_([c.id for c in campaigns]),
                                       Meeting.organization_id.in_(in_scope)):
        by_pair[(facts.campaign_id, facts.organization_id)].append(facts)
    found: dict[int, list[Item]] = defaultdict(list)
    for campaign in campaigns:
        window = campaigns_query.window_of(campaign)
        for branch in branches:
            if branch.is_active and branch.is_within(campaign.scope) and campaign_status(
                    window, by_pair[(campaign.id, branch.id)], now) == CampaignStatus.OVERDUE:
                found[branch.id].append(Item(campaign.title))
    return found


def _campaigns_touching(root: Organization, span: Period) -> list[Campaign]:
    """Campaigns over ``root`` or inside it whose window overlaps the span."""
    scope = aliased(Organization)
    return list(db.session.scalars(
        sa.select(Campaign).join(scope, Campaign.scope_id == scope.id)
        .where(sa.or_(Campaign.scope_id.in_(root.ancestor_ids()),
                      sa.and_(scope.path >= root.path, scope.path < root.path[:-1] + "0")),
               Campaign.window_start <= span.last_day, Campaign.deadline >= span.first_day)
        .options(contains_eager(Campaign.scope.of_type(scope)))
        .order_by(Campaign.deadline, Campaign.id)))
