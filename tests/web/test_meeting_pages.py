"""The scheduling pages through the test client: schedule, series preview, page, change, cancel,
answer, leave decisions, one-click links, home pages."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetings.domain.scheduling import local_date
from meetings.domain.terms import MeetingStatus, Rsvp
from meetings.extensions import db
from meetings.models import Meeting, OutboxMessage
from meetings.services import links, meeting_types
from tests.fixed_time import TEST_NOW
from tests.meeting_builders import make_meeting, type_id


def future_day(days=10):
    return local_date(TEST_NOW + timedelta(days=days))


def form_data(world, **overrides):
    day = future_day()
    data = {"type_ids": [str(type_id("theme_day"))], "title": "七月主题党日", "agenda": "1. 学习\n2. 讨论",
            "date": day.isoformat(), "start_time": "15:00", "end_time": "17:00", "place": "三楼会议室",
            "online_url": "", "invitees": [str(world[x].id) for x in ("secretary", "recorder", "member")],
            "host_id": str(world["secretary"].id), "recorder_id": str(world["recorder"].id),
            "guests": "", "reminder": "1440", "repeat": ""}
    data.update(overrides)
    return data


def meetings():
    return list(db.session.scalars(sa.select(Meeting).order_by(Meeting.id)))


@pytest.fixture(autouse=True)
def types(world):
    """The nine default meeting types (the migration installs them; tests use create_all)."""
    meeting_types.install_defaults()
    db.session.commit()


@pytest.fixture
def upcoming(world):
    meeting = make_meeting(world, now=TEST_NOW, starts_at=TEST_NOW + timedelta(days=5))
    db.session.commit()
    return meeting


def test_secretary_schedules_a_meeting_and_invitees_are_mailed(world, client, auth):
    auth.login("secretary")
    page = client.get(f"/branches/{world.a1.id}/meetings/new")
    assert page.status_code == 200 and "安排会议" in page.text
    response = client.post(f"/branches/{world.a1.id}/meetings/new", data=form_data(world))
    assert response.status_code == 302
    [meeting] = meetings()
    assert meeting.title == "七月主题党日" and len(meeting.invitations) == 3
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 3
    shown = client.get(response.headers["Location"])
    assert "七月主题党日" in shown.text and "三楼会议室" in shown.text


@pytest.mark.parametrize("overrides, message", [
    ({"end_time": "14:00"}, "结束时间必须晚于开始时间。"),
    ({"date": "2026-02-30"}, "请输入有效的日期"),
    ({"start_time": "25:00"}, "请输入有效的时间"),
    ({"title": "长" * 10_000}, "会议主题不能超过 200 个字。"),
    ({"title": ""}, "请填写会议主题。"),
    ({"type_ids": []}, "请选择会议类型。"),
    ({"host_id": "999999"}, "不是有效的选择"),
    ({"online_url": "javascript:alert(1)"}, "线上会议链接应以"),
    ({"guests": "不存在的人"}, "系统中没有这个人"),
    ({"invitees": []}, "请至少邀请一人参会。"),
])
def test_bad_schedule_input_gets_a_clear_message_and_saves_nothing(world, client, auth, overrides, message):
    auth.login("secretary")
    response = client.post(f"/branches/{world.a1.id}/meetings/new", data=form_data(world, **overrides))
    assert response.status_code == 200 and message in response.text
    assert meetings() == [] and db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_html_in_the_title_is_shown_as_text(world, client, auth):
    auth.login("secretary")
    data = form_data(world, title="<b>x</b><script>1</script>")
    client.post(f"/branches/{world.a1.id}/meetings/new", data=data)
    [meeting] = meetings()
    page = client.get(f"/meetings/{meeting.id}")
    assert "<script>1</script>" not in page.text and "&lt;script&gt;" in page.text


def test_a_past_meeting_needs_the_late_record_box(world, client, auth):
    auth.login("secretary")
    past = local_date(TEST_NOW - timedelta(days=3)).isoformat()
    refused = client.post(f"/branches/{world.a1.id}/meetings/new", data=form_data(world, date=past))
    assert "补录" in refused.text and meetings() == []
    client.post(f"/branches/{world.a1.id}/meetings/new", data=form_data(world, date=past, late_record="y"))
    [meeting] = meetings()
    assert meeting.is_late_record and meeting.status == MeetingStatus.HELD


def test_a_series_is_previewed_then_created_with_a_skipped_date(world, client, auth):
    auth.login("secretary")
    data = form_data(world, repeat="monthly_by_weekday", count="4")
    preview = client.post(f"/branches/{world.a1.id}/meetings/new", data=data)
    assert preview.status_code == 200 and "共 4 个日期" in preview.text and meetings() == []
    dates = re.findall(r'name="include_dates" type="checkbox" value="([0-9-]+)"', preview.text)
    assert len(dates) == 4
    data.update(previewed="1", include_dates=dates[:1] + dates[2:])
    created = client.post(f"/branches/{world.a1.id}/meetings/new", data=data)
    assert created.status_code == 302
    rows = meetings()
    assert len(rows) == 3 and len({m.series_id for m in rows}) == 1  # exactly the dates left ticked
    assert dates[1] not in {local_date(m.starts_at).isoformat() for m in rows}


def test_member_answers_and_secretary_decides_leave(world, client, auth, upcoming):
    auth.login("member")
    page = client.get(f"/meetings/{upcoming.id}")
    assert "我的回复" in page.text and "请假" in page.text
    empty = client.post(f"/meetings/{upcoming.id}/answer", data={"action": "leave", "reason": " "})
    assert empty.status_code == 302
    client.post(f"/meetings/{upcoming.id}/answer", data={"action": "leave", "reason": "出差"})
    invitation = next(i for i in db.session.get(Meeting, upcoming.id).invitations
                      if i.person_id == world["member"].id)
    assert invitation.rsvp == Rsvp.LEAVE_REQUESTED and invitation.leave_reason == "出差"
    auth.logout()
    auth.login("secretary")
    home = client.get("/")
    assert "待审批的请假" in home.text and "出差" in home.text
    client.post(f"/meetings/{upcoming.id}/leave/{invitation.id}", data={"decision": "approve"})
    db.session.expire_all()
    assert db.session.get(type(invitation), invitation.id).rsvp == Rsvp.LEAVE_APPROVED


def test_recorder_may_not_decide_leave_and_member_may_not_edit(world, client, auth, upcoming):
    invitation = upcoming.invitations[0]
    auth.login("recorder")
    assert client.post(f"/meetings/{upcoming.id}/leave/{invitation.id}", data={"decision": "approve"}
                       ).status_code == 403
    auth.logout()
    auth.login("member")
    assert client.get(f"/meetings/{upcoming.id}/edit").status_code == 403
    assert client.post(f"/meetings/{upcoming.id}/cancel", data={"reason": "x"}).status_code == 403


def test_other_branch_member_cannot_see_the_meeting(world, client, auth, upcoming):
    auth.login("b_member")
    # 404: they cannot see a1's objects at all (no existence oracle)
    assert client.get(f"/meetings/{upcoming.id}").status_code == 404


def test_edit_reschedules_and_history_shows_it(world, client, auth, upcoming):
    auth.login("secretary")
    form = client.get(f"/meetings/{upcoming.id}/edit")
    assert form.status_code == 200 and upcoming.title in form.text
    day = local_date(upcoming.starts_at + timedelta(days=1)).isoformat()
    data = form_data(world, date=day, version=str(upcoming.version), title=upcoming.title)
    assert client.post(f"/meetings/{upcoming.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    meeting = db.session.get(Meeting, upcoming.id)
    assert meeting.ical_sequence == 1
    page = client.get(f"/meetings/{upcoming.id}")
    assert "变更记录" in page.text and "有变更" in page.text


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(world, client, auth, upcoming):
    auth.login("secretary")
    data = form_data(world, version=str(upcoming.version - 1), title="被覆盖的标题")
    response = client.post(f"/meetings/{upcoming.id}/edit", data=data)
    assert response.status_code == 200 and "其他人修改了这次会议" in response.text
    db.session.expire_all()
    assert db.session.get(Meeting, upcoming.id).title != "被覆盖的标题"


def test_cancel_needs_a_reason(world, client, auth, upcoming):
    auth.login("secretary")
    client.post(f"/meetings/{upcoming.id}/cancel", data={"reason": ""})
    db.session.expire_all()
    assert db.session.get(Meeting, upcoming.id).status == MeetingStatus.SCHEDULED
    client.post(f"/meetings/{upcoming.id}/cancel", data={"reason": "上级会议冲突"})
    db.session.expire_all()
    assert db.session.get(Meeting, upcoming.id).status == MeetingStatus.CANCELLED
    assert "上级会议冲突" in client.get(f"/meetings/{upcoming.id}").text


def test_one_click_link_answers_without_login(world, client, app, upcoming):
    invitation = next(i for i in upcoming.invitations if i.person_id == world["member"].id)
    with app.test_request_context():
        url = links.rsvp_url(invitation.id, world["member"].id, "attend")
    path = url.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200 and "确认参加" in page.text
    assert db.session.get(type(invitation), invitation.id).rsvp == Rsvp.PENDING  # GET changes nothing
    client.post("/" + path, data={"action": "attend"})
    db.session.expire_all()
    assert db.session.get(type(invitation), invitation.id).rsvp == Rsvp.ATTENDING


@pytest.mark.parametrize("token", ["garbage", "a" * 300, "WzEsMiwiYXR0ZW5kIl0.xxxxxx.yyyyyyyyyyyy"])
def test_a_tampered_link_changes_nothing(world, client, token, upcoming):
    response = client.post(f"/rsvp/{token}", data={"action": "attend"})
    assert response.status_code == 400 and "链接无效或已过期" in response.text
    assert all(i.rsvp == Rsvp.PENDING for i in db.session.get(Meeting, upcoming.id).invitations)


def test_member_home_lists_upcoming_meetings_with_answer_state(world, client, auth, upcoming):
    auth.login("member")
    home = client.get("/")
    assert upcoming.title in home.text and "未回复" in home.text and "订阅到我的日历" in home.text


def test_branch_meeting_list(world, client, auth, upcoming):
    auth.login("liaison")
    page = client.get(f"/branches/{world.a1.id}/meetings")
    assert page.status_code == 200 and upcoming.title in page.text and "安排会议" not in page.text
