"""A PostgreSQL server that really goes away — stopped (as a crash takes it) or a connection
killed by the server — at each point of a request: before it, while its COMMIT is in flight,
after the commit, and while the session is closed. The reader is told the truth each time, the
data is whole, and the same app serves again once the server is back, without a restart.

The server is a private cluster of this module (``pg_cluster``), whatever TEST_DATABASE_URL says.
"""
from __future__ import annotations

import contextlib

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from meetings import create_app
from meetings.extensions import db
from meetings.models import Meeting, MinutesRevision, Person
from tests.api_client import bearer
from tests.builders import PASSWORD, RELAXED_LIMITS, empty_tables, make_world
from tests.conftest import FreshContextClient
from tests.meeting_builders import make_started_meeting

pytestmark = pytest.mark.own_database

API = "/api/v1"


@pytest.fixture(scope="module")
def faulty_app(cluster, tmp_path_factory):
    """The app on the private cluster; ``app.before_teardown`` holds a fault to inject when the
    request's context is torn down (a teardown registered after the app's own runs before it)."""
    app = create_app({"TESTING": True, "DATABASE_URL": cluster.url("orglife"), "SECRET_KEY": "x",
                      "WTF_CSRF_ENABLED": False, **RELAXED_LIMITS,
                      "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads"))})
    app.test_client_class = FreshContextClient
    app.before_teardown = []
    app.teardown_appcontext(lambda _error: app.before_teardown and app.before_teardown.pop()())
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def scene(faulty_app, cluster):
    """The standard world and a meeting that began an hour ago (its id); the server running
    again and the tables emptied afterwards, whatever the test did to it. No app context is
    held meanwhile: each request has its own, as in production."""
    with faulty_app.app_context():
        meeting = make_started_meeting(make_world())
        db.session.commit()
        meeting_id = meeting.id
    yield faulty_app, meeting_id
    if not cluster.running():
        cluster.start()
    with faulty_app.app_context():
        db.session.remove()
        empty_tables()


def _token(app, login: str, *, read_only: bool = True) -> dict:
    with app.app_context():
        person = db.session.scalars(sa.select(Person).filter_by(login=login)).one()
        return bearer(person, read_only=read_only)


@contextlib.contextmanager
def injected(target, name: str, fault):
    """``fault`` runs once at the event ``name`` of ``target`` within the block."""
    event.listen(target, name, fault, once=True)
    try:
        yield
    finally:
        if event.contains(target, name, fault):
            event.remove(target, name, fault)


def _kill_backend(cluster, connection) -> None:
    """The server ends this connection's backend, and we wait until it is gone."""
    pid = connection.info.backend_pid
    cluster.sql(f"SELECT pg_terminate_backend({pid}, 5000)")


def _signed_in(app, login: str):
    client = app.test_client()
    response = client.post("/login", data={"login": login, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def test_pages_are_503_while_the_server_is_down_and_serve_again_when_it_is_back(scene, cluster):
    app, meeting_id = scene
    client = _signed_in(app, "member")
    headers = _token(app, "member")
    assert client.get(f"/meetings/{meeting_id}").status_code == 200

    cluster.stop()
    page = client.get(f"/meetings/{meeting_id}")
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert "未保存任何内容" in page.get_data(as_text=True)
    api = client.get(f"{API}/meetings/{meeting_id}", headers=headers)
    assert api.status_code == 503 and api.mimetype == "application/problem+json"
    assert api.get_json()["saved"] is False

    cluster.start()
    # The pool's connections died with the server; pre-ping replaces them, no restart needed.
    assert client.get(f"/meetings/{meeting_id}").status_code == 200
    assert client.get(f"{API}/meetings/{meeting_id}", headers=headers).status_code == 200


def test_minutes_saved_just_before_the_server_stops_are_reported_saved(scene, cluster):
    """The server stops the moment the draft is committed: the answer was made before the commit
    and needs nothing after it, so the recorder is told revision 1 — which is what is there."""
    app, meeting_id = scene
    headers = _token(app, "recorder", read_only=False)
    with injected(Session, "after_commit", lambda _session: cluster.stop()):
        response = app.test_client().put(f"{API}/meetings/{meeting_id}/minutes", headers=headers,
                                         json={"body": "## 讨论\n\n大家发言踊跃。"})
    assert not cluster.running(), "the fault was not injected"
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["revision"] == 1 and response.headers["ETag"]

    cluster.start()
    with app.app_context():
        saved = db.session.scalars(sa.select(MinutesRevision)).all()
        assert [(r.number, r.body) for r in saved] == [(1, "## 讨论\n\n大家发言踊跃。")]


def test_a_change_saved_before_the_connection_broke_is_reported_saved(scene, cluster):
    """Attendance is committed, then reading the meeting back for the answer fails: a 503 that
    says it was saved (``saved: true``), never "nothing was saved" — and it was."""
    app, meeting_id = scene
    headers = _token(app, "recorder", read_only=False)
    with app.app_context():
        marks = [{"invitation_id": i.id, "was": None, "attendance": "present"}
                 for i in db.session.get(Meeting, meeting_id).invitations]
    with injected(Session, "after_commit", lambda _session: cluster.stop()):
        response = app.test_client().put(f"{API}/meetings/{meeting_id}/attendance", headers=headers,
                                         json={"marks": marks})
    assert response.status_code == 503, response.get_data(as_text=True)
    body = response.get_json()
    assert body["saved"] is True and "已保存" in body["detail"] and "无需重新提交" in body["detail"]

    cluster.start()
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert {i.attendance.value for i in meeting.invitations} == {"present"}


def test_a_commit_whose_answer_is_lost_is_reported_unknown_and_left_whole(scene, cluster):
    """The server kills the connection as the COMMIT goes out: nobody can know from here whether
    it landed, so the answer says exactly that (``saved: null``); the data is all or nothing."""
    app, meeting_id = scene
    headers = _token(app, "recorder", read_only=False)

    def kill_before_commit(connection):
        _kill_backend(cluster, connection.connection.dbapi_connection)

    with injected(_engine(app), "commit", kill_before_commit):
        response = app.test_client().put(f"{API}/meetings/{meeting_id}/minutes", headers=headers,
                                         json={"body": "草稿"})
    assert response.status_code == 503, response.get_data(as_text=True)
    body = response.get_json()
    assert body["saved"] is None and "无法确认" in body["detail"]
    with app.app_context():
        bodies = db.session.scalars(sa.select(MinutesRevision.body)).all()
    assert bodies in ([], ["草稿"])  # whole or not at all
    assert app.test_client().get("/healthz").status_code == 200


def test_a_connection_that_dies_before_the_session_is_closed_is_not_a_500(scene, cluster):
    """The page is rendered; then the server ends the connection that the session would roll
    back on closing. The reader still gets the page, and the next request a new connection."""
    app, meeting_id = scene
    client = _signed_in(app, "member")

    def kill_the_sessions_connection():
        _kill_backend(cluster, db.session.connection().connection.dbapi_connection)

    app.before_teardown.append(kill_the_sessions_connection)
    response = client.get(f"/meetings/{meeting_id}")
    assert not app.before_teardown, "the fault was not injected"
    assert response.status_code == 200
    assert client.get(f"/meetings/{meeting_id}").status_code == 200


def _engine(app) -> sa.Engine:
    with app.app_context():
        return db.engine
