"""vdirsyncer (the sync engine under khal) reads a personal feed over HTTP into a folder: one
item per meeting. A calendar-level UID once made it take every event for the same item and
keep one (issue 15, "Quirks seen with real clients")."""
import http.server
import shutil
import subprocess
import threading
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest

from meetings.extensions import db
from meetings.services import calendar, meeting_types
from tests.meeting_builders import NOW, make_meeting
from tests.served import child_env

VDIRSYNCER = shutil.which("vdirsyncer", path=str(Path(__file__).resolve().parents[2] / ".venv" / "bin"))


@pytest.fixture
def feed_file(clock, world, tmp_path):
    """The member's feed with three meetings, as the site serves it, in a folder to serve."""
    clock.pin(NOW)
    meeting_types.install_defaults()
    for days, title in ((3, "主题党日"), (10, "支部委员会"), (20, "党课")):
        make_meeting(world, starts_at=NOW + timedelta(days=days), title=title)
    db.session.commit()
    feed = calendar.personal_feed(world["member"], NOW, with_body=True)
    db.session.commit()
    served = tmp_path / "served"
    served.mkdir()
    (served / "feed.ics").write_bytes(feed.body)
    return served / "feed.ics"


@pytest.fixture
def http_server(feed_file):
    handler = lambda *args: http.server.SimpleHTTPRequestHandler(*args, directory=str(feed_file.parent))  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{feed_file.name}"
    server.shutdown()
    server.server_close()


def test_vdirsyncer_keeps_one_item_per_meeting(http_server, tmp_path):
    assert VDIRSYNCER, "vdirsyncer is in requirements-dev.txt"
    local = tmp_path / "calendar"
    local.mkdir()
    config = tmp_path / "config"
    config.write_text(f"""[general]
status_path = "{tmp_path / 'status'}/"

[pair feed]
a = "orglife"
b = "local"
collections = null
conflict_resolution = "a wins"

[storage orglife]
type = "http"
url = "{http_server}"

[storage local]
type = "filesystem"
path = "{local}/"
fileext = ".ics"
""")
    env = child_env()
    for command in ("discover", "sync"):
        done = subprocess.run([VDIRSYNCER, "-c", str(config), command], env=env, capture_output=True,
                              text=True, input="y\n", check=False)
        assert done.returncode == 0, done.stdout + done.stderr
    items = sorted(local.glob("*.ics"))
    assert len(items) == 3
    events = [icalendar.Calendar.from_ical(item.read_bytes()).walk("VEVENT")[0] for item in items]
    titles = {str(event["SUMMARY"]) for event in events}
    assert titles == {"主题党日", "支部委员会", "党课"}
