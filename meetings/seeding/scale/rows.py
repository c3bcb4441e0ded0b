"""Rows for one branch's year in the scale province: meeting, type links, invitations with
attendance, and minutes whose hash chain is the app's own (so ``verify-minutes`` passes).

The frozen summary on each recorded meeting (应到, 实到, quorum) is counted from the very
invitation rows generated here, by the rules of DESIGN §5.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from meetings.domain import minutes as chain
from meetings.domain.scheduling import BEIJING
from meetings.domain.terms import MeetingStatus, MinutesState
from meetings.models.meeting import CHECK_IN_ALPHABET
from meetings.seeding.scale.data import Branch, Ids, Member, ScaleOptions
from meetings.seeding.scale.meetings import Habits, Session, habits, plan_year

REMINDER_MINUTES = 24 * 60
PLACES = ("机关三楼党员活动室", "机关五楼第二会议室", "机关一楼报告厅", "党建活动中心", "支部会议室")
LEAVE_REASONS = ("出差", "病假", "外出学习培训", "值班", "家中有事")
CANCEL_REASONS = ("因工作安排调整，会议取消。", "与上级会议时间冲突，会议取消。", "因天气原因，会议取消。")
SUMMARIES = ("与会党员结合工作实际交流发言，大家一致表示要把学习成果转化为推动工作的实际成效。",
             "会议传达了上级有关精神，研究部署了下一阶段支部工作。",
             "党员逐一发言，查找不足，明确了整改方向和措施。")


@dataclass
class YearRows:
    """Rows for the tables, accumulated over a few branches before they are written."""

    meeting: list[dict] = field(default_factory=list)
    meeting_meeting_type: list[dict] = field(default_factory=list)
    invitation: list[dict] = field(default_factory=list)
    minutes: list[dict] = field(default_factory=list)
    minutes_revision: list[dict] = field(default_factory=list)


@dataclass
class Tally:
    """应到, 实到 and the quorum counts of one recorded meeting, from its invitation rows."""

    expected: int = 0
    present: int = 0
    voters: int = 0
    voters_present: int = 0
    committee_present: int = 0


class BranchYear:
    """Generates one branch's meetings into ``rows``; every random choice comes from its own stream."""

    def __init__(self, branch: Branch, options: ScaleOptions, ids: Ids, type_ids: dict[str, int],
                 rows: YearRows):
        self.branch, self.options, self.ids, self.type_ids, self.rows = branch, options, ids, type_ids, rows
        self.rng = options.rng("year", branch.index)
        self.habits: Habits = habits(self.rng)
        self.streaks = self._absence_streaks()

    def generate(self, *, before: datetime | None = None) -> None:
        """The branch's year; with ``before``, only the sessions that start earlier (the demo
        plans its own recent weeks)."""
        for session in plan_year(self.branch, self.options.year, self.rng, self.habits.keep):
            if before is None or session.starts_at < before:
                self._meeting(session)

    def _absence_streaks(self) -> dict[int, datetime]:
        """One branch in ten has a member absent from everything for the last 4–7 months (§31)."""
        if self.branch.index % 10 != 1:
            return {}
        candidates = [m for m in self.branch.members if not m.optional and not m.seat]
        if not candidates:
            return {}
        since = self.options.cutoff - timedelta(days=self.rng.randint(122, 212))
        return {self.rng.choice(candidates).id: since}

    def _invitees(self, session: Session) -> list[Member]:
        if session.group_id is not None:
            return self.branch.group_members(session.group_id)
        if session.codes == ("branch_committee",):
            return self.branch.seat_holders
        return self.branch.members

    def _fate(self, session: Session) -> str:
        """future, cancelled, unrecorded (ended, nobody saved the sheet) or recorded."""
        if session.starts_at >= self.options.cutoff:
            return "future"
        r = self.rng.random()
        if r < 0.03:
            return "cancelled"
        return "unrecorded" if r < 0.03 + self.habits.unrecorded else "recorded"

    def _clamp(self, moment: datetime, earliest: datetime) -> datetime:
        """Nothing happens after the as-of date, nor before ``earliest``."""
        return max(earliest, min(moment, self.options.cutoff - timedelta(minutes=1)))

    def _meeting(self, session: Session) -> None:
        meeting_id, fate = self.ids.take("meeting"), self._fate(session)
        created = min(session.starts_at - timedelta(days=self.rng.randint(7, 30)),
                      self.options.cutoff - timedelta(hours=self.rng.randint(2, 72)))
        row = self._meeting_row(meeting_id, session, created)
        self.rows.meeting.append(row)
        self.rows.meeting_meeting_type += [{"meeting_id": meeting_id, "meeting_type_id": self.type_ids[c]}
                                           for c in session.codes]
        if fate == "recorded":
            self._recorded(row, session, created)
        else:
            self._not_recorded(row, session, created, fate)

    def _not_recorded(self, row: dict, session: Session, created: datetime, fate: str) -> None:
        """Future, cancelled or forgotten: invitations carry answers, nobody marked attendance."""
        starts = session.starts_at
        for member in self._invitees(session):
            self.rows.invitation.append(self._answer_only(row["id"], member, created, starts))
        if fate == "cancelled":
            cancelled = self._clamp(starts - timedelta(days=self.rng.randint(1, 5)), created)
            row.update(status=MeetingStatus.CANCELLED.value, cancel_reason=self.rng.choice(CANCEL_REASONS),
                       ical_sequence=1, version=2, updated_at=cancelled, reminder_sent_at=None)

    def _recorded(self, row: dict, session: Session, created: datetime) -> None:
        """Held, its sheet saved soon after the end, and (mostly) its minutes written."""
        ends = session.ends_at
        recorded = self._clamp(ends + timedelta(minutes=self.rng.randint(10, 120)), ends)
        tally = Tally()
        for member in self._invitees(session):
            self.rows.invitation.append(
                self._attendance(row["id"], member, session, created, recorded, tally))
        self._freeze(row, session, tally, recorded)
        self._minutes(row["id"], session, tally, recorded)

    def _meeting_row(self, meeting_id: int, session: Session, created: datetime) -> dict:
        remind = session.starts_at - timedelta(minutes=REMINDER_MINUTES)
        secretary = self.branch.secretary.id
        return {
            "id": meeting_id, "organization_id": self.branch.id, "party_group_id": session.group_id,
            "title": session.title, "agenda": f"1. 传达学习上级有关精神\n2. {session.title}\n3. 其他事项\n",
            "starts_at": session.starts_at, "ends_at": session.ends_at, "place": self.rng.choice(PLACES),
            "host_id": secretary, "recorder_id": self.branch.organizer.id,
            "status": MeetingStatus.SCHEDULED.value, "cancel_reason": None,
            "attributed_year": session.attributed_year, "is_late_record": False, "ical_sequence": 0,
            "reminder_minutes": REMINDER_MINUTES,
            "reminder_sent_at": remind if remind < self.options.cutoff else None,
            "remind_at": remind if remind >= self.options.cutoff else None,
            "check_in_code": "".join(self.rng.choices(CHECK_IN_ALPHABET, k=6)),
            "attendance_recorded_at": None, "attendance_recorded_by_id": None, "committee_seats": None,
            "expected_count": None, "present_count": None, "quorum_met": None,
            "created_by_id": secretary, "version": 1, "created_at": created, "updated_at": created,
        }

    def _freeze(self, row: dict, session: Session, tally: Tally, recorded: datetime) -> None:
        """What the app keeps on a meeting when its sheet is saved (services.attendance._freeze)."""
        seats = len(self.branch.seat_holders)
        quorum = None
        if "branch_assembly" in session.codes:
            quorum = tally.voters > 0 and tally.voters_present * 2 > tally.voters
        if "branch_committee" in session.codes:
            quorum = (quorum is not False) and seats > 0 and tally.committee_present * 2 > seats
        row.update(status=MeetingStatus.HELD.value, attendance_recorded_at=recorded,
                   attendance_recorded_by_id=self.branch.organizer.id, committee_seats=seats,
                   expected_count=tally.expected, present_count=tally.present, quorum_met=quorum,
                   remind_at=None, version=2, updated_at=recorded)

    def _invitation(self, meeting_id: int, member: Member) -> dict:
        return {"id": self.ids.take("invitation"), "meeting_id": meeting_id, "person_id": member.id,
                "role": "attendee", "optional": member.optional, "full_member": member.full,
                "rsvp": "pending", "rsvp_at": None, "leave_reason": None, "leave_decided_by_id": None,
                "leave_decided_at": None, "attendance": None, "absence_reason": None,
                "checked_in_at": None, "check_in_method": None, "committee_member": False,
                "updated_at": None}

    def _answer(self, row: dict, created: datetime, starts: datetime, rsvp: str, reason: str | None) -> None:
        """Set an RSVP given a few hours after the invite went out; approved leave is decided later."""
        if rsvp == "pending":
            return
        answered = self._clamp(created + timedelta(hours=self.rng.randint(1, 96)), created)
        answered = min(answered, starts)
        row.update(rsvp=rsvp, rsvp_at=answered, updated_at=answered)
        if rsvp.startswith("leave"):
            row["leave_reason"] = reason
        if rsvp == "leave_approved":
            row.update(leave_decided_by_id=self.branch.secretary.id, leave_decided_at=answered)

    def _answer_only(self, meeting_id: int, member: Member, created: datetime, starts: datetime) -> dict:
        """An invitation of a meeting nobody recorded (yet): answers, no attendance."""
        row = self._invitation(meeting_id, member)
        r = self.rng.random()
        rsvp = ("pending" if r < 0.45 or member.optional else "attending" if r < 0.95
                else "leave_requested" if r < 0.97 else "leave_approved")
        self._answer(row, created, starts, rsvp, self.rng.choice(LEAVE_REASONS))
        return row

    def _attendance(self, meeting_id: int, member: Member, session: Session, created: datetime,
                    recorded: datetime, tally: Tally) -> dict:
        """One row of a saved sheet, counted into ``tally`` as services.attendance would."""
        row = self._invitation(meeting_id, member)
        starts = session.starts_at
        mark = self._mark(member, starts, created, row)
        if mark is not None:
            row.update(attendance=mark, check_in_method="secretary", updated_at=recorded)
        if mark in ("present", "late"):
            offset = self.rng.randint(16, 40) if mark == "late" else self.rng.randint(-10, 5)
            row["checked_in_at"] = starts + timedelta(minutes=offset)
        row["committee_member"] = bool(member.seat)
        self._count(tally, member, mark)
        return row

    def _mark(self, member: Member, starts: datetime, created: datetime, row: dict) -> str | None:
        since = self.streaks.get(member.id)
        if since is not None and starts >= since:
            return "absent"  # the §31 streak: no answer, no leave, never there
        r = self.rng.random()
        if member.optional:
            return "present" if r < 0.15 else None  # "另有…到会", outside 应到
        if r < 0.05:
            reason = self.rng.choice(LEAVE_REASONS)
            self._answer(row, created, starts, "leave_approved", reason)
            row["absence_reason"] = reason
            return "leave"
        self._answer(row, created, starts, "attending" if self.rng.random() < 0.85 else "pending", None)
        if r < 0.05 + self.habits.present:
            return "late" if self.rng.random() < 0.04 else "present"
        return "absent"

    def _count(self, tally: Tally, member: Member, mark: str | None) -> None:
        attended = mark in ("present", "late")
        if member.seat and attended:
            tally.committee_present += 1
        if member.optional:
            return
        tally.expected += 1
        tally.present += attended
        if member.full:
            tally.voters += 1
            tally.voters_present += attended

    def _minutes(self, meeting_id: int, session: Session, tally: Tally, recorded: datetime) -> None:
        """~90% final (8% of those 补录), ~5% draft, the rest none; final ones chained from GENESIS."""
        r = self.rng.random()
        if r >= 0.95:
            return
        finalized = None
        if r < 0.90:
            days = self.rng.randint(8, 20) if self.rng.random() < 0.08 else self.rng.randint(1, 6)
            held_on = session.ends_at.astimezone(BEIJING).date()
            finalized = datetime.combine(held_on + timedelta(days=days), time(16, self.rng.randint(0, 59)),
                                         BEIJING).astimezone(UTC)
            if finalized >= self.options.cutoff:
                finalized = None  # would be finalized after the as-of date: still a draft
        drafted = self._clamp(recorded + timedelta(hours=1), recorded)
        self._minutes_rows(meeting_id, session, tally, drafted, finalized)

    def _minutes_rows(self, meeting_id: int, session: Session, tally: Tally, drafted: datetime,
                      finalized: datetime | None) -> None:
        minutes_id, revision_id = self.ids.take("minutes"), self.ids.take("minutes_revision")
        final = finalized is not None
        written = finalized or drafted
        body = (f"## 会议情况\n\n{session.title}。会议由{self.branch.secretary.name}主持，"
                f"应到{tally.expected}人，实到{tally.present}人。\n\n## 主要内容\n\n"
                f"{self.rng.choice(SUMMARIES)}\n")
        self.rows.minutes.append({
            "id": minutes_id, "meeting_id": meeting_id,
            "state": (MinutesState.FINAL if final else MinutesState.DRAFT).value,
            "current_revision_id": None, "finalized_at": finalized,
            "finalized_by_id": self.branch.secretary.id if final else None,
            "is_late": final and chain.is_late(session.ends_at, finalized, self.options.late_days),
            "created_at": drafted, "updated_at": written})
        revision = {"id": revision_id, "minutes_id": minutes_id, "number": 1, "body": body,
                    "is_final": final, "created_at": written, "prev_hash": None, "hash": None}
        if final:
            facts = chain.RevisionFacts(meeting_id=meeting_id, number=1, body=body, author_id=None,
                                        created_at=written)
            revision.update(prev_hash=chain.GENESIS, hash=chain.chain_hash(chain.GENESIS, facts))
        self.rows.minutes_revision.append(revision)
