"""会议记录: revisions, conflicts, 定稿, amendments, the hash chain and who reads what."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetings.domain.scheduling import local_date
from meetings.domain.terms import MinutesState
from meetings.extensions import db
from meetings.models import Minutes, MinutesRevision
from meetings.services import attendance, minutes_chain
from meetings.services import minutes as service
from tests.meeting_builders import NOW, make_meeting

START = NOW + timedelta(days=3)
AFTER = START + timedelta(hours=3)
TEXT = "## 学习内容\n\n学习了《中国共产党支部工作条例》。\n\n## 整改措施\n\n- 按月开展主题党日\n"


@pytest.fixture
def meeting(world):
    m = make_meeting(world, starts_at=START, code="org_life_meeting")
    db.session.commit()
    return m


def record_attendance(world, meeting, now=AFTER):
    attendance.record_attendance(world["secretary"], meeting, [], now, all_present=True)


def revisions(meeting) -> list[MinutesRevision]:
    query = (sa.select(MinutesRevision).join(Minutes, Minutes.id == MinutesRevision.minutes_id)
             .where(Minutes.meeting_id == meeting.id).order_by(MinutesRevision.number))
    return list(db.session.scalars(query))


def test_the_editor_starts_from_the_type_template(world, meeting):
    start = service.draft(meeting, None)
    assert start.base == 0 and "## 批评与自我批评" in start.text


def test_every_save_is_a_revision_and_an_unchanged_save_is_not(world, meeting):
    first = service.save_draft(world["recorder"], meeting, TEXT, 0, AFTER)
    second = service.save_draft(world["secretary"], meeting, TEXT + "补充。\r\n", 1, AFTER)
    assert service.save_draft(world["secretary"], meeting, TEXT + "补充。\n", 2, AFTER) is None
    assert (first.number, second.number) == (1, 2)
    assert second.body.endswith("补充。\n")  # CRLF from the browser is normalized
    assert [r.is_final for r in revisions(meeting)] == [False, False]


def test_a_stale_save_writes_nothing_and_hands_back_the_newer_text(world, meeting):
    service.save_draft(world["recorder"], meeting, TEXT, 0, AFTER)
    service.save_draft(world["recorder"], meeting, TEXT + "记录员的补充", 1, AFTER)
    with pytest.raises(service.StaleMinutes) as stale:
        service.save_draft(world["secretary"], meeting, TEXT + "书记的补充", 1, AFTER)
    assert stale.value.current.body.endswith("记录员的补充")
    assert len(revisions(meeting)) == 2


@pytest.mark.parametrize("text", ["", "   \n", "党" * 100_001])
def test_empty_or_oversize_minutes_are_refused(world, meeting, text):
    with pytest.raises(service.MinutesError):
        service.save_draft(world["recorder"], meeting, text, 0, AFTER)
    assert revisions(meeting) == []


def test_finalizing_needs_recorded_attendance(world, meeting):
    service.save_draft(world["recorder"], meeting, TEXT, 0, AFTER)
    with pytest.raises(service.MinutesError, match="登记出勤"):
        service.finalize(world["secretary"], meeting, AFTER)
    assert db.session.scalar(sa.select(Minutes.state)) == MinutesState.DRAFT


def test_the_recorder_may_not_finalize(world, meeting):
    service.save_draft(world["recorder"], meeting, TEXT, 0, AFTER)
    record_attendance(world, meeting)
    with pytest.raises(PermissionError):
        service.finalize(world["recorder"], meeting, AFTER)


def test_final_minutes_are_read_only_and_an_amendment_needs_a_reason(world, meeting):
    service.save_draft(world["recorder"], meeting, TEXT, 0, AFTER)
    record_attendance(world, meeting)
    final = service.finalize(world["secretary"], meeting, AFTER)
    assert final.is_final and final.prev_hash == "0" * 64 and len(final.hash) == 64
    assert final.header["present"] == 3 and final.header["title"] == meeting.title
    with pytest.raises(service.MinutesError, match="已定稿"):
        service.save_draft(world["recorder"], meeting, TEXT + "偷偷改", 2, AFTER)
    with pytest.raises(service.MinutesError, match="更正原因") as error:
        service.amend(world["secretary"], meeting, TEXT + "改正", " ", 2, AFTER)
    assert error.value.field == "reason"
    amended = service.amend(world["secretary"], meeting, TEXT + "改正错字", "更正错别字", 2, AFTER)
    assert amended.prev_hash == final.hash and amended.reason == "更正错别字"
    assert [r.number for r in revisions(meeting)] == [1, 2, 3]
    assert list(minutes_chain.verify_all()) == []


@pytest.mark.parametrize(("days", "late"), [(7, False), (8, True)])
def test_minutes_finalized_more_than_seven_days_after_are_marked_late(world, meeting, days, late):
    service.save_draft(world["recorder"], meeting, TEXT, 0, AFTER)
    record_attendance(world, meeting)
    service.finalize(world["secretary"], meeting, START + timedelta(days=days))
    assert db.session.scalar(sa.select(Minutes.is_late)) is late


def finalized(world, meeting):
    after = meeting.ends_at + timedelta(hours=1)
    service.save_draft(world["recorder"], meeting, TEXT, 0, after)
    record_attendance(world, meeting, now=after)
    service.finalize(world["secretary"], meeting, after)
    service.amend(world["secretary"], meeting, TEXT + "改正", "更正错别字", 2, after)
    db.session.commit()


def test_verify_minutes_names_a_final_revision_edited_in_the_database(world, meeting, app):
    finalized(world, meeting)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["verify-minutes"]).exit_code == 0
    with db.engine.begin() as conn:
        conn.execute(sa.update(MinutesRevision).where(MinutesRevision.number == 2)
                     .values(body="被悄悄改写的内容"))
    result = runner.invoke(args=["verify-minutes"])
    assert result.exit_code == 1
    assert f"会议 meeting {meeting.id}" in result.output and "第 2 版" in result.output


def test_verify_minutes_notices_a_deleted_final_revision(world, meeting, app):
    finalized(world, meeting)
    with db.engine.begin() as conn:
        conn.execute(sa.update(Minutes).values(current_revision_id=None))
        conn.execute(sa.delete(MinutesRevision).where(MinutesRevision.number == 2))
    result = app.test_cli_runner().invoke(args=["verify-minutes"])
    assert result.exit_code == 1 and "第 3 版" in result.output


# ---- pages ----------------------------------------------------------------------------------

def test_writing_previewing_and_finalizing_through_the_pages(world, client, auth, started):
    auth.logout()
    auth.login("recorder")
    editor = client.get(f"/meetings/{started.id}/minutes/edit")
    assert editor.status_code == 200 and "| 事项 | 赞成 | 反对 | 弃权 |" in editor.text
    preview = client.post(f"/meetings/{started.id}/minutes/edit",
                          data={"body": "| 事项 | 赞成 |\n|---|---|\n| 预备党员转正 | 12 |", "base": "0",
                                "preview": "1"})
    assert "<table>" in preview.text and revisions(started) == []
    saved = client.post(f"/meetings/{started.id}/minutes/edit", data={"body": TEXT, "base": "0"},
                        follow_redirects=True)
    assert "会议记录已保存" in saved.text and "草稿" in saved.text
    auth.logout()
    auth.login("secretary")
    refused = client.post(f"/meetings/{started.id}/minutes/finalize", follow_redirects=True)
    assert "请先登记出勤" in refused.text
    client.post(f"/meetings/{started.id}/attendance", data={"all_present": "1"})
    done = client.post(f"/meetings/{started.id}/minutes/finalize", follow_redirects=True)
    assert "会议记录已定稿" in done.text and "应到" in done.text and "符合规定" in done.text


def test_a_stale_save_on_the_page_shows_both_texts(world, client, auth, started):
    service.save_draft(world["secretary"], started, TEXT + "书记先保存", 0, AFTER)
    db.session.commit()
    auth.logout()
    auth.login("recorder")
    response = client.post(f"/meetings/{started.id}/minutes/edit",
                           data={"body": TEXT + "记录员的文字", "base": "0"})
    assert response.status_code == 200
    assert "其他人保存了新的版本" in response.text
    assert "书记先保存" in response.text and "记录员的文字" in response.text
    assert len(revisions(started)) == 1


def test_a_2_mb_text_gets_a_message(world, client, auth, started):
    auth.logout()
    auth.login("recorder")
    response = client.post(f"/meetings/{started.id}/minutes/edit", data={"body": "党" * 700_000, "base": "0"})
    assert response.status_code == 200 and "不能超过" in response.text
    assert revisions(started) == []


def test_drafts_are_for_the_officers_and_final_minutes_for_the_branch(world, client, auth, started):
    service.save_draft(world["recorder"], started, TEXT, 0, AFTER)
    db.session.commit()
    url = f"/meetings/{started.id}/minutes"
    for login, status in [("member", 404), ("liaison", 404), ("other_secretary", 403), ("admin", 200)]:
        auth.logout()
        auth.login(login)
        assert client.get(url).status_code == status, login
    record_attendance(world, started, now=started.starts_at + timedelta(minutes=5))
    service.finalize(world["secretary"], started, AFTER)
    db.session.commit()
    for login, status in [("member", 200), ("liaison", 200), ("other_secretary", 403)]:
        auth.logout()
        auth.login(login)
        assert client.get(url).status_code == status, login
    auth.logout()
    auth.login("member")
    assert client.get(f"/meetings/{started.id}/minutes/edit").status_code == 403


def test_revisions_and_their_diff(world, client, auth, started):
    service.save_draft(world["recorder"], started, "第一行\n第二行", 0, AFTER)
    service.save_draft(world["recorder"], started, "第一行\n第贰行\n第三行", 1, AFTER)
    db.session.commit()
    auth.logout()
    auth.login("secretary")
    listing = client.get(f"/meetings/{started.id}/minutes/revisions")
    assert "第 2 版" in listing.text and "第 1 版" in listing.text
    diff = client.get(f"/meetings/{started.id}/minutes/diff?a=1&b=2")
    assert '<td class="del">第二行</td>' in diff.text and '<td class="ins">第贰行</td>' in diff.text
    missing = client.get(f"/meetings/{started.id}/minutes/diff?a=1&b=9", follow_redirects=True)
    assert "请选择两个要比较的版本" in missing.text


def test_the_printable_record_and_the_year_book(world, client, auth, started):
    finalized(world, started)
    auth.logout()
    auth.login("member")
    page = client.get(f"/meetings/{started.id}/minutes/print")
    assert page.status_code == 200 and "主持人（签字）" in page.text and "记录人（签字）" in page.text
    year = local_date(started.starts_at).year
    book = client.get(f"/branches/{world.a1.id}/records/{year}")
    assert book.status_code == 200 and started.title in book.text and "共 1 次会议" in book.text
    assert client.get(f"/branches/{world.a1.id}/records/1800").status_code == 404
