"""Fixtures shared by the page tests."""
import os

import pytest

from meetings.extensions import db
from meetings.services import meeting_types, requirements
from tests.attachment_client import upcoming_meeting
from tests.meeting_builders import make_started_meeting
from tests.smtp_server import SmtpServer


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path, monkeypatch):
    """Each test stores attachments in its own empty folder, never the real instance/uploads."""
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    return folder


@pytest.fixture
def catalogs_and_import_folder(app, world, tmp_path, monkeypatch):
    """The world with the default meeting types and requirements, and its own import folder."""
    monkeypatch.setitem(app.config, "IMPORT_FOLDER", str(tmp_path))
    meeting_types.install_defaults()
    requirements.install_defaults()
    db.session.commit()
    return world


@pytest.fixture
def meeting(world):
    """An upcoming meeting of branch a1 (test modules may define their own)."""
    return upcoming_meeting(world)


@pytest.fixture
def started(world):
    """A 支部党员大会 of a1 that began an hour ago (committed), for the record's pages."""
    assembly = make_started_meeting(world, code="branch_assembly")
    db.session.commit()
    return assembly


@pytest.fixture
def smtp():
    """A real SMTP server on loopback (aiosmtpd) that a test may stop and start."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_url():
    """The Redis of REDIS_URL; the test skips without one, and fails under REQUIRE_ALL=1."""
    url = os.environ.get("REDIS_URL")
    if not url:
        if os.environ.get("REQUIRE_ALL") == "1":
            pytest.fail("REQUIRE_ALL=1 but REDIS_URL is not set", pytrace=False)
        pytest.skip(reason="needs Redis (REDIS_URL)")
    return url
