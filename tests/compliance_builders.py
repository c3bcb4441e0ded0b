"""Meetings straight into the tables, with every combination the compliance engine judges.

Bypasses the scheduling services on purpose: the engine must judge what is in the database
(a meeting recorded but without quorum, minutes finalized late …) however it got there.
"""
import random
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from meetings import clock
from meetings.domain.terms import MeetingStatus, MinutesState
from meetings.extensions import db
from meetings.models import Meeting, MeetingType, Minutes, Organization
from meetings.services import meeting_types, requirements
from meetings.services.requirements import RequirementFields
from tests.fixed_time import pinned_now

STATUS_MIX = [MeetingStatus.HELD] * 5 + [MeetingStatus.SCHEDULED, MeetingStatus.CANCELLED]


@contextmanager
def recorded_at(moment: datetime):
    """Enter what the block commits as if it had been recorded at ``moment`` (the site's clock
    stands there meanwhile), so that an as-of view of a later day sees it."""
    before = pinned_now()
    clock.pin(moment)
    try:
        yield
    finally:
        clock.pin(before)


def install_rules() -> dict[str, MeetingType]:
    types = {t.code: t for t in meeting_types.install_defaults()}
    requirements.install_defaults()
    return types


def add_meeting(branch: Organization, types: list[MeetingType], starts_at: datetime, *,
                status: MeetingStatus = MeetingStatus.HELD, recorded: bool = True,
                quorum_met: bool | None = None, minutes: MinutesState | None = MinutesState.FINAL,
                minutes_late: bool = False, finalized_at: datetime | None = None,
                group: Organization | None = None, attributed_year: int | None = None,
                campaign_id: int | None = None, hours: int = 2) -> Meeting:
    """One meeting with the record the arguments describe (times are aware UTC)."""
    meeting = Meeting(organization_id=branch.id, party_group_id=group.id if group else None,
                      title="测试会议", starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours),
                      status=status, campaign_id=campaign_id,
                      attributed_year=attributed_year or (starts_at + timedelta(hours=8)).year,
                      attendance_recorded_at=starts_at + timedelta(hours=hours) if recorded else None,
                      quorum_met=quorum_met, types=list(types))
    db.session.add(meeting)
    db.session.flush()
    if minutes is not None:
        done = finalized_at or meeting.ends_at + timedelta(days=1)
        db.session.add(Minutes(meeting_id=meeting.id, state=minutes, is_late=minutes_late,
                               finalized_at=done if minutes == MinutesState.FINAL else None))
    return meeting


def random_meetings(rng: random.Random, branches: list[Organization], groups: dict[int, list[Organization]],
                    types: dict[str, MeetingType], count: int, *,
                    start: datetime = datetime(2025, 12, 1, tzinfo=UTC), hours: int = 24 * 480) -> None:
    """``count`` meetings in ``hours`` from ``start``, in every state the engine tells apart."""
    codes = sorted(types)
    for _ in range(count):
        branch = rng.choice(branches)
        chosen = [types[c] for c in rng.sample(codes, rng.choice((1, 1, 1, 2)))]
        starts = start + timedelta(minutes=rng.randrange(0, 60 * hours))
        group = rng.choice(groups[branch.id]) if groups.get(branch.id) and rng.random() < 0.7 else None
        late_year = starts.month <= 3 and rng.random() < 0.5
        minutes = rng.choice([MinutesState.FINAL, MinutesState.FINAL, MinutesState.DRAFT, None])
        add_meeting(branch, chosen, starts, group=group,
                    status=rng.choice(STATUS_MIX),
                    recorded=rng.random() < 0.9, quorum_met=rng.choice([None, True, True, False]),
                    minutes=minutes, minutes_late=rng.random() < 0.2,
                    attributed_year=(starts + timedelta(hours=8)).year - 1 if late_year else None)
    db.session.flush()


def change_rule(actor, code: str, effective_from, **changes):
    """A new version of the requirement for ``code`` from ``effective_from``."""
    current = next(r for r in requirements.all_versions()
                   if r.meeting_type.code == code and r.effective_to is None)
    fields = RequirementFields(min_count=current.min_count, needs_attendance=current.needs_attendance,
                               needs_quorum=current.needs_quorum,
                               needs_final_minutes=current.needs_final_minutes,
                               effective_from=effective_from)
    for name, value in changes.items():
        setattr(fields, name, value)
    return requirements.change(actor, current, fields)
