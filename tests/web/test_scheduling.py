"""Scheduling, changing and cancelling meetings through the service layer."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetings.domain.terms import InvitationRole, MeetingStatus, PersonStatus, Rsvp
from meetings.extensions import db
from meetings.models import AuditEvent, OutboxMessage
from meetings.services import responses, scheduling
from tests.builders import make_person
from tests.meeting_builders import NOW, make_fields, make_meeting, type_id


def outbox(kind=None):
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


def test_scheduling_invites_every_branch_member_with_email(world):
    meeting = make_meeting(world)
    db.session.commit()
    invited = {i.person_id for i in meeting.invitations}
    assert invited == {world[login].id for login in ("secretary", "recorder", "member")}
    assert meeting.status == MeetingStatus.SCHEDULED and meeting.ical_sequence == 0
    assert meeting.remind_at == meeting.starts_at - timedelta(days=1)
    assert sorted(m.recipient for m in outbox("invite")) == [
        "member@example.org", "recorder@example.org", "secretary@example.org"]


def test_away_and_exempt_members_are_invited_as_optional(world):
    away = make_person(world.a1, "流动党员甲", status=PersonStatus.AWAY)
    meeting = make_meeting(world)
    by_person = {i.person_id: i for i in meeting.invitations}
    assert by_person[away.id].optional and not by_person[world["member"].id].optional


def test_end_before_start_is_refused_and_nothing_is_written(world):
    fields = make_fields(world, minutes=-30)
    with pytest.raises(scheduling.SchedulingError) as error:
        scheduling.schedule_meeting(world["secretary"], world.a1, fields, NOW)
    assert ("ends_at", "结束时间必须晚于开始时间。") in error.value.errors


def test_branch_committee_meeting_needs_a_committee(world):
    fields = make_fields(world, code="branch_committee")
    scheduling.schedule_meeting(world["secretary"], world.a1, fields, NOW)  # a1 has a seat
    other = make_fields(world, code="branch_committee", invitee_ids=[world["other_secretary"].id],
                        host_id=None, recorder_id=None)
    with pytest.raises(scheduling.SchedulingError) as error:
        scheduling.schedule_meeting(world["other_secretary"], world.a2, other, NOW)
    assert error.value.errors[0][0] == "type_ids"


def test_reschedule_bumps_sequence_resets_answers_and_mails_an_update(world):
    meeting = make_meeting(world)
    db.session.commit()
    meeting.invitations[0].rsvp = Rsvp.ATTENDING
    fields = make_fields(world, starts_at=meeting.starts_at + timedelta(hours=2))
    scheduling.update_meeting(world["secretary"], meeting, fields, NOW, version=meeting.version)
    db.session.commit()
    assert meeting.ical_sequence == 1
    assert all(i.rsvp == Rsvp.PENDING for i in meeting.invitations)
    assert len(outbox("update")) == 3
    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.action == "meeting.update"))


def test_a_stale_edit_is_detected(world):
    meeting = make_meeting(world)
    db.session.commit()
    with pytest.raises(scheduling.StaleMeeting):
        scheduling.update_meeting(world["secretary"], meeting, make_fields(world, title="新"), NOW,
                                  version=meeting.version - 1)


def test_cancel_needs_a_reason_and_mails_a_cancellation(world):
    meeting = make_meeting(world)
    db.session.commit()
    with pytest.raises(scheduling.SchedulingError):
        scheduling.cancel_meeting(world["secretary"], meeting, "  ", NOW)
    scheduling.cancel_meeting(world["secretary"], meeting, "与全省视频会议冲突", NOW)
    db.session.commit()
    assert meeting.status == MeetingStatus.CANCELLED and meeting.ical_sequence == 1
    assert meeting.remind_at is None and len(outbox("cancel")) == 3


def test_removed_invitee_gets_a_cancel_and_added_observer_an_invite(world):
    meeting = make_meeting(world)
    db.session.commit()
    keep = [world["secretary"].id, world["recorder"].id]
    guest = world["b_member"].id  # of another committee: named by login on the form
    fields = make_fields(world, invitee_ids=keep, observer_ids=[guest], named_observer_ids=frozenset({guest}))
    scheduling.update_meeting(world["secretary"], meeting, fields, NOW, version=meeting.version)
    db.session.commit()
    assert [m.recipient for m in outbox("cancel")] == ["member@example.org"]
    assert [m.recipient for m in outbox("invite")][-1] == "b_member@example.org"
    roles = {i.person_id: i.role for i in meeting.invitations}
    assert roles[world["b_member"].id] == InvitationRole.OBSERVER


def test_late_record_is_held_and_mails_nobody(world):
    fields = make_fields(world, starts_at=NOW - timedelta(days=5), late_record=True)
    meeting = scheduling.schedule_meeting(world["secretary"], world.a1, fields, NOW)
    assert meeting.is_late_record and meeting.status == MeetingStatus.HELD
    assert outbox() == []


def test_member_may_not_schedule(world):
    with pytest.raises(PermissionError):
        scheduling.schedule_meeting(world["member"], world.a1, make_fields(world), NOW)


def test_changing_only_the_types_touches_the_meeting_row(world, clock):
    meeting = make_meeting(world)
    db.session.commit()
    version, stamp = meeting.version, meeting.updated_at
    clock.advance(timedelta(hours=1))  # updated_at is the site clock's (TimestampMixin)
    fields = make_fields(world, type_ids=[type_id("theme_day"), type_id("party_lecture")])
    scheduling.update_meeting(world["secretary"], meeting, fields, NOW + timedelta(hours=1), version=version)
    db.session.commit()
    assert meeting.version == version + 1 and meeting.updated_at > stamp


def test_a_reminder_is_not_an_edit(world):
    meeting = make_meeting(world)
    db.session.commit()
    version, stamp = meeting.version, meeting.updated_at
    assert responses.queue_due_reminders(meeting.remind_at + timedelta(minutes=1)) == 1
    db.session.commit()
    db.session.expire_all()
    assert meeting.version == version and meeting.updated_at == stamp  # open edit forms stay valid
    assert meeting.remind_at is None and meeting.reminder_sent_at is not None
    assert responses.queue_due_reminders(meeting.starts_at - timedelta(minutes=5)) == 0
