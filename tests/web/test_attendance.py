"""Attendance: the secretary's sheet, "全部到会", self check-in by QR, the quorum on the page."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetings.domain.terms import Attendance, CheckInMethod, MeetingStatus, MinutesState
from meetings.extensions import db
from meetings.models import AuditEvent, Invitation, Meeting, Minutes
from meetings.services import attendance, responses, scheduling
from meetings.services.attendance import AttendanceError, Mark
from tests.builders import make_person
from tests.fixed_time import TEST_NOW
from tests.meeting_builders import NOW, branch_member_ids, make_fields, make_meeting

START = NOW + timedelta(days=3)
DURING = START + timedelta(minutes=10)


def invitation(meeting, world, login) -> Invitation:
    return next(i for i in meeting.invitations if i.person_id == world[login].id)


def mark(inv, attendance_, reason=None, shown=None) -> Mark:
    return Mark(inv.id, shown, attendance_, reason)


@pytest.fixture
def meeting(world):
    m = make_meeting(world, starts_at=START)
    db.session.commit()
    return m


def test_saving_the_sheet_marks_the_meeting_held_and_freezes_the_summary(world, meeting):
    rows = [mark(invitation(meeting, world, "secretary"), Attendance.PRESENT),
            mark(invitation(meeting, world, "recorder"), Attendance.LATE),
            mark(invitation(meeting, world, "member"), Attendance.ABSENT, "  身体 不适 ")]
    assert attendance.record_attendance(world["secretary"], meeting, rows, DURING) == []
    db.session.commit()
    db.session.expire_all()
    assert meeting.status == MeetingStatus.HELD
    assert (meeting.expected_count, meeting.present_count) == (3, 2)
    assert meeting.attendance_recorded_at == DURING
    assert invitation(meeting, world, "member").absence_reason == "身体 不适"
    assert invitation(meeting, world, "secretary").check_in_method == CheckInMethod.SECRETARY
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "attendance.record"))
    assert {c["person"] for c in event.after["changed"]} == {"张书记", "赵记录", "刘党员"}


def test_the_sheet_cannot_be_saved_before_the_meeting_starts(world, meeting):
    with pytest.raises(AttendanceError, match="会议开始后"):
        attendance.record_attendance(world["secretary"], meeting, [], START - timedelta(minutes=1))


def test_all_present_marks_the_unmarked_and_excused_leave_as_leave(world, meeting):
    leave = invitation(meeting, world, "member")
    responses.request_leave(world["member"], leave, "出差", NOW)
    responses.decide_leave(world["secretary"], leave, True, NOW)
    attendance.record_attendance(world["secretary"], meeting, [], DURING, all_present=True)
    assert leave.attendance == Attendance.LEAVE and leave.absence_reason == "出差"
    assert invitation(meeting, world, "recorder").attendance == Attendance.PRESENT
    assert (meeting.expected_count, meeting.present_count) == (3, 2)


def test_a_self_check_in_made_while_the_sheet_was_open_is_kept(world, meeting):
    member = invitation(meeting, world, "member")
    attendance.self_check_in(world["member"], meeting, meeting.check_in_code, DURING)
    db.session.commit()
    # The secretary's form still showed the member as unmarked and says absent now.
    conflicts = attendance.record_attendance(
        world["secretary"], meeting, [mark(member, Attendance.ABSENT, shown=None)], DURING)
    assert conflicts == ["刘党员"]
    assert member.attendance == Attendance.PRESENT


def test_an_unchanged_row_is_not_rewritten(world, meeting):
    member = invitation(meeting, world, "member")
    attendance.record_attendance(world["secretary"], meeting, [mark(member, Attendance.PRESENT)], DURING)
    attendance.record_attendance(world["secretary"], meeting,
                                 [mark(member, Attendance.PRESENT, shown=Attendance.PRESENT)], DURING)
    assert member.check_in_method == CheckInMethod.SECRETARY


def test_a_row_of_another_meeting_is_refused_and_nothing_written(world, meeting):
    other = make_meeting(world, starts_at=START + timedelta(days=1))
    foreign = Mark(other.invitations[0].id, None, Attendance.PRESENT)
    with pytest.raises(AttendanceError):
        attendance.record_attendance(world["secretary"], meeting, [foreign], DURING)


def test_final_minutes_lock_the_attendance(world, meeting):
    db.session.add(Minutes(meeting_id=meeting.id, state=MinutesState.FINAL))
    with pytest.raises(AttendanceError, match="已定稿"):
        attendance.record_attendance(world["secretary"], meeting, [], DURING)


# ---- self check-in --------------------------------------------------------------------------

@pytest.mark.parametrize(("offset", "expected"), [
    (timedelta(minutes=-30), Attendance.PRESENT), (timedelta(minutes=15), Attendance.PRESENT),
    (timedelta(minutes=16), Attendance.LATE),
])
def test_self_check_in_is_present_or_late(world, meeting, offset, expected):
    got = attendance.self_check_in(world["member"], meeting, meeting.check_in_code.lower(), START + offset)
    assert got == expected == invitation(meeting, world, "member").attendance
    assert invitation(meeting, world, "member").check_in_method == CheckInMethod.SELF


@pytest.mark.parametrize(("code", "offset", "message"), [
    ("WRONG1", timedelta(0), "签到码不正确"),
    (None, timedelta(minutes=-31), "会议开始前 30 分钟"),
    (None, timedelta(hours=2), "会议已经结束"),
])
def test_a_forged_code_or_a_check_in_outside_the_window_is_refused(world, meeting, code, offset, message):
    with pytest.raises(AttendanceError, match=message):
        attendance.self_check_in(world["member"], meeting, code or meeting.check_in_code, START + offset)
    assert invitation(meeting, world, "member").attendance is None


def test_checking_in_twice_is_refused_and_someone_not_invited_cannot(world, meeting):
    attendance.self_check_in(world["member"], meeting, meeting.check_in_code, DURING)
    with pytest.raises(AttendanceError, match="已经签到"):
        attendance.self_check_in(world["member"], meeting, meeting.check_in_code, DURING)
    with pytest.raises(AttendanceError, match="不在本次会议"):
        attendance.self_check_in(world["other_secretary"], meeting, meeting.check_in_code, DURING)


def test_a_check_in_after_the_sheet_updates_the_frozen_numbers_without_an_edit_conflict(world, meeting):
    attendance.record_attendance(world["secretary"], meeting, [], DURING)
    db.session.commit()
    version = meeting.version
    attendance.self_check_in(world["member"], meeting, meeting.check_in_code, DURING)
    db.session.commit()
    row = db.session.execute(sa.select(Meeting.present_count, Meeting.version)
                             .where(Meeting.id == meeting.id)).one()
    assert row == (1, version)


def test_every_meeting_gets_its_own_random_code(world, meeting):
    other = make_meeting(world, starts_at=START + timedelta(days=1))
    assert len(meeting.check_in_code) == 6 and meeting.check_in_code != other.check_in_code


# ---- quorum ---------------------------------------------------------------------------------

def test_an_assembly_with_half_of_the_full_members_has_no_quorum(world):
    make_person(world.a1, "孙正式", login="sun")
    assembly = make_meeting(world, code="branch_assembly", starts_at=START,
                            invitee_ids=branch_member_ids(world.a1))
    rows = [mark(invitation(assembly, world, "secretary"), Attendance.PRESENT),
            mark(invitation(assembly, world, "member"), Attendance.PRESENT)]
    attendance.record_attendance(world["secretary"], assembly, rows, DURING)
    assert assembly.quorum_met is False  # 2 of 4 full members
    attendance.record_attendance(world["secretary"], assembly, [
        mark(invitation(assembly, world, "recorder"), Attendance.PRESENT)], DURING)
    assert assembly.quorum_met is True


def test_a_committee_meeting_counts_the_seats(world):
    meeting = make_meeting(world, code="branch_committee", starts_at=START,
                           invitee_ids=[world["secretary"].id, world["recorder"].id],
                           recorder_id=world["recorder"].id)
    attendance.record_attendance(world["secretary"], meeting, [
        mark(invitation(meeting, world, "secretary"), Attendance.PRESENT)], DURING)
    assert meeting.committee_seats == 1 and meeting.quorum_met is True
    assert invitation(meeting, world, "secretary").committee_member


def test_a_theme_day_asks_for_no_quorum(world, meeting):
    attendance.record_attendance(world["secretary"], meeting, [], DURING, all_present=True)
    assert meeting.quorum_met is None


# ---- pages ----------------------------------------------------------------------------------

def test_the_secretary_records_the_sheet_through_the_page(world, client, auth, started):
    auth.logout()
    auth.login("secretary")
    page = client.get(f"/meetings/{started.id}/attendance")
    assert page.status_code == 200 and "登记出勤" in page.text and "刘党员" in page.text
    member = invitation(started, world, "member")
    response = client.post(f"/meetings/{started.id}/attendance", data={
        f"mark-{member.id}": "absent", f"shown-{member.id}": "", f"reason-{member.id}": "出差",
        "all_present": "1"}, follow_redirects=True)
    assert "出勤情况已保存" in response.text
    db.session.expire_all()
    assert db.session.get(Invitation, member.id).attendance == Attendance.ABSENT
    shown = client.get(f"/meetings/{started.id}")
    assert "应到 3 人，实到 2 人" in shown.text and "符合规定" in shown.text


def test_a_bad_mark_gets_a_message_and_nothing_is_written(world, client, auth, started):
    auth.logout()
    auth.login("recorder")
    member = invitation(started, world, "member")
    response = client.post(f"/meetings/{started.id}/attendance",
                           data={f"mark-{member.id}": "superuser", f"shown-{member.id}": ""})
    assert response.status_code == 200 and "出勤状态无效" in response.text
    db.session.expire_all()
    assert db.session.get(Meeting, started.id).attendance_recorded_at is None


def test_the_member_checks_in_from_the_qr_link(world, client, auth):
    soon = make_meeting(world, now=TEST_NOW, starts_at=TEST_NOW + timedelta(minutes=10))
    db.session.commit()
    auth.logout()
    auth.login("secretary")
    display = client.get(f"/meetings/{soon.id}/check-in/display")
    assert display.status_code == 200 and "<svg" in display.text and soon.check_in_code in display.text
    auth.logout()
    auth.login("member")
    link = client.get(f"/meetings/{soon.id}/check-in?code={soon.check_in_code}")
    assert f'value="{soon.check_in_code}"' in link.text
    assert invitation(soon, world, "member").attendance is None  # a GET changes nothing
    done = client.post(f"/meetings/{soon.id}/check-in", data={"code": soon.check_in_code},
                       follow_redirects=True)
    assert "签到成功" in done.text
    again = client.post(f"/meetings/{soon.id}/check-in", data={"code": soon.check_in_code})
    assert again.status_code == 200 and "checked-in" in again.text  # shows 已签到, once


def test_a_forged_code_on_the_page_is_shown_next_to_the_field(world, client, auth):
    soon = make_meeting(world, now=TEST_NOW, starts_at=TEST_NOW + timedelta(minutes=10))
    db.session.commit()
    auth.logout()
    auth.login("member")
    response = client.post(f"/meetings/{soon.id}/check-in", data={"code": "ZZZZZZ"})
    assert response.status_code == 200 and "签到码不正确" in response.text
    db.session.expire_all()
    assert db.session.get(Invitation, invitation(soon, world, "member").id).attendance is None


def test_inviting_someone_after_the_sheet_recounts_the_frozen_numbers(world, meeting):
    attendance.record_attendance(world["secretary"], meeting, [], DURING, all_present=True)
    newcomer = make_person(world.a1, "吴新到")
    fields = make_fields(world, starts_at=START, invitee_ids=[*branch_member_ids(world.a1)])
    scheduling.update_meeting(world["secretary"], meeting, fields, DURING, version=meeting.version)
    assert newcomer.id in {i.person_id for i in meeting.invitations}
    assert (meeting.expected_count, meeting.present_count) == (4, 3)


@pytest.mark.parametrize("code", ["WRONG1", None])
def test_days_ahead_a_right_code_and_a_wrong_one_get_the_same_answer(world, meeting, code):
    with pytest.raises(AttendanceError, match="会议开始前 30 分钟"):
        attendance.self_check_in(world["member"], meeting, code or meeting.check_in_code,
                                 START - timedelta(days=3))


def test_ten_wrong_codes_then_even_the_right_one_waits(world, client, auth):
    soon = make_meeting(world, now=TEST_NOW, starts_at=TEST_NOW + timedelta(minutes=10))
    db.session.commit()
    auth.logout()
    auth.login("member")
    url = f"/meetings/{soon.id}/check-in"
    wrong = [client.post(url, data={"code": f"{i:06d}"}).status_code for i in range(10)]
    assert wrong == [200] * 10
    assert client.post(url, data={"code": soon.check_in_code}).status_code == 429
    assert invitation(soon, world, "member").attendance is None
    auth.logout()
    auth.login("recorder")  # another person of the meeting is not held up by the guesser
    assert client.post(url, data={"code": soon.check_in_code}).status_code == 302
