"""催办 notices as the pages read them: which a person sees, and where each stands today.

"Resolved" is read off the record for every listed notice at once (``owed.resolved``), so the
list never says 已解决 of an item the branch has not done, nor 未解决 of one it has.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload, selectinload

from meetings.domain.scheduling import local_date
from meetings.domain.supervision import NoticeState, is_overdue, parse_subject, state_of
from meetings.domain.terms import Role
from meetings.extensions import db
from meetings.models import Notice, NoticeItem, Organization, Person
from meetings.policy import Action, active_roles, scope_roots
from meetings.services.supervision import owed

PER_PAGE = 50


@dataclass
class Line:
    notice: Notice
    state: NoticeState
    overdue: bool
    done: set[str] = field(default_factory=set)  # the subjects of its items done by now

    @property
    def resolved(self) -> bool:
        return self.state == NoticeState.RESOLVED


@dataclass(frozen=True)
class Filters:
    state: NoticeState | None = None
    overdue: bool = False
    branch_id: int | None = None


def answerable_branches(person: Person) -> list[Organization]:
    """Branches whose notices the person answers: those they are secretary of."""
    return [r.organization for r in active_roles(person)
            if r.role == Role.SECRETARY and r.organization.is_branch]


def _visible(person: Person):
    """Condition: the notice's branch is in the person's oversight or among those they answer."""
    branch = aliased(Organization)
    overseen = [sa.and_(branch.path >= r.path, branch.path < r.path[:-1] + "0")
                for r in scope_roots(person, Action.VIEW_OVERSIGHT)]
    answered = [b.id for b in answerable_branches(person)]
    return branch, sa.or_(sa.false(), *overseen, Notice.branch_id.in_(answered))


def lines_for(person: Person, filters: Filters, now: datetime) -> list[Line]:
    """Every notice the person sees, newest first, with today's state, filtered."""
    branch, visible = _visible(person)
    query = (sa.select(Notice).join(branch, branch.id == Notice.branch_id).where(visible)
             .options(selectinload(Notice.items), selectinload(Notice.branch), selectinload(Notice.sender))
             .order_by(Notice.sent_at.desc(), Notice.id.desc()))
    if filters.branch_id is not None:
        query = query.where(Notice.branch_id == filters.branch_id)
    lines = judge(list(db.session.scalars(query)), now)
    return [line for line in lines if (filters.state is None or line.state == filters.state)
            and (not filters.overdue or line.overdue)]


def judge(notices: list[Notice], now: datetime) -> list[Line]:
    """Each notice with its state today (a fixed number of statements for all of them)."""
    pairs = [(n.branch_id, parse_subject(i.subject)) for n in notices for i in n.items]
    done = owed.resolved(pairs, now)
    today = local_date(now)
    lines = []
    for notice in notices:
        finished = {i.subject for i in notice.items if (notice.branch_id, i.subject) in done}
        resolved = bool(notice.items) and len(finished) == len(notice.items)
        lines.append(Line(notice, state_of(notice.read_at, notice.replied_at, resolved),
                          is_overdue(notice.due_on, today, resolved), finished))
    return lines


@dataclass(frozen=True)
class Waiting:
    """A notice on the secretary's desk: not yet answered."""

    notice: Notice
    items: int
    overdue: bool


def unanswered_for(person: Person, now: datetime) -> list[Waiting]:
    """The secretary's desk: notices to their branches not yet answered, the soonest due first
    (one statement: the home page has none to spare; the notice page says which are done)."""
    branches = [b.id for b in answerable_branches(person)]
    if not branches:
        return []
    items = (sa.select(sa.func.count()).where(NoticeItem.notice_id == Notice.id)
             .correlate(Notice).scalar_subquery())
    rows = db.session.execute(
        sa.select(Notice, items).where(Notice.branch_id.in_(branches), Notice.replied_at.is_(None))
        .options(joinedload(Notice.sender), joinedload(Notice.branch))
        .order_by(Notice.due_on, Notice.id)).all()
    today = local_date(now)
    return [Waiting(notice, n, today > notice.due_on) for notice, n in rows]


def counts(lines: list[Line]) -> dict[str, int]:
    """How many of the lines stand in each state, and how many are overdue."""
    found = {str(state): 0 for state in NoticeState}
    for line in lines:
        found[str(line.state)] += 1
    found["overdue"] = sum(line.overdue for line in lines)
    return found
