"""Who counts at one meeting (DESIGN §5): 应到 / 实到 / 缺席 / 请假, quorum, self check-in.

Plain functions over plain rows; the service layer builds the rows from invitations. Nothing
here is typed twice: every number on a meeting page, in minutes or on the dashboard comes
from :func:`tally` and :func:`quorum`.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from meetings.domain.terms import Attendance, InvitationRole, QuorumRule

CHECK_IN_OPENS = timedelta(minutes=30)  # before the start
LATE_AFTER = timedelta(minutes=15)  # a self check-in after start + 15 min is 迟到
ATTENDED = frozenset({Attendance.PRESENT, Attendance.LATE})


@dataclass(frozen=True)
class Seat:
    """One invitee as attendance sees them; ``attendance`` None means not marked yet."""

    name: str
    attendance: Attendance | None
    role: InvitationRole = InvitationRole.ATTENDEE
    optional: bool = False  # exempt or away (流动/年老体弱): never in 应到
    full_member: bool = True  # 正式党员; 预备党员 attend but do not vote
    committee_member: bool = False  # holds a seat on the branch committee (支委)
    absence_reason: str | None = None
    person_id: int | None = None  # None for an outside guest

    @property
    def expected(self) -> bool:
        """In 应到: an attendee who is neither optional nor a 列席 observer."""
        return self.role == InvitationRole.ATTENDEE and not self.optional

    @property
    def attended(self) -> bool:
        return self.attendance in ATTENDED


@dataclass(frozen=True)
class Tally:
    """应到 / 实到 and the rest, for one meeting."""

    expected: int
    present: int  # 实到: expected invitees present or late
    late: int
    on_leave: int  # 请假: excused
    absent: int  # 缺席 without leave
    unmarked: int  # expected invitees nobody has marked yet
    extra_present: tuple[str, ...]  # "另有…到会": optional invitees who came
    observers_present: tuple[str, ...]  # 列席 who came
    absentees: tuple[tuple[str, Attendance, str | None], ...]  # (name, absent|leave, reason)

    @property
    def rate(self) -> float | None:
        """Attendance rate 实到/应到, or None when nobody was expected."""
        return self.present / self.expected if self.expected else None

    @property
    def complete(self) -> bool:
        """Everyone expected has been marked one way or the other."""
        return self.unmarked == 0


def tally(seats: Iterable[Seat]) -> Tally:
    """Count one meeting's attendance by the rules of DESIGN §5 "who counts"."""
    seats = list(seats)
    expected = [s for s in seats if s.expected]
    return Tally(
        expected=len(expected),
        present=sum(s.attended for s in expected),
        late=sum(s.attendance == Attendance.LATE for s in expected),
        on_leave=sum(s.attendance == Attendance.LEAVE for s in expected),
        absent=sum(s.attendance == Attendance.ABSENT for s in expected),
        unmarked=sum(s.attendance is None for s in expected),
        extra_present=tuple(s.name for s in seats
                            if s.attended and s.optional and s.role == InvitationRole.ATTENDEE),
        observers_present=tuple(s.name for s in seats
                                if s.attended and s.role == InvitationRole.OBSERVER),
        absentees=tuple((s.name, s.attendance, s.absence_reason) for s in expected
                        if s.attendance in (Attendance.ABSENT, Attendance.LEAVE)),
    )


@dataclass(frozen=True)
class Quorum:
    """法定人数 for one rule: ``present`` of ``base`` counted; met when present > base / 2."""

    rule: QuorumRule
    present: int
    base: int

    @property
    def met(self) -> bool:
        # "More than half": exactly half is not enough, and nobody to count is never a quorum.
        return self.base > 0 and self.present * 2 > self.base

    @property
    def needed(self) -> int:
        """The smallest number present that makes a quorum."""
        return majority_of(self.base)


def majority_of(base: int) -> int:
    """The smallest number that is more than half of ``base`` (过半数)."""
    return base // 2 + 1


def quorum(rule: QuorumRule, seats: Iterable[Seat], committee_seats: int = 0,
           voting_base: frozenset[int] | None = None) -> Quorum | None:
    """The quorum a meeting type asks for, or None when it asks for none.

    支部党员大会: present full members > half of the branch's full members with voting rights
    on the day (``voting_base``: active, exempt and away members out), whoever was invited; 预备
    党员 count for attendance, not here. Without a base (plain data), the invited full members
    stand for it. 支部委员会: present committee members > half of the seats.
    """
    seats = list(seats)
    if rule == QuorumRule.FULL_MEMBERS_MAJORITY:
        if voting_base is None:
            voters = [s for s in seats if s.expected and s.full_member]
            return Quorum(rule, sum(s.attended for s in voters), len(voters))
        present = {s.person_id for s in seats if s.attended and s.role == InvitationRole.ATTENDEE}
        return Quorum(rule, len(present & voting_base), len(voting_base))
    if rule == QuorumRule.COMMITTEE_MAJORITY:
        present = sum(s.attended for s in seats if s.committee_member and s.role == InvitationRole.ATTENDEE)
        return Quorum(rule, present, committee_seats)
    return None


def quorums(rules: Iterable[QuorumRule], seats: Iterable[Seat], committee_seats: int = 0,
            voting_base: frozenset[int] | None = None) -> list[Quorum]:
    """Each distinct rule of a meeting's types (one session may count as several types)."""
    seats = list(seats)
    found = [quorum(rule, seats, committee_seats, voting_base) for rule in dict.fromkeys(rules)]
    return [q for q in found if q is not None]


@dataclass(frozen=True)
class Uninvited:
    """支部党员大会 planned for part of the branch: the members with voting rights left out."""

    person_ids: frozenset[int]  # in the voting base, not invited as attendees
    base: int  # the whole voting base, which the quorum is counted against

    @property
    def missing(self) -> int:
        return len(self.person_ids)

    @property
    def invited(self) -> int:
        return self.base - self.missing

    @property
    def needed(self) -> int:
        """How many must come for a quorum, whoever was invited."""
        return majority_of(self.base)


def uninvited_voters(voting_base: frozenset[int], invitee_ids: Iterable[int]) -> Uninvited | None:
    """Who of the quorum's base (DESIGN §5) is not among the attendees invited; None when nobody.

    The quorum of a 党员大会 is counted against the whole base, so a meeting that leaves some of
    them out can still be held, but needs more of those invited to come.
    """
    left_out = frozenset(voting_base) - frozenset(invitee_ids)
    return Uninvited(left_out, len(voting_base)) if left_out else None


@dataclass(frozen=True)
class CheckInWindow:
    """When self check-in (扫码签到) is open: 30 minutes before the start until the end."""

    opens: datetime
    closes: datetime

    def is_open(self, now: datetime) -> bool:
        return self.opens <= now < self.closes


def check_in_window(starts_at: datetime, ends_at: datetime) -> CheckInWindow:
    return CheckInWindow(starts_at - CHECK_IN_OPENS, ends_at)


def self_check_in_mark(starts_at: datetime, now: datetime) -> Attendance:
    """Present, or late when checking in more than 15 minutes after the start."""
    return Attendance.LATE if now > starts_at + LATE_AFTER else Attendance.PRESENT
