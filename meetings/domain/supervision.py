"""催办 (supervision notices) as plain rules: what a notice is about, where it stands.

A notice is sent to one branch about one or more things it owes, each named by a subject:
``r<requirement>:<period>`` (a requirement's period missed or at risk), ``c<campaign>`` (a
专项行动 not reported), ``m<meeting>`` (minutes not final past the wait). The same subject is
never noticed twice for a branch by accident: a second notice of it is a new *round*, asked
for on purpose.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from meetings.domain.periods import PeriodError, parse

MAX_TEXT = 2000  # characters of the notice's text and of a reply
MAX_DUE_DAYS = 90  # a due date at most this far ahead
DEFAULT_DUE_DAYS = 7


class SubjectKind(StrEnum):
    PERIOD = "period"
    CAMPAIGN = "campaign"
    MINUTES = "minutes"


class NoticeState(StrEnum):
    SENT = "sent"  # 已发送
    READ = "read"  # 已阅（opened on the site by the branch）
    ANSWERED = "answered"  # 已答复
    RESOLVED = "resolved"  # 已解决: every item it names is done


class ReplyKind(StrEnum):
    ARRANGED = "arranged"  # 已安排: a meeting is scheduled (or held) for it
    EXPLAINED = "explained"  # 情况说明


@dataclass(frozen=True)
class Subject:
    kind: SubjectKind
    object_id: int  # the requirement (its first version), campaign or meeting
    period_key: str = ""

    @property
    def key(self) -> str:
        if self.kind == SubjectKind.PERIOD:
            return f"r{self.object_id}:{self.period_key}"
        return ("c" if self.kind == SubjectKind.CAMPAIGN else "m") + str(self.object_id)


def period_subject(requirement_id: int, period_key: str) -> Subject:
    return Subject(SubjectKind.PERIOD, requirement_id, period_key)


def parse_subject(text: str) -> Subject:
    """``r3:2026-11`` / ``c7`` / ``m42`` → Subject; anything else raises ValueError."""
    if len(text) > 40 or text[:1] not in ("r", "c", "m"):
        raise ValueError(f"not a subject: {text!r}")
    head, _, period_key = text[1:].partition(":")
    if not (head.isascii() and head.isdecimal()) or not 0 < int(head) < 2**31:
        raise ValueError(f"not a subject: {text!r}")
    if text[0] != "r":
        if period_key or ":" in text:
            raise ValueError(f"not a subject: {text!r}")
        return Subject(SubjectKind.CAMPAIGN if text[0] == "c" else SubjectKind.MINUTES, int(head))
    try:
        period = parse(period_key)
    except PeriodError as exc:
        raise ValueError(f"not a subject: {text!r}") from exc
    return period_subject(int(head), period.key)


def state_of(read_at: datetime | None, replied_at: datetime | None, resolved: bool) -> NoticeState:
    """Where a notice stands: resolved outranks answered, answered outranks read."""
    if resolved:
        return NoticeState.RESOLVED
    if replied_at is not None:
        return NoticeState.ANSWERED
    return NoticeState.READ if read_at is not None else NoticeState.SENT


def is_overdue(due_on: date, today: date, resolved: bool) -> bool:
    """Past its due date with something it names still not done (a reply does not stop the
    clock: 已安排 is a promise, the record is the proof)."""
    return not resolved and today > due_on


def due_problem(due_on: date | None, today: date) -> str | None:
    """Why a due date cannot be taken (English key; the form words it), or None."""
    if due_on is None:
        return "missing"
    if due_on < today:
        return "past"
    if due_on > today + timedelta(days=MAX_DUE_DAYS):
        return "too_far"
    return None
