"""``flask seed-scale``: a tiny province in the proportions of DESIGN §7 that obeys the app's own rules."""
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from meetings.domain import absence
from meetings.domain import minutes as minutes_rules
from meetings.domain.terms import Attendance, MeetingStatus, MinutesState, OrgKind
from meetings.extensions import db
from meetings.models import (
    CommitteeSeat,
    Invitation,
    Meeting,
    MeetingType,
    Minutes,
    Organization,
    Person,
    meeting_meeting_type,
)
from meetings.seeding.scale.data import ROOT_NAME
from meetings.services import attendance, minutes_chain, orgs
from tests.builders import empty_tables, make_org

AS_OF = date(2026, 11, 20)
CUTOFF = datetime(2026, 11, 19, 16, 0, tzinfo=UTC)  # 20 November 00:00 in Beijing
ARGS = ["seed-scale", "--branches", "6", "--year", "2026", "--as-of", AS_OF.isoformat()]


def seed(app, *extra: str):
    return app.test_cli_runner().invoke(args=[*ARGS, *extra])


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def meetings_of_type(code: str) -> list[Meeting]:
    link = meeting_meeting_type.c
    return db.session.scalars(sa.select(Meeting).join(meeting_meeting_type, link.meeting_id == Meeting.id)
                              .join(MeetingType, MeetingType.id == link.meeting_type_id)
                              .where(MeetingType.code == code)).all()


def fingerprint() -> list[tuple]:
    columns = (Meeting.title, Meeting.starts_at, Meeting.status, Meeting.present_count)
    return db.session.execute(sa.select(*columns).order_by(Meeting.id)).all()


@pytest.fixture
def seeded(ctx):
    result = seed(ctx)
    assert result.exit_code == 0, result.output
    db.session.remove()
    return result.output


def test_builds_a_province_in_proportion(seeded):
    kinds = dict(db.session.execute(sa.select(Organization.kind, sa.func.count())
                                    .group_by(Organization.kind)).all())
    assert kinds[OrgKind.COMMITTEE] == 1 and kinds[OrgKind.PARTY_COMMITTEE] >= 1
    assert kinds[OrgKind.BRANCH] == 6
    assert 12 <= kinds[OrgKind.PARTY_GROUP] <= 24
    assert 60 <= count(Person) <= 200
    assert 6 * 25 <= count(Meeting) <= 6 * 75
    assert count(Invitation) > 5 * count(Meeting)
    assert "党支部 branches 6" in seeded and "用时 elapsed" in seeded
    root = db.session.scalar(sa.select(Organization).where(Organization.parent_id.is_(None)))
    assert root.name == ROOT_NAME and root.path == f"/{root.id}/" and root.depth == 0


def test_tree_paths_and_rosters_are_consistent(seeded):
    by_id = {o.id: o for o in db.session.scalars(sa.select(Organization))}
    for org in by_id.values():
        if org.parent_id is not None:
            parent = by_id[org.parent_id]
            assert org.path == f"{parent.path}{org.id}/" and org.depth == parent.depth + 1
    for person in db.session.scalars(sa.select(Person)):
        group = by_id[person.party_group_id]
        assert group.kind == OrgKind.PARTY_GROUP and group.parent_id == person.branch_id
        assert person.login is None and person.password_hash is None


def test_committees_only_where_seven_full_members(seeded):
    for branch_id, seats in db.session.execute(sa.select(CommitteeSeat.branch_id, sa.func.count())
                                               .group_by(CommitteeSeat.branch_id)):
        assert 3 <= seats <= 5
        assert count(Person, Person.branch_id == branch_id, Person.category == "full") >= 7


def test_every_meeting_counts_for_a_type(seeded):
    typed = sa.select(meeting_meeting_type.c.meeting_id)
    assert count(Meeting, Meeting.id.not_in(typed)) == 0


def test_group_meetings_belong_to_a_group_of_their_branch(seeded):
    group_meetings = meetings_of_type("group_meeting")
    assert group_meetings
    for meeting in group_meetings:
        group = db.session.get(Organization, meeting.party_group_id)
        assert group.kind == OrgKind.PARTY_GROUP and group.parent_id == meeting.organization_id
        invited = {i.person.party_group_id for i in meeting.invitations}
        assert invited == {group.id}
    others = {m.id for m in meetings_of_type("theme_day")}
    assert count(Meeting, Meeting.id.in_(others), Meeting.party_group_id.is_not(None)) == 0


def test_committee_meetings_only_in_branches_with_seats(seeded):
    committee_meetings = meetings_of_type("branch_committee")
    assert committee_meetings
    seats = defaultdict(set)
    for seat in db.session.scalars(sa.select(CommitteeSeat)):
        seats[seat.branch_id].add(seat.person_id)
    for meeting in committee_meetings:
        assert {i.person_id for i in meeting.invitations} == seats[meeting.organization_id]


def test_recorded_counts_are_those_of_their_invitations(seeded):
    """The frozen 应到/实到/quorum agree with what the app computes from the rows."""
    recorded = db.session.scalars(
        sa.select(Meeting).where(Meeting.attendance_recorded_at.is_not(None))
        .options(selectinload(Meeting.invitations), selectinload(Meeting.types))).all()
    assert len(recorded) > count(Meeting) / 2
    quorums = set()
    for meeting in recorded:
        summary = attendance.summary(meeting)
        assert meeting.status == MeetingStatus.HELD
        tally = summary.tally
        assert (meeting.expected_count, meeting.present_count) == (tally.expected, tally.present)
        assert tally.complete
        assert meeting.quorum_met == summary.quorum_met
        quorums.add(meeting.quorum_met)
    assert quorums >= {None, True}


def test_nothing_after_as_of_is_held(seeded):
    assert count(Meeting, Meeting.starts_at >= CUTOFF) > 0
    assert count(Meeting, Meeting.starts_at >= CUTOFF, Meeting.status != MeetingStatus.SCHEDULED) == 0
    assert count(Invitation, Invitation.attendance.is_not(None),
                 Invitation.meeting_id.in_(sa.select(Meeting.id).where(Meeting.starts_at >= CUTOFF))) == 0
    assert count(Meeting, Meeting.attendance_recorded_at >= CUTOFF) == 0
    assert count(Minutes, Minutes.finalized_at >= CUTOFF) == 0
    assert count(Meeting, Meeting.starts_at < CUTOFF, Meeting.status == MeetingStatus.HELD) > 0


def test_minutes_chain_verifies_and_late_flags_follow_the_rule(seeded, app):
    assert list(minutes_chain.verify_all()) == []
    final = db.session.scalars(sa.select(Minutes).where(Minutes.state == MinutesState.FINAL)).all()
    assert final and count(Minutes, Minutes.current_revision_id.is_(None)) == 0
    for minutes in final:
        assert minutes.is_late == minutes_rules.is_late(minutes.meeting.ends_at, minutes.finalized_at,
                                                        app.config["MINUTES_LATE_DAYS"])


def test_some_member_misses_everything_for_months(seeded):
    """The §31 alert has someone to find: absent from every meeting since 4–7 months ago."""
    marks = defaultdict(list)
    rows = db.session.execute(sa.select(Invitation.person_id, Meeting.starts_at, Invitation.attendance)
                              .join(Meeting).where(Invitation.attendance.is_not(None)))
    for person_id, starts_at, mark in rows:
        marks[person_id].append((starts_at.date(), Attendance(mark)))
    streaks = [absence.streak(m, AS_OF) for m in marks.values()]
    flagged = [s for s in streaks if s is not None and s.level is not None]
    assert 1 <= len(flagged) <= 3
    assert all(AS_OF - s.since <= timedelta(days=7 * 31) for s in flagged)


def start_over() -> None:
    """Empty the database; the session lets go first (TRUNCATE waits for its locks on PostgreSQL)."""
    db.session.remove()
    empty_tables()


def test_same_seed_same_province(seeded, ctx):
    first = fingerprint()
    start_over()
    assert seed(ctx).exit_code == 0
    assert fingerprint() == first
    start_over()
    assert seed(ctx, "--seed", "2").exit_code == 0
    assert fingerprint() != first


def test_second_run_reuses_the_province(seeded, ctx):
    before = (count(Organization), count(Meeting), count(Invitation))
    result = seed(ctx)
    assert result.exit_code == 0, result.output
    assert "未做改动" in result.output
    assert (count(Organization), count(Meeting), count(Invitation)) == before


def test_refuses_a_database_with_other_data(ctx):
    make_org("省直机关工委", OrgKind.COMMITTEE)
    db.session.commit()
    result = seed(ctx)
    assert result.exit_code != 0
    assert "数据库中已有组织数据" in result.output
    assert count(Organization) == 1 and count(Meeting) == 0


def test_app_inserts_after_seeding_without_id_collisions(seeded):
    """The ids were handed out in Python: the database's own sequences must have moved past them."""
    root = db.session.scalar(sa.select(Organization).where(Organization.parent_id.is_(None)))
    unit = orgs.create(None, name="新设机关党委", kind=OrgKind.PARTY_COMMITTEE, parent=root)
    person = Person(name="新党员", branch_id=unit.id)
    db.session.add(person)
    starts = CUTOFF + timedelta(days=3)
    meeting = Meeting(organization_id=unit.id, title="新会议", starts_at=starts,
                      ends_at=starts + timedelta(hours=1), attributed_year=2026)
    db.session.add(meeting)
    db.session.flush()
    db.session.add(Invitation(meeting_id=meeting.id, person_id=person.id))
    db.session.add(Minutes(meeting_id=meeting.id))
    db.session.commit()
    assert unit.id > 1 and meeting.id == db.session.scalar(sa.select(sa.func.max(Meeting.id)))
