"""Demo meetings (``seed-demo``): upcoming meetings in every branch, a monthly 主题党日 series,
a rescheduled and a cancelled meeting, leave requests in every state, the demo campaign — through
the same services as users, so the outbox fills with real invites.
"""
from __future__ import annotations

import dataclasses
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from meetings.domain import recurrence, scheduling
from meetings.domain.terms import InviteeScope, PersonStatus
from meetings.extensions import db
from meetings.models import Meeting, MeetingType, Organization, Person
from meetings.seeding.demo import campaign as demo_campaign
from meetings.seeding.demo import compliance as demo_compliance
from meetings.seeding.demo import record as demo_record
from meetings.seeding.demo.data import DEMO_BRANCH
from meetings.services import meeting_types, orgs, requirements, responses, roster, series
from meetings.services.scheduling import (
    MeetingFields,
    branch_people,
    cancel_meeting,
    schedule_meeting,
    update_meeting,
)

AGENDA = {
    "theme_day": "1. 集体学习《中国共产党章程》相关章节\n2. 交流学习体会\n3. 志愿服务活动安排",
    "party_lecture": "## 主题\n\n学习贯彻党章党规专题党课\n\n"
                     "## 安排\n\n1. 书记讲党课（40 分钟）\n2. 党员交流发言",
    "branch_committee": "1. 研究本月组织生活安排\n2. 讨论发展党员工作\n3. 其他事项",
    "group_meeting": "1. 学习上级文件\n2. 党员汇报思想和工作情况",
    "branch_assembly": "1. 听取支部工作情况通报\n2. 讨论预备党员转正事宜",
}


def seed_meetings(root: Organization, now: datetime) -> int:
    """Schedule the demo meetings unless some already exist under ``root``; returns how many."""
    branches = orgs.branches_under(root)
    if _has_meetings(branches):
        return 0
    types = {t.code: t for t in meeting_types.install_defaults()}
    admin = db.session.scalar(sa.select(Person).where(Person.login == "admin"))
    created = 0
    for branch in branches:
        actor = _secretary(branch) or admin
        created += len(_Plan(branch, actor, types, now).run(demo=branch.name == DEMO_BRANCH))
    created += demo_campaign.seed_campaign(root, types, admin, now)
    requirements.install_defaults()
    db.session.flush()
    demo = next((b for b in branches if b.name == DEMO_BRANCH), branches[0])
    created += demo_compliance.seed_year(branches, demo, now)
    return created


def _has_meetings(branches: list[Organization]) -> bool:
    ids = [b.id for b in branches]
    return bool(ids) and db.session.scalar(
        sa.select(sa.func.count(Meeting.id)).where(Meeting.organization_id.in_(ids))) > 0


def _secretary(branch: Organization) -> Person | None:
    """The demo ``secretary`` account runs its branch; other branches are planned by ``admin``."""
    holders = [r.person for r in roster.role_holders(branch) if r.person.login == "secretary"]
    return holders[0] if holders else None


class _Plan:
    """The meetings of one branch, relative to ``now``."""

    def __init__(self, branch, actor, types: dict[str, MeetingType], now: datetime):
        self.branch, self.actor, self.types, self.now = branch, actor, types, now
        self.people = branch_people(branch)
        self.committee = [s.person_id for s in roster.committee(branch)]
        self.today = scheduling.local_date(now)

    def run(self, *, demo: bool) -> list[Meeting]:
        made = [self.one("party_lecture", "学习贯彻党章党规专题党课", days=9, at=time(14, 30),
                         extra=["theme_day"])]  # one session counting as 党课 and 主题党日
        if self.committee:
            made.append(self.one("branch_committee", "研究本月组织生活安排", days=5, at=time(16, 0)))
        groups = orgs.party_groups(self.branch)
        if groups:
            made.append(self.one("group_meeting", f"{groups[0].name}学习会", days=12, at=time(16, 30),
                                 invitees=[p.id for p in self.people if p.party_group_id == groups[0].id]))
        if demo:
            made += self.theme_day_series()
            made += self.changes()
            self.answers(made[0])
            made += demo_record.seed_records(self.branch, self.types, self.actor, self.now)
        else:
            made.append(self.one("theme_day", "“学党章、守规矩”主题党日", days=16, at=time(15, 0)))
        return made

    def fields(self, code: str, title: str, starts: datetime, *, extra=(), invitees=None) -> MeetingFields:
        meeting_type = self.types[code]
        if invitees is None:
            invitees = (self.committee if meeting_type.default_invitees == InviteeScope.COMMITTEE
                        else [p.id for p in self.people])
        host = self.committee[0] if self.committee and self.committee[0] in invitees else None
        return MeetingFields(
            title=title, starts_at=starts,
            ends_at=starts + timedelta(minutes=meeting_type.default_duration_minutes),
            type_ids=[meeting_type.id] + [self.types[c].id for c in extra], invitee_ids=invitees,
            agenda=AGENDA.get(code, ""), place="机关大楼三楼党员活动室", host_id=host, recorder_id=host)

    def at(self, days: int, clock: time) -> datetime:
        """``days`` from today at ``clock`` Beijing time, moved off a weekend to the Monday."""
        day = self.today + timedelta(days=days)
        if day.weekday() >= 5:
            day += timedelta(days=7 - day.weekday())
        return datetime.combine(day, clock, tzinfo=scheduling.BEIJING)

    def one(self, code, title, *, days, at, extra=(), invitees=None) -> Meeting:
        fields = self.fields(code, title, self.at(days, at), extra=extra, invitees=invitees)
        return schedule_meeting(self.actor, self.branch, fields, self.now)

    def theme_day_series(self) -> list[Meeting]:
        """每月第一个星期五 15:00 主题党日, six times from next month: one recurring invite, whose
        third date is then moved to the Thursday before (an override in every calendar)."""
        first = (self.today.replace(day=28) + timedelta(days=4)).replace(day=1)
        rule = recurrence.Rule(frequency=recurrence.Frequency.MONTHLY_BY_WEEKDAY, first_date=first,
                               start_time=time(15, 0), duration_minutes=120, weekday=4, ordinal=1, count=6)
        fields = self.fields("theme_day", "主题党日", self.at(30, time(15, 0)))
        made = series.create_series(self.actor, self.branch, fields, rule, self.now)
        db.session.flush()
        third = made[2]
        day = timedelta(days=1)
        moved = dataclasses.replace(fields, title="主题党日（提前一天）", starts_at=third.starts_at - day,
                                    ends_at=third.ends_at - day)
        update_meeting(self.actor, third, moved, self.now, version=third.version)
        return made

    def changes(self) -> list[Meeting]:
        """A 党员大会 moved by a day (SEQUENCE 1) and a 党小组会 cancelled with a reason."""
        assembly = self.one("branch_assembly", "第二季度支部党员大会", days=14, at=time(15, 0))
        moved = self.fields("branch_assembly", assembly.title, self.at(15, time(9, 30)))
        update_meeting(self.actor, assembly, moved, self.now, version=assembly.version)
        cancelled = self.one("group_meeting", "第二党小组学习会", days=6, at=time(16, 30),
                             invitees=[p.id for p in self.people[:8]])
        cancel_meeting(self.actor, cancelled, "与全省视频会议时间冲突，另行通知", self.now)
        return [assembly, cancelled]

    def answers(self, meeting: Meeting) -> None:
        """On the demo 党课: attendances, and a leave request pending, approved and rejected."""
        invitations = [i for i in meeting.invitations if i.person and i.person.status == PersonStatus.ACTIVE]
        by_login = {i.person.login: i for i in invitations if i.person.login}
        others = [i for i in invitations if not i.person.login]
        responses.request_leave(by_login["member"].person, by_login["member"], "到市里参加业务培训", self.now)
        for invitation, reason in zip(others[:2], ("陪同家人就医", "下乡调研"), strict=False):
            responses.request_leave(invitation.person, invitation, reason, self.now)
        secretary = by_login.get("secretary")
        if secretary is not None and len(others) >= 2:
            responses.decide_leave(secretary.person, others[0], True, self.now)
            responses.decide_leave(secretary.person, others[1], False, self.now)
        for invitation in others[2:12]:
            responses.attend(invitation.person, invitation, self.now)
        if secretary is not None:
            responses.attend(secretary.person, secretary, self.now)
