"""Two officers change or cancel the same meeting at the same moment (barrier-synchronized, on
SQLite and PostgreSQL): one wins, the other is told what happened, with what they typed kept;
never a 500, never a half-written meeting."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetings.domain.terms import MeetingStatus
from meetings.extensions import db
from meetings.models import AuditEvent
from meetings.services import scheduling
from tests.fixed_time import TEST_NOW
from tests.meeting_builders import make_meeting
from tests.races import posts_at_once
from tests.web.test_meeting_pages import form_data

ROUNDS = 5


@pytest.fixture
def meeting(world, clock):
    """A meeting of a1 in five days (committed)."""
    meeting = make_meeting(world, now=TEST_NOW, starts_at=TEST_NOW + timedelta(days=5))
    db.session.commit()
    return meeting


def edit(world, meeting, title: str) -> dict:
    return form_data(world, version=str(meeting.version), title=title)


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_saves_of_the_edit_form_at_once_one_wins_one_is_told(app, world, meeting, monkeypatch, round_):
    url, version = f"/meetings/{meeting.id}/edit", meeting.version
    answers = posts_at_once(app, monkeypatch, scheduling, ["update_meeting"], [
        ("secretary", url, edit(world, meeting, "书记的标题")),
        ("admin", url, edit(world, meeting, "管理员的标题"))])
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200, 302]
    loser_text = next(text for status, text in answers if status == 200)
    assert "其他人修改了这次会议" in loser_text
    db.session.expire_all()
    winner = "书记的标题" if answers[0][0] == 302 else "管理员的标题"
    loser = "管理员的标题" if winner == "书记的标题" else "书记的标题"
    assert meeting.title == winner and meeting.version == version + 1
    assert f'value="{loser}"' in loser_text, "what the loser typed is still in the form"
    updates = sa.select(sa.func.count()).where(AuditEvent.action == "meeting.update")
    assert db.session.scalar(updates) == 1


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_cancel_racing_an_edit_never_fails(app, world, meeting, monkeypatch, round_):
    """Both forms name the version they were shown; whichever lands second is refused and says
    why: an edit of a cancelled meeting, or a cancel of a meeting changed meanwhile."""
    answers = posts_at_once(app, monkeypatch, scheduling, ["update_meeting", "cancel_meeting"], [
        ("secretary", f"/meetings/{meeting.id}/edit", edit(world, meeting, "改后的标题")),
        ("admin", f"/meetings/{meeting.id}/cancel", {"reason": "临时取消", "version": str(meeting.version)})])
    (edit_status, edit_text), (cancel_status, _) = answers
    assert cancel_status == 302  # back to the meeting page, with what happened flashed
    db.session.expire_all()
    if edit_status == 200:  # the cancel came first: the edit is refused and says why
        assert "会议已取消，不能再修改" in edit_text and meeting.title != "改后的标题"
        assert meeting.status == MeetingStatus.CANCELLED and meeting.ical_sequence >= 1
    else:  # the edit came first: the cancel, made on the old page, is refused
        assert edit_status == 302 and meeting.title == "改后的标题"
        assert meeting.status == MeetingStatus.SCHEDULED
    changes = sa.select(sa.func.count()).where(AuditEvent.action.in_(["meeting.update", "meeting.cancel"]))
    assert db.session.scalar(changes) == 1


def test_a_cancel_from_a_page_older_than_an_edit_is_refused_and_keeps_its_reason(client, auth, world,
                                                                                  meeting):
    shown, url = meeting.version, f"/meetings/{meeting.id}"
    auth.login("secretary")
    assert client.post(f"{url}/edit", data=edit(world, meeting, "改到周五")).status_code == 302
    response = client.post(f"{url}/cancel", data={"reason": "与上级会议冲突", "version": shown})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "在您取消之前，其他人修改了这次会议" in page
    assert ">与上级会议冲突</textarea>" in page, "the reason typed is in the cancel form again"
    db.session.expire_all()
    assert meeting.status == MeetingStatus.SCHEDULED and meeting.title == "改到周五"
    current = meeting.version
    assert client.post(f"/meetings/{meeting.id}/cancel",
                       data={"reason": "与上级会议冲突", "version": current}).status_code == 302
    db.session.expire_all()
    assert meeting.status == MeetingStatus.CANCELLED
