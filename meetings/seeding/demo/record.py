"""Demo records (``seed-demo``): past meetings with attendance and final minutes — one finalized
late (补录), one amended — action items open and overdue, and a photo of a sign-in sheet.

Past meetings are scheduled "as of" a week before they happened, through the same services as
users; the invites that produced are dropped, since those mails would have gone out back then.
"""
from __future__ import annotations

import io
import struct
import zlib
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from meetings.domain import scheduling
from meetings.domain.terms import AttachmentKind, Attendance, InviteeScope
from meetings.extensions import db
from meetings.models import Meeting, MeetingType, Organization, OutboxMessage, Person
from meetings.services import actions, attachments, attendance, minutes, roster
from meetings.services.scheduling import MeetingFields, branch_people, schedule_meeting

BODIES = {
    "theme_day": "## 活动主题\n\n学习贯彻党章，争做合格党员\n\n## 活动内容\n\n"
                 "1. 集体学习《中国共产党章程》总纲\n2. 党员交流学习体会\n3. 到社区开展志愿服务\n\n"
                 "## 活动成效\n\n党员普遍反映对党章的理解更加深入。\n",
    "branch_committee": "## 议题\n\n1. 研究下月组织生活安排\n2. 讨论发展党员工作\n\n"
                        "## 讨论与决定\n\n- 下月主题党日由宣传委员负责组织\n- 确定 1 名入党积极分子\n",
    "branch_assembly": "## 议题\n\n讨论预备党员转正事宜\n\n## 讨论情况\n\n党员逐一发表意见。\n\n"
                       "## 表决结果\n\n| 事项 | 赞成 | 反对 | 弃权 |\n|---|---|---|---|\n"
                       "| 同意按期转正 | 18 | 0 | 1 |\n",
    "org_life_meeting": "## 学习内容\n\n学习习近平新时代中国特色社会主义思想。\n\n## 对照检查\n\n"
                        "书记代表支部委员会作对照检查。\n\n"
                        "## 批评与自我批评\n\n党员逐一开展批评与自我批评。\n\n"
                        "## 整改措施\n\n1. 每月按时开展主题党日\n2. 会议记录会后一周内定稿\n",
}


def seed_records(branch: Organization, types: dict[str, MeetingType], actor: Person,
                 now: datetime) -> list[Meeting]:
    """The demo branch's last weeks on record: the meetings added."""
    outbox_before = db.session.scalar(sa.select(sa.func.max(OutboxMessage.id))) or 0
    plan = _Past(branch, types, actor, now)
    made = plan.run()
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.id > outbox_before))
    return made


class _Past:
    """Meetings held before ``now``, each recorded as a secretary would have done it."""

    def __init__(self, branch, types, actor, now):
        self.branch, self.types, self.actor, self.now = branch, types, actor, now
        self.people = [p for p in branch_people(branch)]
        self.committee = [s.person_id for s in roster.committee(branch)]
        self.today = scheduling.local_date(now)

    def run(self) -> list[Meeting]:
        theme = self.held("theme_day", "“学党章、守规矩”主题党日", days_ago=40, at=time(15, 0))
        self.finalize(theme, days_after=2)
        self.action_items(theme)
        self.photo(theme)
        assembly = self.held("branch_assembly", "预备党员转正支部党员大会", days_ago=33, at=time(9, 30))
        self.finalize(assembly, days_after=12)  # 补录: final 12 days after the meeting
        life = self.held("org_life_meeting", "年度组织生活会", days_ago=20, at=time(14, 30))
        self.finalize(life, days_after=3)
        minutes.amend(self.actor, life, BODIES["org_life_meeting"] + "3. 整改清单每季度通报一次\n",
                      "补充会上议定的整改措施", life_revision(life), self.now - timedelta(days=15))
        made = [theme, assembly, life]
        if self.committee:
            committee = self.held("branch_committee", "研究组织生活安排", days_ago=10, at=time(16, 0))
            self.save(committee)  # a draft, not yet final: the dashboard waits for it
            made.append(committee)
        return made

    def when(self, days_ago: int, clock: time) -> datetime:
        day = self.today - timedelta(days=days_ago)
        if day.weekday() >= 5:
            day -= timedelta(days=day.weekday() - 4)
        return datetime.combine(day, clock, tzinfo=scheduling.BEIJING)

    def held(self, code: str, title: str, *, days_ago: int, at: time) -> Meeting:
        """Schedule as of a week before, then record the attendance right after it ended."""
        kind = self.types[code]
        starts = self.when(days_ago, at)
        invitees = (self.committee if kind.default_invitees == InviteeScope.COMMITTEE
                    else [p.id for p in self.people])
        host = self.committee[0] if self.committee else None
        fields = MeetingFields(title=title, starts_at=starts,
                               ends_at=starts + timedelta(minutes=kind.default_duration_minutes),
                               type_ids=[kind.id], invitee_ids=invitees, place="机关大楼三楼党员活动室",
                               host_id=host, recorder_id=host)
        meeting = schedule_meeting(self.actor, self.branch, fields, starts - timedelta(days=7))
        expected = [i for i in meeting.invitations if not i.optional]
        marks = []
        if len(expected) > 4:
            marks.append(attendance.Mark(expected[0].id, None, Attendance.ABSENT, "外出公干"))
        if len(expected) > 6:
            marks.append(attendance.Mark(expected[1].id, None, Attendance.LEAVE, "病假"))
        attendance.record_attendance(self.actor, meeting, marks, meeting.ends_at, all_present=True)
        return meeting

    def save(self, meeting: Meeting) -> None:
        code = meeting.types[0].code
        minutes.save_draft(self.actor, meeting, BODIES.get(code, BODIES["theme_day"]), 0,
                           meeting.ends_at + timedelta(hours=2))

    def finalize(self, meeting: Meeting, *, days_after: int) -> None:
        self.save(meeting)
        minutes.finalize(self.actor, meeting, meeting.ends_at + timedelta(days=days_after))

    def action_items(self, meeting: Meeting) -> None:
        """One overdue, one open, one done with evidence."""
        owner = next((p for p in self.people if p.login == "member"), self.people[-1])
        at = meeting.ends_at
        due = scheduling.local_date(at)
        actions.add_action_item(self.actor, meeting, text="补齐近三个月的党费收缴记录", owner_id=owner.id,
                                due_on=due + timedelta(days=14), now=at)
        actions.add_action_item(self.actor, meeting, text="整理支部学习资料并上传学习平台",
                                owner_id=self.actor.id, due_on=self.today + timedelta(days=20), now=at)
        done = actions.add_action_item(self.actor, meeting, text="更新党员活动室宣传栏",
                                       owner_id=self.actor.id, due_on=due + timedelta(days=7), now=at)
        actions.close_action_item(self.actor, done, "已更换宣传栏内容，照片见附件。", at + timedelta(days=5))

    def photo(self, meeting: Meeting) -> None:
        attachments.add_attachment(self.actor, meeting, kind=AttachmentKind.PHOTO, filename="活动照片.png",
                                   stream=io.BytesIO(demo_png()), note="主题党日集体学习",
                                   now=meeting.ends_at)


def life_revision(meeting: Meeting) -> int:
    record = minutes.for_meeting(meeting)
    return record.current_revision.number


def demo_png(width: int = 160, height: int = 120) -> bytes:
    """A small real PNG (a red-to-gold gradient), made without an imaging library."""
    rows = b"".join(b"\x00" + b"".join(struct.pack("BBB", 200, 30 + 150 * x // width, 30)
                                       for x in range(width)) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))
