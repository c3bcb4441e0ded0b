"""督导记录: a liaison records a visit to (or a check of) a unit and what it found; a finding
about a branch may become that branch's 整改事项 (``actions.raise_from_finding``).

Each function takes the acting person, checks the policy and the rules, flushes and audits in
the caller's transaction; nothing here commits. A record is kept as written — findings are
added to it, and each one's 整改 is tracked where the branch tracks its others.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from meetings.domain import visits as rules
from meetings.domain.actions import clean
from meetings.domain.scheduling import local_date
from meetings.domain.terms import OrgKind
from meetings.extensions import db
from meetings.models import ActionItem, Organization, Person, Visit, VisitFinding
from meetings.policy import Action, can, scope_roots
from meetings.services import audit, locks
from meetings.services.supervision.notices_query import answerable_branches

PER_PAGE = 50


class VisitError(ValueError):
    """The record cannot be saved; ``errors`` are (field, translated message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__("; ".join(message for _, message in errors))
        self.errors = errors


def record_visit(actor: Person, unit: Organization, *, visited_on: date | None, kind: rules.VisitKind,
                 checked: list[str], summary: str, now: datetime) -> Visit:
    """A visit to ``unit`` (a branch or a unit above branches) on ``visited_on``."""
    if not can(actor, Action.RECORD_VISIT, unit) or unit.kind == OrgKind.PARTY_GROUP:
        raise VisitError([("organization_id", _("只能记录您督导范围内单位的督导情况。"))])
    if not unit.is_active:
        raise VisitError([("organization_id", _("该单位已撤销。"))])
    _raise(rules.check_visit(visited_on, checked, summary, today=local_date(now)))
    ordered = [c.value for c in rules.Checked if c.value in set(checked)]
    visit = Visit(organization_id=unit.id, kind=kind, visited_on=visited_on, checked=",".join(ordered),
                  summary=clean(summary), recorded_by_id=actor.id, recorded_at=now)
    db.session.add(visit)
    db.session.flush()
    audit.record(actor, "visit.record", visit, organization_id=unit.id,
                 after={"visited_on": visited_on.isoformat(), "kind": str(kind), "checked": ordered})
    return visit


def add_finding(actor: Person, visit: Visit, branch: Organization | None, text: str,
                now: datetime) -> VisitFinding:
    """A problem found, about ``branch`` (the visited branch, or one under the visited unit)."""
    if not can(actor, Action.RECORD_VISIT, visit.organization):
        raise VisitError([("text", _("只有督导该单位的联络员或管理员可以记录问题。"))])
    if branch is None or branch.kind != OrgKind.BRANCH or not branch.is_within(visit.organization):
        raise VisitError([("branch_id", _("请选择被督导单位内的党支部。"))])
    locks.lock_row(Visit, visit.id)  # two findings at once count against the cap one at a time
    count = db.session.scalar(sa.select(sa.func.count()).select_from(VisitFinding)
                              .where(VisitFinding.visit_id == visit.id))
    _raise(rules.check_finding(text, count))
    finding = VisitFinding(visit=visit, branch_id=branch.id, text=clean(text), created_by_id=actor.id,
                           created_at=now)
    db.session.add(finding)
    db.session.flush()
    audit.record(actor, "visit.finding", visit, organization_id=branch.id,
                 after={"finding": finding.id, "branch": branch.name, "text": finding.text})
    return finding


def branches_to_name(visit: Visit) -> list[Organization]:
    """The branches a finding of this visit may be about: the branch, or those under the unit."""
    unit = visit.organization
    if unit.kind == OrgKind.BRANCH:
        return [unit]
    return list(db.session.scalars(
        sa.select(Organization).where(Organization.in_subtree(unit), Organization.kind == OrgKind.BRANCH,
                                      Organization.is_active)
        .order_by(Organization.path)))


@dataclass(frozen=True)
class Filters:
    org_id: int | None = None  # the visited unit, or any under it
    year: int | None = None


def visible(person: Person, filters: Filters) -> sa.Select | None:
    """The visits the person may see (their oversight scopes, else the branches they are
    secretary of), newest first, or None when they see none."""
    roots = scope_roots(person, Action.VIEW_OVERSIGHT)
    query = sa.select(Visit).options(selectinload(Visit.organization), selectinload(Visit.recorded_by),
                                     selectinload(Visit.findings).selectinload(VisitFinding.action_item))
    if roots:
        ids = sa.select(Organization.id).where(sa.or_(*[Organization.in_subtree(r) for r in roots]))
        query = query.where(Visit.organization_id.in_(ids))
    else:
        mine = [b.id for b in answerable_branches(person)]  # the branches they are 书记 of
        if not mine:
            return None
        named = sa.select(VisitFinding.visit_id).where(VisitFinding.branch_id.in_(mine))
        query = query.where(sa.or_(Visit.organization_id.in_(mine), Visit.id.in_(named)))
    if filters.org_id is not None:
        unit = db.session.get(Organization, filters.org_id)
        if unit is None:
            return query.where(sa.false())
        inside = sa.select(Organization.id).where(Organization.in_subtree(unit))
        query = query.where(Visit.organization_id.in_(inside))
    if filters.year is not None:
        query = query.where(Visit.visited_on >= date(filters.year, 1, 1),
                            Visit.visited_on <= date(filters.year, 12, 31))
    return query.order_by(Visit.visited_on.desc(), Visit.id.desc())


def open_items(visit: Visit) -> list[ActionItem]:
    """The 整改事项 raised from this visit's findings, in the findings' order."""
    return [f.action_item for f in visit.findings if f.action_item is not None]


def _raise(problems: list[rules.VisitProblem]) -> None:
    if problems:
        raise VisitError([(p.field, _(p.message, **p.params)) for p in problems])
