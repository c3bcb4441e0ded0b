"""Attendance (签到/出勤登记): the secretary's sheet, the member's self check-in, and the
summary (应到/实到/法定人数) frozen on the meeting for the compliance engine.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings.domain import attendance as rules
from meetings.domain import history as domain_history
from meetings.domain.scheduling import local_date
from meetings.domain.terms import (
    Attendance,
    CheckInMethod,
    InvitationRole,
    MeetingStatus,
    MinutesState,
    QuorumRule,
    Rsvp,
)
from meetings.extensions import db
from meetings.models import Invitation, Meeting, Minutes, Person
from meetings.policy import Action, can
from meetings.services import audit, fact_versions, history, locks, roster

REASON_LENGTH = 500


class AttendanceError(ValueError):
    """Attendance that cannot be recorded; the message is for the user."""


@dataclass(frozen=True)
class Mark:
    """One row of the sheet as submitted: what the form showed, and what it says now."""

    invitation_id: int
    shown: Attendance | None
    attendance: Attendance | None
    reason: str | None = None


@dataclass(frozen=True)
class Summary:
    """Everything the meeting page, the minutes header and the engine need about attendance."""

    tally: rules.Tally
    quorums: list[rules.Quorum]
    committee_seats: int
    recorded: bool
    voting_ids: frozenset[int] | None = None  # 党员大会: the people the quorum is counted against

    @property
    def quorum_met(self) -> bool | None:
        return all(q.met for q in self.quorums) if self.quorums else None

    @property
    def voting_base(self) -> int | None:
        """党员大会: how many full members with voting rights the quorum was counted against."""
        return next((q.base for q in self.quorums if q.rule == QuorumRule.FULL_MEMBERS_MAJORITY), None)


def _committee(meeting: Meeting) -> tuple[set[int], int]:
    """(seat holders' ids, number of seats): frozen once recorded, else the branch's today."""
    if meeting.attendance_recorded_at is not None:
        frozen = {i.person_id for i in meeting.invitations if i.committee_member}
        return frozen, meeting.committee_seats or 0
    seats = roster.committee(meeting.organization)
    return {s.person_id for s in seats}, len({s.person_id for s in seats})


def seats(meeting: Meeting, committee_ids: set[int] | None = None) -> list[rules.Seat]:
    """The invitations as the attendance rules see them."""
    if committee_ids is None:
        committee_ids = _committee(meeting)[0]
    return [rules.Seat(name=i.display_name, attendance=i.attendance, role=i.role, optional=i.optional,
                       full_member=i.full_member, committee_member=i.person_id in committee_ids,
                       absence_reason=i.absence_reason, person_id=i.person_id)
            for i in meeting.invitations]


def summary(meeting: Meeting) -> Summary:
    """应到/实到/缺席, the quorum of each of the meeting's types, and whether it is recorded."""
    committee_ids, committee_seats = _committee(meeting)
    rows = seats(meeting, committee_ids)
    quorum_rules = [t.quorum_rule for t in meeting.types]
    base = _voting_base(meeting, quorum_rules)
    found = rules.quorums(quorum_rules, rows, committee_seats, base)
    return Summary(rules.tally(rows), found, committee_seats, meeting.attendance_recorded_at is not None,
                   voting_ids=base)


def _voting_base(meeting: Meeting, quorum_rules: list[QuorumRule]) -> frozenset[int] | None:
    """党员大会: the branch's full, active members on the meeting's day, as the roster's history
    had them when attendance was first recorded (so a later check-in counts against the same base)."""
    if QuorumRule.FULL_MEMBERS_MAJORITY not in quorum_rules:
        return None
    spans = history.member_spans([meeting.organization_id], meeting.attendance_recorded_at)
    return domain_history.voting_base(spans, meeting.organization_id, local_date(meeting.starts_at))


def check_in_window(meeting: Meeting) -> rules.CheckInWindow:
    return rules.check_in_window(meeting.starts_at, meeting.ends_at)


def minutes_final(meeting: Meeting) -> bool:
    """Final minutes lock the attendance they were written from."""
    state = db.session.scalar(sa.select(Minutes.state).where(Minutes.meeting_id == meeting.id))
    return state == MinutesState.FINAL


def _check_sheet_open(meeting: Meeting, now: datetime) -> None:
    if meeting.is_cancelled:
        raise AttendanceError(_("会议已取消，不能登记出勤。"))
    if now < meeting.starts_at:
        raise AttendanceError(_("会议开始后才能登记出勤。"))
    if minutes_final(meeting):
        raise AttendanceError(_("会议记录已定稿，出勤情况不能再修改。"))


def record_attendance(actor: Person, meeting: Meeting, marks: list[Mark], now: datetime, *,
                      all_present: bool = False) -> list[str]:
    """Save the sheet; returns the names whose row someone else changed meanwhile (kept as is).

    Only rows the secretary changed are written, so a member's self check-in that arrived
    while the sheet was open is not overwritten by the stale value the form showed.
    """
    _require(actor, Action.RECORD_MEETING, meeting)
    _check_sheet_open(meeting, now)
    _lock(meeting)
    by_id = {i.id: i for i in meeting.invitations}
    if any(m.invitation_id not in by_id for m in marks):
        raise AttendanceError(_("出勤表与会议的参会人员不一致，请刷新页面后重试。"))
    reasons = {m.invitation_id: _reason(m.reason) for m in marks}
    changed, conflicts = [], []
    for mark in marks:
        invitation = by_id[mark.invitation_id]
        wanted = (mark.attendance, reasons[mark.invitation_id] if mark.attendance in
                  (Attendance.ABSENT, Attendance.LEAVE) else None)
        if mark.attendance == mark.shown and wanted[1] == invitation.absence_reason:
            continue
        if invitation.attendance != mark.shown:
            conflicts.append(invitation.display_name)
            continue
        changed.append(_set(invitation, *wanted, CheckInMethod.SECRETARY, now))
    if all_present:
        changed += _mark_everyone_present(meeting, now)
    _freeze(actor, meeting, now)
    audit.record(actor, "attendance.record", meeting, organization_id=meeting.organization_id,
                 after={"changed": [c for c in changed if c], "present": meeting.present_count,
                        "expected": meeting.expected_count})
    return conflicts


def _mark_everyone_present(meeting: Meeting, now: datetime) -> list[dict]:
    """"全部到会": every expected invitee not marked yet is present, or on leave if excused."""
    changed = []
    for invitation in meeting.invitations:
        expected = not invitation.optional and invitation.role == InvitationRole.ATTENDEE
        if invitation.attendance is not None or not expected:
            continue
        if invitation.rsvp == Rsvp.LEAVE_APPROVED:
            changed.append(_set(invitation, Attendance.LEAVE, invitation.leave_reason,
                                CheckInMethod.SECRETARY, now))
        else:
            changed.append(_set(invitation, Attendance.PRESENT, None, CheckInMethod.SECRETARY, now))
    return changed


def _set(invitation: Invitation, attendance: Attendance | None, reason: str | None,
         method: CheckInMethod, now: datetime) -> dict:
    """Write one row; returns what changed, for the audit trail."""
    before = invitation.attendance.value if invitation.attendance else None
    invitation.attendance, invitation.absence_reason = attendance, reason
    invitation.check_in_method = method if attendance else None
    if method == CheckInMethod.SELF:
        invitation.checked_in_at = now
    invitation.updated_at = now
    return {"person": invitation.display_name, "before": before,
            "after": attendance.value if attendance else None}


def _reason(text: str | None) -> str | None:
    reason = " ".join((text or "").split()) or None
    if reason and len(reason) > REASON_LENGTH:
        raise AttendanceError(_("缺席原因不能超过 %(limit)s 个字。", limit=REASON_LENGTH))
    return reason


def _freeze(actor: Person, meeting: Meeting, now: datetime) -> None:
    """The sheet was saved: the meeting is held, and its summary is kept for the engine."""
    committee_ids, committee_seats = _committee(meeting)
    for invitation in meeting.invitations:
        invitation.committee_member = invitation.person_id in committee_ids
    if meeting.attendance_recorded_at is None:
        meeting.attendance_recorded_at, meeting.attendance_recorded_by_id = now, actor.id
    meeting.committee_seats = committee_seats
    meeting.status, meeting.remind_at = MeetingStatus.HELD, None
    refresh_summary(meeting)
    db.session.flush()


def refresh_summary(meeting: Meeting) -> None:
    """Recount 应到/实到/quorum onto the meeting (after the sheet, or a change of invitees)."""
    result = summary(meeting)
    meeting.expected_count, meeting.present_count = result.tally.expected, result.tally.present
    meeting.quorum_met = result.quorum_met
    meeting.quorum_base = result.voting_base


def _lock(meeting: Meeting) -> None:
    """Serialize writers of one meeting's attendance, then read the invitations fresh."""
    locks.lock_meeting(meeting.id)
    # The meeting too: another sheet saved meanwhile moved its version, and writing over the
    # version this request loaded before the lock would fail as stale (a 500, not a conflict).
    db.session.scalars(sa.select(Meeting).where(Meeting.id == meeting.id)
                       .execution_options(populate_existing=True)).all()
    db.session.scalars(sa.select(Invitation).where(Invitation.meeting_id == meeting.id)
                       .execution_options(populate_existing=True)).all()


def same_code(given: str | None, expected: str | None) -> bool:
    """Compare a typed check-in code in constant time, forgiving case, spaces and dashes."""
    typed = "".join((given or "").upper().split()).replace("-", "")
    return bool(expected) and hmac.compare_digest(typed.encode(), expected.encode())


def self_check_in(person: Person, meeting: Meeting, code: str | None, now: datetime) -> Attendance:
    """签到 by scanning the meeting's QR (or typing its code): present, or late after start + 15."""
    invitation = next((i for i in meeting.invitations if i.person_id == person.id), None)
    if invitation is None or not can(person, Action.CHECK_IN, invitation):
        raise AttendanceError(_("您不在本次会议的参会名单中，请联系支部书记。"))
    if meeting.is_cancelled:
        raise AttendanceError(_("会议已取消。"))
    # The window first: outside it every code gets the same answer, so a code cannot be
    # confirmed days ahead (and then passed round before the meeting).
    window = check_in_window(meeting)
    if not window.is_open(now):
        raise AttendanceError(_("签到时间为会议开始前 30 分钟至会议结束。") if now < window.opens
                              else _("会议已经结束，签到已关闭。请联系书记补登出勤。"))
    if not same_code(code, meeting.check_in_code):
        raise AttendanceError(_("签到码不正确，请核对会场显示的签到码。"))
    if invitation.attendance in rules.ATTENDED:
        raise AttendanceError(_("您已经签到过了。"))
    if minutes_final(meeting):
        raise AttendanceError(_("会议记录已定稿，出勤情况不能再修改。"))
    mark = rules.self_check_in_mark(meeting.starts_at, now)
    _set(invitation, mark, None, CheckInMethod.SELF, now)
    if meeting.attendance_recorded_at is not None:
        _refresh_counts(meeting)
    audit.record(person, "attendance.check_in", meeting, organization_id=meeting.organization_id,
                 after={"person": invitation.display_name, "attendance": mark.value})
    return mark


def _refresh_counts(meeting: Meeting) -> None:
    """Keep the frozen summary true after a late check-in, without bumping the meeting's version
    (an open edit form of the meeting stays valid)."""
    db.session.flush()
    _lock(meeting)
    result = summary(meeting)
    db.session.execute(sa.update(Meeting).where(Meeting.id == meeting.id).values(
        present_count=result.tally.present, expected_count=result.tally.expected,
        quorum_met=result.quorum_met, quorum_base=result.voting_base)
        .execution_options(synchronize_session=False))
    fact_versions.touch(meeting.id)


def _require(actor: Person, action: Action, obj) -> None:
    if not can(actor, action, obj):
        raise PermissionError(f"{actor!r} may not {action} {obj!r}")
