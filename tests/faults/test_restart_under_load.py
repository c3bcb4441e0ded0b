"""PostgreSQL stopped and started under load, the site served as deployed (gunicorn, 2 workers):
while the server is away every answer is a 503 with Retry-After in Chinese (pages) or
problem+json (API), never a 500; once it is back the same gunicorn serves 200 again, with no
restart. The private cluster of ``pg_cluster``; clients sign in through the real login form."""
from __future__ import annotations

import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from meetings import clock as site_clock
from meetings import create_app
from meetings.extensions import db
from meetings.models import Person
from tests import served as served_site
from tests.api_client import bearer
from tests.builders import PASSWORD, make_world
from tests.meeting_builders import make_started_meeting
from tests.served import pause

pytestmark = pytest.mark.own_database

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LOGINS = ("member", "secretary", "recorder", "admin", "member", "secretary")  # all see the meeting
TIMEOUT = 20.0


@dataclass(frozen=True)
class Answer:
    at: float  # seconds since the load began (monotonic)
    path: str
    status: int
    retry_after: str | None
    body: str


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """A browser-like client: its own cookies, signed in through the form."""

    def __init__(self, base: str, login: str, api_headers: dict):
        self.base, self.api_headers = base, api_headers
        self.opener = urllib.request.build_opener(NoRedirect(),
                                                  urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        form = self.opener.open(base + "/login", timeout=TIMEOUT).read().decode()
        data = {"csrf_token": CSRF.search(form).group(1), "login": login, "password": PASSWORD}
        try:
            self.opener.open(base + "/login", data=urllib.parse.urlencode(data).encode(), timeout=TIMEOUT)
        except urllib.error.HTTPError as answer:
            assert answer.code == 302, f"sign-in as {login}: HTTP {answer.code}"

    def get(self, path: str, started: float) -> Answer:
        headers = self.api_headers if path.startswith("/api/") else {}
        request = urllib.request.Request(self.base + path, headers=headers)
        try:
            with self.opener.open(request, timeout=TIMEOUT) as response:
                status, retry, body = response.status, response.headers.get("Retry-After"), response.read()
        except urllib.error.HTTPError as answer:
            status, retry, body = answer.code, answer.headers.get("Retry-After"), answer.read()
        return Answer(time.monotonic() - started, path, status, retry, body.decode("utf-8", "replace"))


@pytest.fixture(scope="module")
def served(cluster, tmp_path_factory):
    """The schema and the standard world on the cluster, then gunicorn on it; yields
    (server, meeting id, API headers of the member)."""
    app = create_app({"DATABASE_URL": cluster.url("orglife"), "SECRET_KEY": "x",
                      "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads"))})
    # Module-scoped, so before the autouse clock pin; and gunicorn runs the wall clock (a child
    # process), so the meeting is built as begun by the wall clock, deliberately.
    site_clock.pin(datetime.now(UTC))
    with app.app_context():
        db.create_all()
        meeting_id = make_started_meeting(make_world()).id
        db.session.commit()
        member = db.session.scalars(sa.select(Person).filter_by(login="member")).one()
        api_headers = bearer(member)
        db.engine.dispose()
    site_clock.pin(None)
    env = served_site.child_env(DATABASE_URL=cluster.url("orglife"), SECRET_KEY="restart-under-load",
                                LOGIN_RATE_LIMIT="1000 per minute", LOGIN_IP_RATE_LIMIT="1000 per minute")
    with served_site.gunicorn(env, tmp_path_factory.mktemp("logs")) as server:
        yield server, meeting_id, api_headers


def _load(visitors: list[Visitor], paths: list[str], stop: threading.Event, started: float):
    """Each visitor GETs the paths in turn until ``stop``; (the answers so far, the threads)."""
    answers: list[Answer] = []

    def visit(visitor: Visitor, offset: int) -> None:
        n = offset
        while not stop.is_set():
            answers.append(visitor.get(paths[n % len(paths)], started))
            n += 1

    threads = [threading.Thread(target=visit, args=(v, i)) for i, v in enumerate(visitors)]
    for thread in threads:
        thread.start()
    return answers, threads


def test_a_database_restart_under_load_is_503s_then_200s_without_a_restart(served, cluster):
    server, meeting_id, api_headers = served
    visitors = [Visitor(server.base, login, api_headers) for login in LOGINS]
    paths = ["/", f"/meetings/{meeting_id}", "/api/v1/meetings", f"/api/v1/meetings/{meeting_id}"]
    stop, started = threading.Event(), time.monotonic()
    answers, threads = _load(visitors, paths, stop, started)
    pause(1.5)
    down_at = time.monotonic() - started
    cluster.stop()
    pause(2.0)
    cluster.start()
    up_at = time.monotonic() - started
    pause(3.0)
    stop.set()
    for thread in threads:
        thread.join()

    statuses = Counter(a.status for a in answers)
    print(f"\n{len(answers)} answers: {dict(statuses)}; server down {down_at:.1f}–{up_at:.1f} s")
    assert set(statuses) <= {200, 503}, statuses
    assert statuses[503] > 0, "no request met the stopped server: the fault was not injected"
    for answer in (a for a in answers if a.status == 503):
        assert "Internal Server Error" not in answer.body
        if answer.path.startswith("/api/"):
            # The API's rate limiter raises Retry-After to its own window when that is later.
            assert int(answer.retry_after) >= 30, answer
            assert '"status": 503' in answer.body or '"status":503' in answer.body, answer.body[:200]
        else:
            assert answer.retry_after == "30", answer
            assert "服务暂时不可用" in answer.body and "未保存任何内容" in answer.body
    # The pool's dead connections are replaced on their first use (pre-ping): a second after the
    # server is back, every answer is a 200 again, from the same gunicorn.
    late = [a for a in answers if a.at > up_at + 1.0]
    assert late and all(a.status == 200 for a in late), Counter(a.status for a in late)
    assert server.process.poll() is None
