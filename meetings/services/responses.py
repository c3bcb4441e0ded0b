"""Answers to invitations (回复): attend or request leave (请假), the secretary's decision on
leave, nudging those who have not answered, and the reminders before a meeting.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings.domain.terms import MeetingStatus, Rsvp
from meetings.extensions import db
from meetings.models import Invitation, Meeting, Person
from meetings.policy import Action, can
from meetings.services import audit, notify

REASON_LENGTH = 500


class ResponseError(ValueError):
    """An answer or decision that cannot be taken; the message is for the user."""


def open_for_answers(meeting: Meeting, now: datetime) -> bool:
    """Answers are taken until the meeting ends, unless it was cancelled or is a record."""
    return meeting.status == MeetingStatus.SCHEDULED and meeting.ends_at > now


def attend(actor: Person, invitation: Invitation, now: datetime) -> None:
    """The invitee will come (参加)."""
    _check_answer(actor, invitation, now)
    _answer(actor, invitation, Rsvp.ATTENDING, None, now)


def request_leave(actor: Person, invitation: Invitation, reason: str, now: datetime) -> None:
    """The invitee asks to be excused (请假), with a reason the secretary will read."""
    _check_answer(actor, invitation, now)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ResponseError(_("请填写请假事由。"))
    if len(reason) > REASON_LENGTH:
        raise ResponseError(_("请假事由不能超过 %(limit)s 个字。", limit=REASON_LENGTH))
    _answer(actor, invitation, Rsvp.LEAVE_REQUESTED, reason, now)


CALENDAR_DECLINE_REASON = "在日历中谢绝"  # stored as the leave reason, in Chinese like the rest
CALENDAR_ANSWERS = {"ACCEPTED": Rsvp.ATTENDING, "DECLINED": Rsvp.LEAVE_REQUESTED, "TENTATIVE": Rsvp.TENTATIVE}


def answer_from_calendar(invitation: Invitation, partstat: str, comment: str, now: datetime) -> bool:
    """A calendar app's answer (iTIP REPLY), already matched to its invitee by the signed reply
    address: ACCEPTED → 参加, DECLINED → a leave request for the secretary (the COMMENT as its
    reason), TENTATIVE → 待定. Returns whether anything changed: an answer the invitee already
    gave, or a decline once leave is decided, leaves the invitation as it is."""
    if not open_for_answers(invitation.meeting, now):
        raise ResponseError(_("会议已结束或已取消，不能再回复。"))
    wanted = CALENDAR_ANSWERS[partstat]
    leave_asked = (Rsvp.LEAVE_REQUESTED, Rsvp.LEAVE_APPROVED, Rsvp.LEAVE_REJECTED)
    if invitation.rsvp == wanted or (wanted == Rsvp.LEAVE_REQUESTED and invitation.rsvp in leave_asked):
        return False
    reason = None
    if wanted == Rsvp.LEAVE_REQUESTED:
        reason = " ".join((comment or "").split())[:REASON_LENGTH] or CALENDAR_DECLINE_REASON
    _answer(invitation.person, invitation, wanted, reason, now, source="calendar")
    return True


def decide_leave(actor: Person, invitation: Invitation, approve: bool, now: datetime) -> None:
    """The secretary approves (准假) or rejects a pending leave request."""
    if not can(actor, Action.DECIDE_LEAVE, invitation.meeting):
        raise PermissionError("may not decide leave here")
    if invitation.rsvp != Rsvp.LEAVE_REQUESTED:
        raise ResponseError(_("这条请假申请已经处理过了。"))
    before = invitation.rsvp.value
    invitation.rsvp = Rsvp.LEAVE_APPROVED if approve else Rsvp.LEAVE_REJECTED
    invitation.leave_decided_by_id, invitation.leave_decided_at = actor.id, now
    invitation.updated_at = now
    audit.record(actor, "leave.approve" if approve else "leave.reject", invitation.meeting,
                 organization_id=invitation.meeting.organization_id,
                 before={"person": invitation.display_name, "rsvp": before},
                 after={"person": invitation.display_name, "rsvp": invitation.rsvp.value})


def unanswered(meeting: Meeting) -> list[Invitation]:
    """Invitees (people, not outside guests) who have not said whether they come."""
    return [i for i in meeting.invitations if i.person_id and i.rsvp == Rsvp.PENDING]


def nudge_unanswered(actor: Person, meeting: Meeting, now: datetime) -> int:
    """Mail everyone who has not answered yet; returns how many messages were queued."""
    if not can(actor, Action.SCHEDULE_MEETING, meeting):
        raise PermissionError("may not remind invitees here")
    if not open_for_answers(meeting, now):
        raise ResponseError(_("会议已结束或已取消，不能再催办。"))
    waiting = unanswered(meeting)
    for invitation in waiting:
        invitation.reminded_at = now
    queued = notify.meeting_mail(meeting, waiting, "nudge", now)
    audit.record(actor, "meeting.nudge", meeting, organization_id=meeting.organization_id,
                 after={"unanswered": len(waiting), "mailed": queued})
    return queued


def queue_due_reminders(now: datetime) -> int:
    """Queue the reminder of every meeting whose reminder time has come; returns meetings reminded.

    Each meeting is claimed by clearing ``remind_at`` in the same transaction as its mail, so a
    second worker (or a second pass) never reminds twice. The claim is a plain UPDATE that leaves
    ``version`` and ``updated_at`` alone: a reminder is not an edit (an open edit form stays
    valid, and calendar feeds keep their bytes).
    """
    due = list(db.session.scalars(
        sa.select(Meeting).where(Meeting.remind_at <= now, Meeting.status == MeetingStatus.SCHEDULED)
        .order_by(Meeting.remind_at).limit(200).with_for_update(skip_locked=True)))
    if due:
        db.session.execute(
            sa.update(Meeting).where(Meeting.id.in_([m.id for m in due]))
            .values(remind_at=None, reminder_sent_at=now, updated_at=Meeting.updated_at)
            .execution_options(synchronize_session=False))
        for meeting in due:
            db.session.expire(meeting, ["remind_at", "reminder_sent_at"])
    reminded = 0
    for meeting in due:
        if meeting.starts_at > now:
            invitees = [i for i in meeting.invitations if i.rsvp not in (Rsvp.LEAVE_APPROVED,)]
            notify.meeting_mail(meeting, invitees, "reminder", now)
            reminded += 1
    return reminded


def _check_answer(actor: Person, invitation: Invitation, now: datetime) -> None:
    if not can(actor, Action.RESPOND, invitation):
        raise PermissionError("only the invitee answers")
    if not open_for_answers(invitation.meeting, now):
        raise ResponseError(_("会议已结束或已取消，不能再回复。"))


def _answer(actor: Person | None, invitation: Invitation, rsvp: Rsvp, reason: str | None, now: datetime,
            *, source: str = "site") -> None:
    before = {"rsvp": invitation.rsvp.value, "leave_reason": invitation.leave_reason}
    invitation.rsvp, invitation.leave_reason, invitation.rsvp_at = rsvp, reason, now
    invitation.leave_decided_by_id = invitation.leave_decided_at = None
    invitation.updated_at = now
    audit.record(actor, "invitation.answer", invitation.meeting,
                 organization_id=invitation.meeting.organization_id, before=before,
                 after={"rsvp": rsvp.value, "leave_reason": reason, "source": source})
