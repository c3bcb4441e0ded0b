"""Hand-built compliance scenarios, judged once by the pure engine (tests/unit) and once by
the SQL aggregate on a real database (tests/web): the same expectations for both.

Units: branch ``a1`` (with a committee, groups ``g1`` and ``g2``) and ``a2`` (no committee).
Times are Beijing wall-clock; ``expect`` maps (type code, unit, period key) → status, and a
status of None means "no such cell" (the rule does not bind that unit).
"""
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from meetings.domain.scheduling import BEIJING
from meetings.domain.terms import MeetingStatus


@dataclass(frozen=True)
class M:
    """One meeting of a scenario."""

    types: tuple[str, ...]
    starts: str  # "2026-03-31 23:30" Beijing
    unit: str = "a1"
    group: str | None = None
    status: MeetingStatus = MeetingStatus.HELD
    recorded: bool = True
    quorum: bool | None = None
    minutes: str | None = "final"  # "final" | "draft" | None
    late: bool = False  # minutes finalized after the 7 days (补录)
    year: int | None = None  # attributed year, when not the calendar year
    hours: int = 2

    @property
    def starts_at(self) -> datetime:
        return datetime.fromisoformat(self.starts).replace(tzinfo=BEIJING).astimezone(UTC)


@dataclass(frozen=True)
class Scenario:
    name: str
    now: str  # Beijing wall-clock
    span: str  # period key
    meetings: tuple[M, ...]
    expect: dict
    rule_changes: tuple = field(default=())  # (type code, effective_from, {field: value})

    @property
    def moment(self) -> datetime:
        return datetime.fromisoformat(self.now).replace(tzinfo=BEIJING).astimezone(UTC)


SCENARIOS = (
    Scenario("23:30 on 31 March counts for Q1", "2026-04-10 09:00", "2026-Q1",
             (M(("branch_assembly",), "2026-03-31 23:30", quorum=True, hours=0),),
             {("branch_assembly", "a1", "2026-Q1"): "met", ("branch_assembly", "a2", "2026-Q1"): "missed"}),
    Scenario("00:10 on 1 April does not count for Q1", "2026-04-10 09:00", "2026-Q1",
             (M(("branch_assembly",), "2026-04-01 00:10", quorum=True),),
             {("branch_assembly", "a1", "2026-Q1"): "missed"}),
    Scenario("a January meeting attributed to the previous year's 组织生活会", "2026-02-20 09:00", "2025",
             (M(("org_life_meeting",), "2026-01-15 14:30", year=2025),),
             {("org_life_meeting", "a1", "2025"): "met", ("member_appraisal", "a1", "2025"): "due"}),
    Scenario("the same January meeting leaves 2026 open", "2026-02-20 09:00", "2026",
             (M(("org_life_meeting",), "2026-01-15 14:30", year=2025),),
             {("org_life_meeting", "a1", "2026"): "due"}),
    Scenario("one session counts as 主题党日 and 党课", "2026-05-20 09:00", "2026-05",
             (M(("theme_day", "party_lecture"), "2026-05-08 15:00"),),
             {("theme_day", "a1", "2026-05"): "met", ("party_lecture", "a1", "2026-Q2"): "met"}),
    Scenario("a 党员大会 without quorum does not count", "2026-07-15 09:00", "2026-Q2",
             (M(("branch_assembly",), "2026-06-10 14:30", quorum=False),),
             {("branch_assembly", "a1", "2026-Q2"): "missed"}),
    Scenario("quorum is not asked of a 主题党日", "2026-07-15 09:00", "2026-06",
             (M(("theme_day",), "2026-06-10 14:30", quorum=False),),
             {("theme_day", "a1", "2026-06"): "met"}),
    Scenario("minutes finalized after 7 days make it late", "2026-07-15 09:00", "2026-06",
             (M(("theme_day",), "2026-06-10 14:30", late=True),),
             {("theme_day", "a1", "2026-06"): "late"}),
    Scenario("minutes awaited for 7 days show as scheduled", "2026-07-05 09:00", "2026-06",
             (M(("theme_day",), "2026-06-28 14:30", minutes="draft"),),
             {("theme_day", "a1", "2026-06"): "scheduled"}),
    Scenario("never finalized: missed once the 7 days are over", "2026-07-09 09:00", "2026-06",
             (M(("theme_day",), "2026-06-28 14:30", minutes="draft"),),
             {("theme_day", "a1", "2026-06"): "missed"}),
    Scenario("attendance never recorded: not held", "2026-07-20 09:00", "2026-06",
             (M(("theme_day",), "2026-06-12 14:30", status=MeetingStatus.SCHEDULED, recorded=False,
                minutes=None),),
             {("theme_day", "a1", "2026-06"): "missed"}),
    Scenario("a cancelled meeting does not count", "2026-07-20 09:00", "2026-06",
             (M(("theme_day",), "2026-06-12 14:30", status=MeetingStatus.CANCELLED, minutes=None),),
             {("theme_day", "a1", "2026-06"): "missed"}),
    Scenario("a meeting on the calendar: scheduled", "2026-11-20 09:00", "2026-11",
             (M(("theme_day",), "2026-11-27 15:00", status=MeetingStatus.SCHEDULED, recorded=False,
                minutes=None),),
             {("theme_day", "a1", "2026-11"): "scheduled", ("theme_day", "a2", "2026-11"): "at_risk"}),
    Scenario("14 days or more left: due", "2026-11-17 09:00", "2026-11", (),
             {("theme_day", "a1", "2026-11"): "due"}),
    Scenario("13 days left: at risk", "2026-11-18 09:00", "2026-11", (),
             {("theme_day", "a1", "2026-11"): "at_risk"}),
    Scenario("支部委员会 only where a committee exists", "2026-06-20 09:00", "2026-05",
             (M(("branch_committee",), "2026-05-12 16:00", quorum=True),),
             {("branch_committee", "a1", "2026-05"): "met", ("branch_committee", "a2", "2026-05"): None}),
    Scenario("党小组会 per party group", "2026-06-20 09:00", "2026-05",
             (M(("group_meeting",), "2026-05-12 16:00", group="g1"),),
             {("group_meeting", "g1", "2026-05"): "met", ("group_meeting", "g2", "2026-05"): "missed"}),
    Scenario("a rule changed in September leaves August as it was", "2026-10-10 09:00", "2026-Q3",
             (M(("theme_day",), "2026-08-12 15:00"), M(("theme_day",), "2026-09-11 15:00")),
             {("theme_day", "a1", "2026-08"): "met", ("theme_day", "a1", "2026-09"): "missed"},
             rule_changes=(("theme_day", date(2026, 9, 1), {"min_count": 2}),)),
)
