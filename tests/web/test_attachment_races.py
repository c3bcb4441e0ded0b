"""One meeting's attachment is deleted while the same bytes are uploaded to another meeting, at
the same moment (barrier-synchronized at the store and the discard): the upload's file is
never lost, and a file nobody uses is removed once the grace has passed."""
import io
import os
import time

import pytest

from meetings.services import attachments as service
from tests import file_samples as f
from tests.attachment_client import add, attachments, download, stored, upcoming_meeting
from tests.races import posts_at_once

ROUNDS = 20


@pytest.fixture
def two_meetings(world, upload_folder):
    return upcoming_meeting(world, days=3), upcoming_meeting(world, days=10)


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_an_upload_racing_a_delete_of_the_same_bytes_keeps_its_file(app, client, auth, world, two_meetings,
                                                                    upload_folder, monkeypatch, round_):
    first, second = two_meetings
    data = f.jpeg()
    row = add(client, auth, first, data=data)
    (path,) = stored(upload_folder)
    long_ago = time.time() - 2 * service.DISCARD_GRACE  # old enough that a discard may remove it
    os.utime(path, (long_ago, long_ago))
    answers = posts_at_once(app, monkeypatch, service, ["_store", "discard_if_unused"], [
        ("secretary", f"/attachments/{row.id}/delete", {}),
        ("recorder", f"/meetings/{second.id}/attachments",
         {"attachment-kind": "photo", "attachment-file": (io.BytesIO(data), "同一张照片.jpg")})])
    assert [status for status, _ in answers] == [302, 302]
    (kept,) = attachments()
    assert kept.meeting_id == second.id
    assert path.exists() and path.read_bytes() == data, "the upload said 已上传: its bytes must be there"
    auth.login("recorder")
    assert download(client, kept.id).status_code == 200
    assert service.sweep_unused(now=time.time() + 2 * service.DISCARD_GRACE) == 0, "still in use"
