"""A 补录 invites the branch as it was on the meeting's day, and editing a meeting already held
keeps the invitation (and mark) of someone who has left since."""
import re
from datetime import UTC, datetime, timedelta

import pytest

from meetings.domain.scheduling import local_date
from meetings.domain.terms import Attendance, PersonStatus
from meetings.extensions import db
from meetings.models import Meeting
from meetings.services import attendance, meeting_types, roster, scheduling
from meetings.services.attendance import Mark
from tests.compliance_builders import recorded_at
from tests.meeting_builders import make_fields, type_id

HELD = datetime(2026, 6, 10, 7, 0, tzinfo=UTC)  # 15:00 in Beijing
LEFT = datetime(2026, 7, 1, 2, 0, tzinfo=UTC)
LATER = datetime(2026, 8, 3, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def types(world):
    meeting_types.install_defaults()
    db.session.commit()


def _leaves(world, who: str, how: str) -> None:
    """``who`` leaves branch a1 on LEFT: transferred to a2, or out of the system."""
    person = world[who]
    with recorded_at(LEFT):
        if how == "moved":
            transfer = roster.request_transfer(world["admin"], person, world.a2, None)
            roster.decide_transfer(world["admin"], transfer, True)
        else:
            roster.set_status(world["admin"], person, PersonStatus.TRANSFERRED_OUT)
        db.session.commit()


@pytest.mark.parametrize("how", ["moved", "transferred_out"])
def test_a_late_record_may_invite_who_was_a_member_on_the_day(world, how):
    _leaves(world, "member", how)
    with recorded_at(LATER):
        fields = make_fields(world, starts_at=HELD, late_record=True,
                             invitee_ids=[world[x].id for x in ("secretary", "recorder", "member")])
        meeting = scheduling.schedule_meeting(world["secretary"], world.a1, fields, LATER)
        db.session.commit()
    assert world["member"].id in {i.person_id for i in meeting.invitations}


def test_an_upcoming_meeting_may_not_invite_who_has_left(world):
    _leaves(world, "member", "moved")
    with recorded_at(LATER):
        fields = make_fields(world, starts_at=LATER + timedelta(days=3),
                             invitee_ids=[world["secretary"].id, world["member"].id])
        with pytest.raises(scheduling.SchedulingError) as refused:
            scheduling.schedule_meeting(world["secretary"], world.a1, fields, LATER)
    assert "会议当天在册" in str(refused.value.errors)


def test_a_late_record_may_not_invite_who_joined_after_and_left_before(world):
    """Someone in the branch neither then nor now (b_member is in another committee's branch)."""
    with recorded_at(LATER):
        fields = make_fields(world, starts_at=HELD, late_record=True,
                             invitee_ids=[world["secretary"].id, world["b_member"].id])
        with pytest.raises(scheduling.SchedulingError):
            scheduling.schedule_meeting(world["secretary"], world.a1, fields, LATER)


def _held_meeting(world) -> Meeting:
    with recorded_at(HELD - timedelta(days=7)):
        fields = make_fields(world, starts_at=HELD,
                             invitee_ids=[world[x].id for x in ("secretary", "recorder", "member")])
        meeting = scheduling.schedule_meeting(world["secretary"], world.a1, fields, HELD - timedelta(days=7))
        db.session.commit()
    with recorded_at(HELD + timedelta(days=1)):
        marks = [Mark(i.id, None, Attendance.PRESENT) for i in meeting.invitations]
        attendance.record_attendance(world["secretary"], meeting, marks, HELD + timedelta(days=1))
        db.session.commit()
    return meeting


def _checked(html: str, name: str) -> list[str]:
    inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
    return [re.search(r'value="([^"]*)"', i).group(1) for i in inputs if "checked" in i]


def test_editing_a_held_meeting_keeps_the_mark_of_who_has_left_since(world, client, auth):
    meeting = _held_meeting(world)
    _leaves(world, "member", "transferred_out")
    with recorded_at(LATER):
        auth.login("secretary")
        page = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
        assert "（已不在本支部）" in page and str(world["member"].id) in _checked(page, "invitees")
        day = local_date(HELD).isoformat()
        data = {"type_ids": [str(type_id("theme_day"))], "title": "更正后的标题", "agenda": meeting.agenda,
                "date": day, "start_time": "15:00", "end_time": "17:00", "place": meeting.place,
                "online_url": "", "invitees": _checked(page, "invitees"),
                "host_id": str(world["secretary"].id), "recorder_id": str(world["recorder"].id),
                "guests": "", "reminder": "1440", "version": str(meeting.version)}
        assert client.post(f"/meetings/{meeting.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    kept = db.session.get(Meeting, meeting.id)
    assert kept.title == "更正后的标题"
    marks = {i.person_id: i.attendance for i in kept.invitations}
    assert marks[world["member"].id] == Attendance.PRESENT and len(marks) == 3


def test_the_new_meeting_form_lists_who_left_this_year_apart(world, client, auth):
    _leaves(world, "member", "moved")
    with recorded_at(LATER):
        auth.login("secretary")
        page = client.get(f"/branches/{world.a1.id}/meetings/new").get_data(as_text=True)
    assert f'{world["member"].name}（已不在本支部）' in page
    assert str(world["member"].id) not in _checked(page, "invitees")  # never picked by default
    assert "只能列入会议当天他们仍在本支部的已召开会议" in page


def test_a_late_record_names_who_joined_after_its_day(world):
    with recorded_at(LEFT):
        transfer = roster.request_transfer(world["admin"], world["b_member"], world.a1, None)
        roster.decide_transfer(world["admin"], transfer, True)
        db.session.commit()
    with recorded_at(LATER):
        fields = make_fields(world, starts_at=HELD, late_record=True,
                             invitee_ids=[world["secretary"].id, world["b_member"].id])
        with pytest.raises(scheduling.SchedulingError) as refused:
            scheduling.schedule_meeting(world["secretary"], world.a1, fields, LATER)
    assert f'{world["b_member"].name} 不是本支部在册的人员' in str(refused.value.errors)


def test_a_refusal_names_no_one_from_another_branch(world):
    with recorded_at(LATER):
        fields = make_fields(world, starts_at=HELD, late_record=True,
                             invitee_ids=[world["secretary"].id, world["b_member"].id])
        with pytest.raises(scheduling.SchedulingError) as refused:
            scheduling.schedule_meeting(world["secretary"], world.a1, fields, LATER)
    assert world["b_member"].name not in str(refused.value.errors)
