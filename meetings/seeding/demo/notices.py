"""Demo: 催办 in every state — the demo branch's secretary has one unread on their home; other
branches have one read, one answered, one past its due date; one resolved since (the period it
named was made up by a 补录). All sent through the service, so items are what the branches owed.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from meetings.domain.periods import Period
from meetings.domain.scheduling import local_date
from meetings.domain.supervision import ReplyKind, SubjectKind
from meetings.domain.terms import PeriodKind, Role
from meetings.extensions import db
from meetings.models import Meeting, Notice, Organization, Person, RoleAssignment
from meetings.seeding.demo.data import DEMO_BRANCH
from meetings.services import minutes, orgs
from meetings.services.supervision import notices
from meetings.services.supervision.owed import owed_by

TEXT = "根据年度考核安排，请对照以下事项抓紧落实，并在办理期限前在系统中答复。"


def seed_notices(root: Organization, now: datetime) -> int:
    """The notices above, unless the demo has some already; returns how many were sent."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Notice)):
        return 0
    admin = _person("admin")
    liaison = _person("liaison")
    branches = orgs.branches_under(root)
    owing = owed_by(branches, Period(PeriodKind.YEAR, local_date(now).year), now)
    lagging = [b for b in branches if owing.get(b.id)]
    lagging.sort(key=lambda b: (b.name != DEMO_BRANCH, b.path))
    if admin is None or len(lagging) < 4:
        return 0
    sent = []
    # (days since sent, days given): unread, read, answered, and past its due date.
    plans = zip(lagging, (1, 5, 8, 20), (6, 9, 7, 10), strict=False)
    for index, (branch, days_ago, due_in) in enumerate(plans):
        when = now - timedelta(days=days_ago)
        sender = liaison if index == 1 and liaison is not None and _oversees(liaison, branch) else admin
        [notice] = notices.send(sender, [branch], TEXT, local_date(when) + timedelta(days=due_in), when,
                                subjects=[i.subject for i in owing[branch.id]][:4])
        sent.append(notice)
    _read(sent[1], now - timedelta(days=4))
    _answer(sent[2], now - timedelta(days=6))
    resolved = _resolved_one(lagging[4:], owing, now)
    return len(sent) + resolved


def _resolved_one(branches: list[Organization], owing, now: datetime) -> int:
    """A notice of minutes past the wait, then the branch's secretary finalizes them: 已解决."""
    for branch in branches:
        waiting = [i for i in owing[branch.id] if i.subject.kind == SubjectKind.MINUTES]
        secretary = secretary_of(branch)
        meeting = db.session.get(Meeting, waiting[0].subject.object_id) if waiting else None
        if meeting is None or secretary is None or meeting.attendance_recorded_at is None:
            continue
        when = now - timedelta(days=12)
        notices.send(_person("admin"), [branch], TEXT, local_date(when) + timedelta(days=7), when,
                     subjects=[waiting[0].subject])
        record = minutes.for_meeting(meeting)
        base = record.current_revision.number if record and record.current_revision else 0
        text = "## 会议情况\n\n按期召开，记录补齐。"
        minutes.save_draft(secretary, meeting, text, base, now - timedelta(days=9))
        minutes.finalize(secretary, meeting, now - timedelta(days=9))
        return 1
    return 0


def _person(login: str) -> Person | None:
    return db.session.scalar(sa.select(Person).where(Person.login == login))


def _oversees(person: Person, branch: Organization) -> bool:
    return any(branch.is_within(r.organization) for r in person.roles if r.role == Role.LIAISON)


def secretary_of(branch: Organization) -> Person | None:
    return db.session.scalar(sa.select(Person).join(RoleAssignment, RoleAssignment.person_id == Person.id)
                             .where(RoleAssignment.organization_id == branch.id,
                                    RoleAssignment.role == Role.SECRETARY).limit(1))


def _read(notice: Notice, when: datetime) -> None:
    reader = secretary_of(notice.branch)
    notice.read_at, notice.read_by_id = when, reader.id if reader else None


def _answer(notice: Notice, when: datetime) -> None:
    secretary = secretary_of(notice.branch)
    if secretary is not None:
        notices.reply(secretary, notice, ReplyKind.EXPLAINED,
                      "支部书记外出学习，已明确由组织委员牵头，下周内补开并完成记录定稿。", None, when)
