"""A full disk for real: the upload and import folders on a small tmpfs of the test's own, filled
to the last byte. Uploads and roster uploads answer "存储空间不足，未保存", no row and no file
is left behind, and once space is freed the same site takes the same file without a restart."""
from __future__ import annotations

import errno
import io
import os
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from meetings import create_app
from meetings.extensions import db
from meetings.models import Attachment, AuditEvent, Person
from tests import file_samples
from tests.api_client import bearer
from tests.attachment_client import post_file
from tests.builders import RELAXED_LIMITS, make_world, roster_xlsx
from tests.conftest import FreshContextClient
from tests.meeting_builders import make_started_meeting

FULL = "存储空间不足，未保存"
ROSTER = roster_xlsx(["孙一", "正式党员", "第一党小组", 13800138000.0, "sun@example.org", "sunyi"])


class SmallDisk:
    """A 1 MiB tmpfs at ``root``; ``fill()`` takes every free byte, ``free()`` gives them back."""

    def __init__(self, root: Path):
        self.root, self.filler = root, root / "filler"
        root.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs", str(root)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise PermissionError(done.stderr.strip() or "mount failed")

    def fill(self) -> None:
        with open(self.filler, "wb") as out:
            try:
                while True:
                    out.write(b"\0" * 65536)
                    out.flush()
            except OSError as error:
                assert error.errno == errno.ENOSPC
        assert os.statvfs(self.root).f_bavail == 0

    def free(self) -> None:
        self.filler.unlink()

    def files(self) -> set[str]:
        """Every file but the filler and the storage lock (empty, kept for good)."""
        found = {str(p.relative_to(self.root)) for p in self.root.rglob("*") if p.is_file()}
        return found - {"filler", "uploads.lock"}

    def unmount(self) -> None:
        subprocess.run(["umount", str(self.root)], check=False)


@pytest.fixture
def disk(app, tmp_path, monkeypatch):
    try:
        made = SmallDisk(tmp_path / "disk")
    except (PermissionError, FileNotFoundError) as reason:
        if os.environ.get("REQUIRE_ALL") == "1":
            pytest.fail(f"REQUIRE_ALL=1 but no tmpfs can be mounted here: {reason}")
        pytest.skip(f"cannot mount a tmpfs: {reason}")
    uploads, imports = made.root / "uploads", made.root / "imports"
    uploads.mkdir(), imports.mkdir()
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(uploads))
    monkeypatch.setitem(app.config, "IMPORT_FOLDER", str(imports))
    yield made
    made.unmount()


@pytest.fixture
def meeting(world):
    made = make_started_meeting(world)
    db.session.commit()
    return made


def upload_roster(client, branch_id: int):
    return client.post(f"/branches/{branch_id}/import", data={"file": (io.BytesIO(ROSTER), "名册.xlsx")},
                       content_type="multipart/form-data")


def _flashes(client, meeting_id: int) -> str:
    return client.get(f"/meetings/{meeting_id}").get_data(as_text=True)


def test_an_upload_to_a_full_disk_is_refused_and_leaves_nothing(client, auth, world, meeting, disk):
    auth.login("recorder")
    data = file_samples.pdf()
    before = disk.files()
    disk.fill()
    response = post_file(client, meeting.id, data, "签到表.pdf")
    assert response.status_code == 302
    assert FULL in _flashes(client, meeting.id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0
    assert not db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "attachment.add"))
    assert disk.files() == before  # no temporary file, no half a file

    disk.free()
    response = post_file(client, meeting.id, data, "签到表.pdf")
    assert "已上传附件" in _flashes(client, meeting.id)
    stored = db.session.scalars(sa.select(Attachment)).one()
    assert (Path(disk.root) / "uploads" / stored.sha256[:2] / stored.sha256).read_bytes() == data


def test_a_roster_upload_to_a_full_disk_says_so_on_the_form(client, auth, world, disk):
    auth.login("secretary")
    before = disk.files()
    disk.fill()
    response = upload_roster(client, world.a1.id)
    assert response.status_code == 200
    assert FULL in response.get_data(as_text=True)
    assert disk.files() == before

    disk.free()
    response = upload_roster(client, world.a1.id)
    assert response.status_code == 302
    assert client.post(response.headers["Location"]).status_code == 302
    assert db.session.scalar(sa.select(Person).where(Person.login == "sunyi")) is not None


def test_a_committed_import_is_reported_done_even_if_the_disk_fills_meanwhile(client, auth, world, disk):
    """Between the preview and the confirm the disk fills: the import still lands and says so
    (its "done" note cannot be written; a repeated confirm then adds no one twice)."""
    auth.login("secretary")
    response = upload_roster(client, world.a1.id)
    preview = response.headers["Location"]
    disk.fill()
    confirmed = client.post(preview)
    assert confirmed.status_code == 302
    assert "已导入 1 名党员" in client.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert len(db.session.scalars(sa.select(Person).where(Person.login == "sunyi")).all()) == 1
    assert disk.files() == set()  # no empty "done" note left
    again = client.post(preview)  # the link is told to be spent, not a bare 404; no one added twice
    assert again.status_code == 302
    assert "这个导入链接已失效" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert len(db.session.scalars(sa.select(Person).where(Person.login == "sunyi")).all()) == 1


@pytest.fixture
def app_on_small_disk(disk, tmp_path):
    """A second app whose SQLite database lives on the small disk, with the standard world."""
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{disk.root}/orglife.db",
                      "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False, **RELAXED_LIMITS,
                      "UPLOAD_FOLDER": str(tmp_path / "uploads")})
    app.test_client_class = FreshContextClient
    with app.app_context():
        db.create_all()
        meeting = make_started_meeting(make_world())
        db.session.commit()
        token = bearer(_recorder(), read_only=False)
        meeting_id = meeting.id
    yield app, meeting_id, token
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _recorder() -> Person:
    return db.session.scalars(sa.select(Person).filter_by(login="recorder")).one()


def test_a_database_on_a_full_disk_answers_507_and_keeps_what_it_had(app_on_small_disk, disk):
    """SQLite cannot write its journal: the API says 507 (no "database away" 503), the reader
    can still read, and the same app writes again once space is freed."""
    app, meeting_id, token = app_on_small_disk
    client = app.test_client()
    disk.fill()
    refused = client.put(f"/api/v1/meetings/{meeting_id}/minutes", headers=token, json={"body": "草稿"})
    assert refused.status_code == 507, refused.get_data(as_text=True)
    assert refused.mimetype == "application/problem+json" and FULL in refused.get_json()["detail"]
    assert client.get(f"/api/v1/meetings/{meeting_id}", headers=token).status_code == 200

    disk.free()
    saved = client.put(f"/api/v1/meetings/{meeting_id}/minutes", headers=token, json={"body": "草稿"})
    assert saved.status_code == 200 and saved.get_json()["revision"] == 1
