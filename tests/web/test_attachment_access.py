"""Reading and removing meeting attachments: downloads with safe headers to those who see the
meeting, 403 to others; deleting until the minutes are 定稿, adding even after."""
import os
import time

import pytest

from meetings.domain.terms import MinutesState
from meetings.extensions import db
from meetings.models import Minutes
from meetings.services import attachments as attachments_service
from tests import file_samples as f
from tests.attachment_client import (
    add,
    attachments,
    audit_actions,
    download,
    flashes,
    post_file,
    stored,
    upcoming_meeting,
)
from tests.fixed_time import TEST_NOW


@pytest.mark.parametrize("role", ["member", "liaison", "admin", "recorder"])
def test_people_who_see_the_meeting_download_with_safe_headers(client, auth, meeting, role):
    data = f.pdf()
    row = add(client, auth, meeting, data, "2026年 决议.pdf")
    auth.login(role)
    response = download(client, row.id)
    assert response.status_code == 200 and response.data == data
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''2026%E5%B9%B4%20%E5%86%B3%E8%AE%AE.pdf" in disposition


def test_photos_are_served_inline_for_thumbnails(client, auth, meeting):
    row = add(client, auth, meeting, f.png(), "合影.png")
    auth.login("member")
    response = download(client, row.id)
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_another_branch_may_not_download(client, auth, meeting):
    row = add(client, auth, meeting)
    auth.login("other_secretary")
    # 404: they cannot see a1's objects at all (no existence oracle)
    assert download(client, row.id).status_code == 404
    auth.logout()
    response = download(client, row.id)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_missing_file_on_disk_is_404_not_500(client, auth, meeting, upload_folder):
    row = add(client, auth, meeting)
    for path in stored(upload_folder):
        path.unlink()
    auth.login("member")
    assert download(client, row.id).status_code == 404


def test_delete_while_the_minutes_are_a_draft(client, auth, meeting, upload_folder):
    row = add(client, auth, meeting)
    db.session.add(Minutes(meeting_id=meeting.id, state=MinutesState.DRAFT))
    db.session.commit()
    auth.login("recorder")
    response = client.post(f"/attachments/{row.id}/delete")
    assert response.status_code == 302
    assert flashes(client, "success") == ["已删除附件“签到表.jpg”。"]
    assert attachments() == [] and len(stored(upload_folder)) == 1, "just uploaded: kept for the grace"
    assert audit_actions() == ["attachment.add", "attachment.remove"]
    result = client.application.test_cli_runner().invoke(args=["sweep-uploads"])
    assert result.exit_code == 0 and "removed 0" in result.output
    assert attachments_service.sweep_unused(now=time.time() + attachments_service.DISCARD_GRACE) == 1
    assert stored(upload_folder) == []


def test_deleting_an_old_unused_file_removes_it_at_once(client, auth, meeting, upload_folder):
    row = add(client, auth, meeting)
    (path,) = stored(upload_folder)
    hours_ago = time.time() - 2 * attachments_service.DISCARD_GRACE
    os.utime(path, (hours_ago, hours_ago))
    auth.login("recorder")
    client.post(f"/attachments/{row.id}/delete")
    assert stored(upload_folder) == []


def test_delete_keeps_bytes_another_attachment_still_uses(client, auth, world, meeting, upload_folder):
    other = upcoming_meeting(world, days=10)
    row = add(client, auth, meeting)
    add(client, auth, other)
    auth.login("secretary")
    client.post(f"/attachments/{row.id}/delete")
    assert len(attachments()) == 1 and len(stored(upload_folder)) == 1


def test_after_minutes_are_final_attachments_stay_but_more_may_be_added(client, auth, meeting, upload_folder):
    row = add(client, auth, meeting)
    db.session.add(Minutes(meeting_id=meeting.id, state=MinutesState.FINAL, finalized_at=TEST_NOW))
    db.session.commit()
    auth.login("secretary")
    assert client.post(f"/attachments/{row.id}/delete").status_code == 302
    assert flashes(client, "error") == ["会议记录已定稿，附件不能再删除。"]
    assert [a.id for a in attachments()] == [row.id] and len(stored(upload_folder)) == 1
    page = client.get(f"/meetings/{meeting.id}").text
    assert f"/attachments/{row.id}/delete" not in page and "附件可以补充，但不能再删除" in page
    assert post_file(client, meeting.id, f.pdf(), "补扫签到表.pdf").status_code == 302
    assert len(attachments()) == 2


@pytest.mark.parametrize("role", ["member", "liaison", "other_secretary"])
def test_only_recorders_may_delete(client, auth, meeting, role):
    row = add(client, auth, meeting)
    auth.login(role)
    expected = 404 if role == "other_secretary" else 403  # 404: not theirs to know of
    assert client.post(f"/attachments/{row.id}/delete").status_code == expected
    assert len(attachments()) == 1


def test_members_see_the_list_without_upload_or_delete(client, auth, meeting):
    row = add(client, auth, meeting, f.pdf(), "决议.pdf")
    auth.login("member")
    page = client.get(f"/meetings/{meeting.id}").text
    assert "决议.pdf" in page and f"/attachments/{row.id}" in page
    assert f"/meetings/{meeting.id}/attachments" not in page
    assert f"/attachments/{row.id}/delete" not in page


