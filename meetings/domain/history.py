"""The tree as it was (历史沿革): spans of Beijing dates that units, memberships and committee
seats held, read as they had been recorded by a given moment.

A span is ``[start, end)``: a unit dissolved (撤销) on 12 December existed through the 11th; a
member transferred on 15 June belongs to the new branch from that day. ``None`` at either end
is open: "before OrgLife's records began" or "still so".

Every span also carries when it was written down (``recorded_at``) and when its end was
(``closed_at``), so that an as-of date reconstructs what was known then: a dissolution
recorded after the 通报 cannot change it (:meth:`Recorded.as_of`).

A unit is judged for a period it existed in throughout (:meth:`Span.covers`): a branch founded
on 10 October is judged from November, a party group dissolved in December still counts for
November. Per 支部工作条例 §9, a branch has a 支部委员会 on a day when it has at least seven
full members and an elected committee of at least three seats (:func:`committee_spans`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from meetings.domain.terms import PersonCategory, PersonStatus

COMMITTEE_MIN_FULL_MEMBERS = 7  # 支部工作条例 §9: 正式党员7人以上的党支部设立支部委员会
COMMITTEE_MIN_SEATS = 3  # a committee is elected: one 书记 alone is not one


@dataclass(frozen=True)
class Span:
    """Beijing dates ``[start, end)``; ``None`` leaves that end open."""

    start: date | None = None
    end: date | None = None

    def holds_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)

    def covers(self, first: date, last: date) -> bool:
        """Held on every day from ``first`` to ``last``, both included."""
        return (self.start is None or self.start <= first) and (self.end is None or last < self.end)


ALWAYS = Span()


@dataclass(frozen=True)
class Recorded:
    """A span as the database keeps it, with when it was recorded and when it was closed."""

    span: Span
    recorded_at: datetime | None = None  # None: before records (back-filled, seeded)
    closed_at: datetime | None = None  # when ``span.end`` was written down

    def as_of(self, moment: datetime | None) -> Span | None:
        """The span as known at ``moment`` (None: as known now); None if not yet recorded."""
        if moment is None:
            return self.span
        if self.recorded_at is not None and self.recorded_at > moment:
            return None
        if self.span.end is not None and self.closed_at is not None and self.closed_at > moment:
            return Span(self.span.start, None)
        return self.span


@dataclass(frozen=True)
class MemberSpan:
    """Which branch and party group one person belonged to, and as what, for one span."""

    person_id: int
    branch_id: int | None
    party_group_id: int | None
    category: PersonCategory
    status: PersonStatus
    span: Span = ALWAYS

    @property
    def is_full(self) -> bool:
        """正式党员 still on the roll (away and exempt members included: they are members)."""
        return self.category == PersonCategory.FULL and self.status != PersonStatus.TRANSFERRED_OUT

    @property
    def votes(self) -> bool:
        """In the quorum's base: a full member who is active (exempt and away members are not)."""
        return self.category == PersonCategory.FULL and self.status == PersonStatus.ACTIVE


@dataclass(frozen=True)
class SeatSpan:
    """A seat on a branch committee (支委) held by one person for one span."""

    branch_id: int
    person_id: int
    span: Span = ALWAYS


def voting_base(members: Iterable[MemberSpan], branch_id: int, day: date) -> frozenset[int]:
    """The people whose presence a 支部党员大会 on ``day`` is counted against (法定人数的基数)."""
    return frozenset(m.person_id for m in members
                     if m.branch_id == branch_id and m.votes and m.span.holds_on(day))


def full_members_on(members: Iterable[MemberSpan], branch_id: int, day: date) -> int:
    return len({m.person_id for m in members
                if m.branch_id == branch_id and m.is_full and m.span.holds_on(day)})


def seats_on(seats: Iterable[SeatSpan], branch_id: int, day: date) -> int:
    return len({s.person_id for s in seats if s.branch_id == branch_id and s.span.holds_on(day)})


@dataclass(frozen=True)
class CommitteeStanding:
    """Whether a branch has a 支部委员会 on a day, with the two numbers that decide it."""

    full_members: int
    seats: int

    @property
    def has_committee(self) -> bool:
        return self.full_members >= COMMITTEE_MIN_FULL_MEMBERS and self.seats >= COMMITTEE_MIN_SEATS

    @property
    def reason(self) -> str:
        """Why the 支委会 requirement binds or not: ``elected``, ``too_few_seats`` (a branch big
        enough to elect a committee that has not recorded one) or ``too_few_members``."""
        if self.full_members < COMMITTEE_MIN_FULL_MEMBERS:
            return "too_few_members"
        return "elected" if self.seats >= COMMITTEE_MIN_SEATS else "too_few_seats"


def committee_standing(members: Sequence[MemberSpan], seats: Sequence[SeatSpan], branch_id: int,
                       day: date) -> CommitteeStanding:
    return CommitteeStanding(full_members_on(members, branch_id, day), seats_on(seats, branch_id, day))


def committee_spans(members: Sequence[MemberSpan], seats: Sequence[SeatSpan],
                    branch_id: int) -> tuple[Span, ...]:
    """The spans of days on which ``branch_id`` had a 支部委员会 (≥ 7 full members, ≥ 3 seats)."""
    mine_m = [m for m in members if m.branch_id == branch_id]
    mine_s = [s for s in seats if s.branch_id == branch_id]
    return true_spans(_change_days([m.span for m in mine_m] + [s.span for s in mine_s]),
                      lambda day: committee_standing(mine_m, mine_s, branch_id, day).has_committee)


def _change_days(spans: Iterable[Span]) -> list[date]:
    return sorted({d for s in spans for d in (s.start, s.end) if d is not None})


def true_spans(change_days: list[date], holds: Callable[[date], bool]) -> tuple[Span, ...]:
    """The maximal spans on which ``holds`` is true, given the days it may change on.

    ``holds`` is constant between change days, so it is asked once per stretch: on the day
    before the first change (for the open-ended start; ``date.min`` stands for it) and on each
    change day.
    """
    found: list[Span] = []
    starts: list[date | None] = [None, *change_days]
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else None
        if not holds(start if start is not None else date.min):
            continue
        if found and found[-1].end == start:
            found[-1] = Span(found[-1].start, end)
        else:
            found.append(Span(start, end))
    return tuple(found)


def any_covers_start(spans: Iterable[Span], first: date) -> bool:
    """A requirement that binds only while a condition holds is judged by the period's first day."""
    return any(s.holds_on(first) for s in spans)
