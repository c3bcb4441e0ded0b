"""The compliance engine (考核): which requirement each organization met, period by period.

Plain data in, plain data out: requirements (``Rule``), the organizations they bind
(``Unit``), meetings (``MeetingFacts``) and ``now``. The dashboard runs the same rules as
one SQL aggregate (``services/compliance/sql.py``); a test holds the two to agreement.

How one meeting stands toward one rule (DESIGN §5): it counts when it is held, attendance
is recorded, the quorum is met where the rule asks for it and the minutes are final.
Records still missing are waited for ``wait_days`` after the meeting ("awaiting minutes");
minutes finalized later than that still count but make the period ``late``.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from meetings.domain.history import ALWAYS, Span, any_covers_start
from meetings.domain.periods import AT_RISK_DAYS, Period, days_left
from meetings.domain.scheduling import local_date
from meetings.domain.terms import AppliesTo, MeetingStatus, OrgKind, PeriodKind

WAIT_DAYS = 7  # default: records are awaited this many days after a meeting


class PeriodStatus(StrEnum):
    """Where an organization stands on one requirement in one period, worst last."""

    MET = "met"
    LATE = "late"  # met only through minutes finalized after the deadline (补录)
    SCHEDULED = "scheduled"  # a qualifying meeting is on the calendar or awaiting its record
    DUE = "due"
    AT_RISK = "at_risk"  # fewer than AT_RISK_DAYS left and nothing scheduled
    MISSED = "missed"


DONE = frozenset({PeriodStatus.MET, PeriodStatus.LATE})


class Standing(StrEnum):
    """How one meeting stands toward one requirement: the "why" the dashboard shows."""

    COUNTS = "counts"
    COUNTS_LATE = "counts_late"  # minutes final, but after wait_days (补录)
    UPCOMING = "upcoming"
    AWAITING_RECORD = "awaiting_record"  # ended; attendance not yet recorded, still in time
    AWAITING_MINUTES = "awaiting_minutes"  # recorded; minutes not yet final, still in time
    NOT_RECORDED = "not_recorded"  # attendance never recorded: not known to be held
    NO_QUORUM = "no_quorum"
    NO_MINUTES = "no_minutes"  # minutes never finalized
    CANCELLED = "cancelled"


COUNTING = frozenset({Standing.COUNTS, Standing.COUNTS_LATE})
PENDING = frozenset({Standing.UPCOMING, Standing.AWAITING_RECORD, Standing.AWAITING_MINUTES})


@dataclass(frozen=True)
class Rule:
    """One version of a requirement: at least ``min_count`` meetings of a type per period."""

    id: int
    type_id: int
    applies_to: AppliesTo
    period: PeriodKind
    min_count: int = 1
    needs_attendance: bool = True
    needs_quorum: bool = False
    needs_final_minutes: bool = True
    effective_from: date = date(2018, 1, 1)
    effective_to: date | None = None
    requirement_id: int | None = None  # versions of one requirement share it

    @property
    def by_attributed_year(self) -> bool:
        """Yearly rules (组织生活会, 民主评议) count meetings by their attributed year."""
        return self.period == PeriodKind.YEAR

    def in_force(self, period: Period) -> bool:
        """A period is judged by the version in force on its first day, so a rule changed in
        September leaves January's results as they were."""
        start = period.first_day
        return self.effective_from <= start and (self.effective_to is None or start <= self.effective_to)

    def binds(self, unit: Unit, period: Period | None = None) -> bool:
        """Whether the rule binds ``unit`` (in ``period``: the tree as it was then)."""
        if period is not None and not unit.existence.covers(period.first_day, period.last_day):
            return False
        if self.applies_to == AppliesTo.PARTY_GROUP:
            return unit.kind == OrgKind.PARTY_GROUP
        if unit.kind != OrgKind.BRANCH:
            return False
        if self.applies_to == AppliesTo.BRANCH:
            return True
        if period is None:
            return bool(unit.committee_spans)
        return any_covers_start(unit.committee_spans, period.first_day)


@dataclass(frozen=True)
class Unit:
    """An organization that requirements bind: a branch or one of its party groups.

    ``existence`` is when it existed (成立 … 撤销); it is judged for the periods it existed in
    throughout. ``committee`` is when a branch had a 支部委员会 (domain.history); a period
    is bound by the 支委会 rule when its first day lies in one. ``has_committee`` is
    shorthand for "always had one".
    """

    id: int
    kind: OrgKind
    has_committee: bool = False
    existence: Span = ALWAYS
    committee: tuple[Span, ...] | None = None

    @property
    def committee_spans(self) -> tuple[Span, ...]:
        if self.committee is not None:
            return self.committee
        return (ALWAYS,) if self.has_committee else ()


@dataclass(frozen=True)
class MeetingFacts:
    """What the engine needs of one meeting (the frozen attendance summary included)."""

    id: int
    organization_id: int
    type_ids: frozenset[int]
    starts_at: datetime
    ends_at: datetime
    status: MeetingStatus
    attributed_year: int
    attendance_recorded: bool = False
    quorum_met: bool | None = None
    minutes_final: bool = False
    minutes_late: bool = False
    minutes_final_at: datetime | None = None
    party_group_id: int | None = None
    campaign_id: int | None = None

    def final_by(self, now: datetime) -> bool:
        """Minutes final as of ``now`` (a dashboard "as of" a past date ignores later 定稿)."""
        return self.minutes_final and (self.minutes_final_at is None or self.minutes_final_at <= now)

    def unit_id(self, rule: Rule) -> int | None:
        return self.party_group_id if rule.applies_to == AppliesTo.PARTY_GROUP else self.organization_id

    def falls_in(self, rule: Rule, period: Period) -> bool:
        if rule.type_id not in self.type_ids:
            return False
        if rule.by_attributed_year:
            return self.attributed_year == period.year
        return period.contains(local_date(self.starts_at))


def standing(meeting: MeetingFacts, rule: Rule, now: datetime, wait_days: int = WAIT_DAYS) -> Standing:
    """Whether ``meeting`` counts for ``rule`` as of ``now``, and if not, why."""
    if meeting.status == MeetingStatus.CANCELLED:
        return Standing.CANCELLED
    if meeting.ends_at > now:
        return Standing.UPCOMING
    in_grace = local_date(now) <= local_date(meeting.ends_at) + timedelta(days=wait_days)
    recorded = meeting.status == MeetingStatus.HELD and (
        meeting.attendance_recorded or not rule.needs_attendance)
    if not recorded:
        return Standing.AWAITING_RECORD if in_grace else Standing.NOT_RECORDED
    if rule.needs_quorum and meeting.quorum_met is False:
        return Standing.NO_QUORUM
    if rule.needs_final_minutes and not meeting.final_by(now):
        return Standing.AWAITING_MINUTES if in_grace else Standing.NO_MINUTES
    if rule.needs_final_minutes and meeting.minutes_late:
        return Standing.COUNTS_LATE
    return Standing.COUNTS


@dataclass(frozen=True)
class Tally:
    """Meetings of one (unit, rule, period) by how they stand; all the status needs."""

    counts: int = 0
    counts_late: int = 0
    pending: int = 0

    @classmethod
    def of(cls, standings: Iterable[Standing]) -> Tally:
        seen = Counter(standings)
        return cls(counts=seen[Standing.COUNTS], counts_late=seen[Standing.COUNTS_LATE],
                   pending=sum(seen[s] for s in PENDING))


def period_status(tally: Tally, rule: Rule, period: Period, today: date) -> PeriodStatus:
    """The status of one period from its tally, as of the Beijing date ``today``."""
    if tally.counts >= rule.min_count:
        return PeriodStatus.MET
    if tally.counts + tally.counts_late >= rule.min_count:
        return PeriodStatus.LATE
    if tally.counts + tally.counts_late + tally.pending >= rule.min_count:
        return PeriodStatus.SCHEDULED
    left = days_left(period, today, rule.by_attributed_year)
    if left == 0:
        return PeriodStatus.MISSED
    return PeriodStatus.AT_RISK if left < AT_RISK_DAYS else PeriodStatus.DUE


@dataclass(frozen=True)
class Cell:
    """One (unit, rule, period) result with the meetings that decided it."""

    unit_id: int
    rule: Rule
    period: Period
    status: PeriodStatus
    meetings: tuple[tuple[int, Standing], ...] = field(default=())


def periods_for(rule: Rule, span: Period, today: date) -> list[Period]:
    """The rule's periods that begin within ``span`` (or contain it) and have begun by today."""
    return [p for p in span.subperiods(rule.period) if p.first_day <= today and rule.in_force(p)]


def evaluate(rules: Sequence[Rule], units: Sequence[Unit], meetings: Sequence[MeetingFacts],
             span: Period, now: datetime, wait_days: int = WAIT_DAYS) -> list[Cell]:
    """Every (unit, rule, period) of ``span`` that has begun by ``now``, with its status."""
    today = local_date(now)
    cells = []
    for rule in rules:
        periods = periods_for(rule, span, today)
        if not periods:
            continue
        for unit in (u for u in units if rule.binds(u)):
            mine = [m for m in meetings if m.unit_id(rule) == unit.id]
            cells += [_cell(unit, rule, period, mine, now, wait_days) for period in periods
                      if rule.binds(unit, period)]
    return cells


def _cell(unit: Unit, rule: Rule, period: Period, meetings: Iterable[MeetingFacts],
          now: datetime, wait_days: int) -> Cell:
    decided = tuple((m.id, standing(m, rule, now, wait_days)) for m in meetings if m.falls_in(rule, period))
    status = period_status(Tally.of(s for _, s in decided), rule, period, local_date(now))
    return Cell(unit.id, rule, period, status, decided)


def completion_rate(done: int, missed: int) -> float | None:
    """完成率 = periods done ÷ periods decided (done or missed); None when nothing is decided.

    Periods still open (due, at risk, scheduled) are neither success nor failure yet.
    """
    decided = done + missed
    return done / decided if decided else None
