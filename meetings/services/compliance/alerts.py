"""Alerts to branch secretaries (临期提醒, 专项行动逾期), queued in the outbox once each.

Run daily (``flask --app wsgi compliance-alerts``). At-risk periods come from the same SQL
aggregate as the dashboard, grouped by branch, so a province costs a handful of statements;
each (branch, subject) is remembered in ``compliance_alert`` and never mailed twice.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.headerregistry import Address

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale

from meetings.domain.campaigns import CampaignStatus
from meetings.domain.compliance import PeriodStatus
from meetings.domain.periods import Period
from meetings.domain.scheduling import LAST_MONTH_FOR_PREVIOUS_YEAR, local_date
from meetings.domain.terms import PeriodKind
from meetings.extensions import db
from meetings.models import Campaign, ComplianceAlert, Organization, Person
from meetings.services import calendar, campaigns_query, compliance, links, outbox, requirements, roster
from meetings.services.compliance import sql as compliance_sql
from meetings.services.compliance.sql import Grouping
from meetings.services.invitee_mail import MAIL_LOCALE

AT_RISK, OVERDUE = "at_risk", "campaign_overdue"
CAMPAIGN_WATCH_DAYS = 60  # overdue campaigns are chased this long after their deadline


@dataclass(frozen=True)
class Item:
    kind: str  # AT_RISK or OVERDUE
    subject: str  # what is remembered: "r3:2026-11" (requirement, period) or "c7" (campaign)
    title: str  # the type name, or the campaign's title
    detail: str  # the period key, or the campaign's deadline


@dataclass
class Notice:
    """Everything new for one branch in this run."""

    branch: Organization | None = None  # loaded for all notices at once
    items: list[Item] = field(default_factory=list)

    def of(self, kind: str) -> list[Item]:
        return [i for i in self.items if i.kind == kind]


@dataclass
class AlertRun:
    branches: int = 0
    messages: int = 0
    without_address: list[str] = field(default_factory=list)


def run(now: datetime) -> AlertRun:
    """Find what is new since the last run, queue one message per secretary, remember it."""
    notices: dict[int, Notice] = {}
    _collect_at_risk(notices, now)
    _collect_overdue(notices, now)
    _drop_already_sent(notices)
    _load_branches(notices)
    result = AlertRun(branches=len(notices))
    recipients = roster.secretaries_to_mail(list(notices))
    for branch_id, notice in notices.items():
        people = recipients.get(branch_id, [])
        if not people:
            result.without_address.append(notice.branch.name)
        for person in people:
            outbox.enqueue(_message(notice, person, now), kind="alert", person_id=person.id, now=now)
            result.messages += 1
        for item in notice.items:
            db.session.add(ComplianceAlert(organization_id=branch_id, kind=item.kind, subject=item.subject,
                                           created_at=now))
    db.session.flush()
    return result


def _collect_at_risk(notices: dict[int, Notice], now: datetime) -> None:
    today = local_date(now)
    spans = [Period(PeriodKind.YEAR, today.year)]
    if today.month <= LAST_MONTH_FOR_PREVIOUS_YEAR:
        spans.append(Period(PeriodKind.YEAR, today.year - 1))
    versions = requirements.all_versions()
    names = {c.requirement_id: c.type_name for c in compliance.columns_of(versions)}
    rules = [requirements.rule_of(r) for r in versions]
    for root in _roots():
        for span in spans:
            # Only periods that are at risk when empty can be at risk at all: a short query.
            slots = [s for s in compliance_sql.slots_for(rules, span, now)
                     if s.fallback == PeriodStatus.AT_RISK]
            if not slots:
                continue
            for branch_id, requirement_id, period_key, status, _ in compliance_sql.counts(
                    root, slots, now, compliance.wait_days(), Grouping.BRANCH):
                if status == PeriodStatus.AT_RISK:
                    subject = f"r{requirement_id}:{period_key}"
                    notices.setdefault(branch_id, Notice()).items.append(
                        Item(AT_RISK, subject, names.get(requirement_id, ""), period_key))


def _collect_overdue(notices: dict[int, Notice], now: datetime) -> None:
    since = local_date(now) - timedelta(days=CAMPAIGN_WATCH_DAYS)
    for campaign in db.session.scalars(sa.select(Campaign).where(Campaign.deadline >= since)).all():
        for standing in campaigns_query.branch_statuses(campaign, now):
            if standing.status == CampaignStatus.OVERDUE:
                notices.setdefault(standing.branch.id, Notice()).items.append(
                    Item(OVERDUE, f"c{campaign.id}", campaign.title, campaign.deadline.isoformat()))


def _load_branches(notices: dict[int, Notice]) -> None:
    if notices:
        for branch in db.session.scalars(sa.select(Organization).where(Organization.id.in_(list(notices)))):
            notices[branch.id].branch = branch


def _roots() -> list[Organization]:
    return list(db.session.scalars(sa.select(Organization).where(Organization.parent_id.is_(None),
                                                                 Organization.is_active.is_(True))))


def _drop_already_sent(notices: dict[int, Notice]) -> None:
    """Keep only subjects not yet alerted; a branch with nothing new gets no message."""
    if not notices:
        return
    sent = set(db.session.execute(sa.select(ComplianceAlert.organization_id, ComplianceAlert.kind,
                                            ComplianceAlert.subject)
                                  .where(ComplianceAlert.organization_id.in_(list(notices)))).all())
    for branch_id in list(notices):
        notice = notices[branch_id]
        notice.items = [i for i in notice.items if (branch_id, i.kind, i.subject) not in sent]
        if not notice.items:
            del notices[branch_id]


def _message(notice: Notice, person: Person, now: datetime):
    context = {"notice": notice, "person": person,
               "dashboard_url": links.absolute(f"/compliance?org={notice.branch.id}")}
    with force_locale(MAIL_LOCALE):
        text = render_template("email/compliance_alert.txt", **context)
        subject = render_template("email/compliance_alert_subject.txt", **context).strip()
    name, address = calendar.organizer()
    return outbox.build_message(sender=Address(display_name=name, addr_spec=address),
                                recipient=Address(display_name=person.name, addr_spec=person.email),
                                subject=subject, text=text, now=now)
