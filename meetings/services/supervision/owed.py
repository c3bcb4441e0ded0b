"""What a branch owes, item by item, as a 催办 notice names it — and whether it is done since.

Both directions read the record the dashboard reads, with a fixed number of statements
however many branches or items: requirement periods through the dashboard's SQL aggregate
(rooted at the branches' lowest common unit), campaigns through their linked meetings,
minutes through one query.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from meetings.domain import compliance as engine
from meetings.domain.campaigns import FINISHED, CampaignStatus, campaign_status
from meetings.domain.compliance import PeriodStatus
from meetings.domain.periods import Period, parse
from meetings.domain.scheduling import local_date
from meetings.domain.supervision import Subject, SubjectKind, period_subject
from meetings.domain.terms import MeetingStatus, MinutesState
from meetings.extensions import db
from meetings.models import Campaign, Meeting, Minutes, Organization
from meetings.services import campaigns_query, compliance, requirements
from meetings.services.compliance import facts as compliance_facts
from meetings.services.compliance import sql as compliance_sql
from meetings.services.compliance.sql import Grouping
from meetings.services.supervision.worklist import by_tree, common_unit, minutes_waiting

OWED = (PeriodStatus.MISSED, PeriodStatus.AT_RISK)


@dataclass(frozen=True)
class Owed:
    subject: Subject
    label: str  # what the notice says, in Chinese: "主题党日（2026-11）未完成"


def owed_by(branches: list[Organization], span: Period, now: datetime) -> dict[int, list[Owed]]:
    """Everything each branch owes in ``span``: missed and at-risk periods, campaigns 逾期,
    minutes past the wait (the work list's row, item by item)."""
    found: dict[int, list[Owed]] = defaultdict(list)
    if not branches:
        return found
    ids = {b.id for b in branches}
    names = _type_names()
    statuses = _period_statuses(branches, _slots(span, now), now)
    for branch_id, requirement_id, period_key, status, *units in statuses:
        if branch_id in ids and status in OWED:
            found[branch_id].append(_period_owed(requirement_id, period_key, status, names, *units))
    for branch_id, campaign in _overdue(branches, _campaigns_of_span(branches, span), now):
        found[branch_id].append(_campaign_owed(campaign))
    for meeting in _waiting_minutes(ids, span, now):
        found[meeting.organization_id].append(_minutes_owed(meeting))
    for items in found.values():
        items.sort(key=in_notice_order)
    return found


def in_notice_order(item: Owed) -> tuple:
    """Requirement periods first, by requirement and period; then campaigns; then minutes."""
    return item.subject.kind != SubjectKind.PERIOD, item.subject.kind, item.subject.key


def owed_now(branch: Organization, subjects: list[Subject], now: datetime) -> dict[str, Owed]:
    """Of ``subjects``, those the branch still owes today (key → item); the rest are done,
    not its own, or unknown."""
    names = _type_names()
    owed: dict[str, Owed] = {}
    periods = [s for s in subjects if s.kind == SubjectKind.PERIOD]
    slots = _slots_of(periods, now)
    for branch_id, requirement_id, period_key, status, *units in _period_statuses([branch], slots, now):
        if branch_id == branch.id and status in OWED:
            item = _period_owed(requirement_id, period_key, status, names, *units)
            owed[item.subject.key] = item
    campaign_ids = [s.object_id for s in subjects if s.kind == SubjectKind.CAMPAIGN]
    if campaign_ids:
        campaigns = list(db.session.scalars(sa.select(Campaign).where(Campaign.id.in_(campaign_ids))))
        for _, campaign in _overdue([branch], campaigns, now):
            owed[f"c{campaign.id}"] = _campaign_owed(campaign)
    meeting_ids = [s.object_id for s in subjects if s.kind == SubjectKind.MINUTES]
    for meeting in _waiting_minutes({branch.id}, None, now, meeting_ids):
        owed[f"m{meeting.id}"] = _minutes_owed(meeting)
    return dict(sorted(owed.items(), key=lambda pair: in_notice_order(pair[1])))


def resolved(items: Iterable[tuple[int, Subject]], now: datetime) -> set[tuple[int, str]]:
    """Of (branch id, subject) pairs, those done by now: the period met (or no longer binding),
    the campaign reported, the minutes final (or the meeting cancelled)."""
    items = list(items)
    done: set[tuple[int, str]] = set()
    by_kind: dict[SubjectKind, list[tuple[int, Subject]]] = defaultdict(list)
    for branch_id, subject in items:
        by_kind[subject.kind].append((branch_id, subject))
    done |= _periods_done(by_kind[SubjectKind.PERIOD], now)
    done |= _campaigns_done(by_kind[SubjectKind.CAMPAIGN], now)
    done |= _minutes_done(by_kind[SubjectKind.MINUTES], now)
    return done


# --- requirement periods ---------------------------------------------------------------

def _type_names() -> dict[int, str]:
    return {c.requirement_id: c.type_name for c in compliance.columns_of(requirements.all_versions())}


def _period_owed(requirement_id: int, period_key: str, status: str, names: dict[int, str],
                 owing: int = 1, bound: int = 1) -> Owed:
    """The label says how many of the branch's party groups owe it, when the rule binds several
    (which ones the branch's own 考核 page shows): the notice stands until all have met."""
    word = "未完成" if status == PeriodStatus.MISSED else "临期未安排"
    label = f"{names.get(requirement_id, '')}（{period_key}）{word}"
    if bound > 1:
        label += f"（{bound} 个党小组中 {owing} 个）"
    return Owed(period_subject(requirement_id, period_key), label)


def _slots(span: Period, now: datetime) -> list[compliance_sql.Slot]:
    return compliance_sql.slots_for([requirements.rule_of(r) for r in requirements.all_versions()], span, now)


def _slots_of(subjects: list[Subject], now: datetime) -> list[compliance_sql.Slot]:
    """The slots of these (requirement, period) subjects: each period judged by the version
    of its requirement in force then."""
    lineages: dict[int, list[engine.Rule]] = defaultdict(list)
    for version in requirements.all_versions():
        lineages[version.replaces_id or version.id].append(requirements.rule_of(version))
    wanted = {(s.object_id, s.period_key) for s in subjects}
    slots = []
    for requirement_id, period_key in sorted(wanted):
        rules = lineages.get(requirement_id, [])
        found = compliance_sql.slots_for(rules, parse(period_key), now)
        slots += [s for s in found if s.period.key == period_key]
    return slots


def _period_statuses(branches: list[Organization], slots, now: datetime):
    """(branch id, requirement id, period key, status, units owing, units bound) — a branch with
    party groups gives the worst of them: one group missed is the branch's period missed."""
    if not slots:
        return []
    cells: dict[tuple[int, int, str], Counter] = defaultdict(Counter)
    for tree in by_tree(branches):
        for branch_id, requirement_id, period_key, status, n in compliance_sql.counts(
                common_unit(tree), slots, now, compliance.wait_days(), Grouping.BRANCH):
            cells[(branch_id, requirement_id, period_key)][status] += n
    found = []
    for key, tally in cells.items():
        worst = _worst(set(tally))
        found.append((*key, worst, tally[worst], sum(tally.values())))
    return found


def _worst(statuses: set[str]) -> str:
    for status in (PeriodStatus.MISSED, PeriodStatus.AT_RISK, PeriodStatus.DUE, PeriodStatus.SCHEDULED,
                   PeriodStatus.LATE):
        if status in statuses:
            return status
    return PeriodStatus.MET


def _periods_done(pairs: list[tuple[int, Subject]], now: datetime) -> set[tuple[int, str]]:
    if not pairs:
        return set()
    branches = _branches_of(pairs)
    statuses = {(b, f"r{r}:{p}"): s
                for b, r, p, s, *_ in _period_statuses(branches, _slots_of([s for _, s in pairs], now), now)}
    # No cell at all: the rule binds the branch no more (dissolved, committee gone) — nothing owed.
    return {(b, s.key) for b, s in pairs if statuses.get((b, s.key), PeriodStatus.MET) in engine.DONE}


def _branches_of(pairs: list[tuple[int, Subject]]) -> list[Organization]:
    ids = {branch_id for branch_id, _ in pairs}
    return list(db.session.scalars(sa.select(Organization).where(Organization.id.in_(ids))))


# --- campaigns ----------------------------------------------------------------------------

def _campaign_owed(campaign: Campaign) -> Owed:
    label = f"专项行动“{campaign.title}”逾期未报送（截止 {campaign.deadline.isoformat()}）"
    return Owed(Subject(SubjectKind.CAMPAIGN, campaign.id), label)


def _campaigns_of_span(branches: list[Organization], span: Period) -> list[Campaign]:
    ancestors = {i for b in branches for i in b.ancestor_ids()}
    return list(db.session.scalars(sa.select(Campaign).where(
        Campaign.scope_id.in_(ancestors), Campaign.window_start <= span.last_day,
        Campaign.deadline >= span.first_day).order_by(Campaign.deadline, Campaign.id)))


def _statuses(branches: list[Organization], campaigns: list[Campaign], now: datetime):
    """(branch, campaign, status) for each campaign covering each branch (one statement)."""
    if not campaigns or not branches:
        return []
    meetings = defaultdict(list)
    for facts in compliance_facts.load(Meeting.campaign_id.in_([c.id for c in campaigns]),
                                       Meeting.organization_id.in_([b.id for b in branches])):
        meetings[(facts.campaign_id, facts.organization_id)].append(facts)
    return [(b, c, campaign_status(campaigns_query.window_of(c), meetings[(c.id, b.id)], now))
            for c in campaigns for b in branches if c.scope_id in b.ancestor_ids()]


def _overdue(branches, campaigns, now):
    return [(b.id, c) for b, c, status in _statuses(branches, campaigns, now)
            if b.is_active and status == CampaignStatus.OVERDUE]


def _campaigns_done(pairs: list[tuple[int, Subject]], now: datetime) -> set[tuple[int, str]]:
    if not pairs:
        return set()
    branches = _branches_of(pairs)
    wanted = {s.object_id for _, s in pairs}
    campaigns = list(db.session.scalars(sa.select(Campaign).where(Campaign.id.in_(wanted))))
    finished = {(b.id, f"c{c.id}") for b, c, status in _statuses(branches, campaigns, now)
                if status in FINISHED}
    known = {f"c{c.id}" for c in campaigns}
    return {(b, s.key) for b, s in pairs if (b, s.key) in finished or s.key not in known}


# --- minutes ------------------------------------------------------------------------------

def _minutes_owed(meeting) -> Owed:
    label = f"{local_date(meeting.starts_at).isoformat()}“{meeting.title}”的会议记录逾期未定稿"
    return Owed(Subject(SubjectKind.MINUTES, meeting.id), label)


def _waiting_minutes(branch_ids: set[int], span: Period | None, now: datetime,
                     meeting_ids: list[int] | None = None):
    """Held meetings of these branches, ended past the wait, whose minutes are not final."""
    query = (sa.select(Meeting.id, Meeting.organization_id, Meeting.title, Meeting.starts_at)
             .outerjoin(Minutes, Minutes.meeting_id == Meeting.id)
             .where(Meeting.organization_id.in_(branch_ids), *minutes_waiting(now))
             .order_by(Meeting.starts_at, Meeting.id))
    if span is not None:
        start, end = span.utc_bounds()
        query = query.where(Meeting.starts_at >= start, Meeting.starts_at < end)
    if meeting_ids is not None:
        query = query.where(Meeting.id.in_(meeting_ids))
    return db.session.execute(query).all()


def _minutes_done(pairs: list[tuple[int, Subject]], now: datetime) -> set[tuple[int, str]]:
    if not pairs:
        return set()
    ids = {s.object_id for _, s in pairs}
    rows = db.session.execute(sa.select(Meeting.id, Meeting.status, Minutes.state, Minutes.finalized_at)
                              .outerjoin(Minutes, Minutes.meeting_id == Meeting.id)
                              .where(Meeting.id.in_(ids))).all()
    final = {meeting_id for meeting_id, _, state, at in rows
             if state == MinutesState.FINAL and at is not None and at <= now}
    done = final | {meeting_id for meeting_id, status, _, _ in rows if status == MeetingStatus.CANCELLED}
    return {(b, s.key) for b, s in pairs if s.object_id in done}
