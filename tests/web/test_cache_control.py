"""What one person sees is stored by nobody (issue 14, low): signed-in pages, exports and API
answers are ``private, no-store``; what anyone may fetch keeps its own caching."""
from meetings.extensions import db
from tests.api_client import bearer
from tests.meeting_builders import held_meeting_with_final_minutes

NO_STORE = "private, no-store"


def test_signed_in_pages_and_exports_are_not_stored(client, auth, world):
    meeting = held_meeting_with_final_minutes(world)
    db.session.commit()
    auth.login("secretary")
    for path in ("/", f"/meetings/{meeting.id}", "/compliance", "/compliance/export.xlsx",
                 f"/branches/{world.a1.id}/import/template.xlsx"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == NO_STORE, path


def test_api_answers_are_not_stored(client, world):
    response = client.get("/api/v1/meetings", headers=bearer(world["member"]))
    assert response.status_code == 200 and response.headers["Cache-Control"] == NO_STORE


def test_the_login_page_and_static_files_keep_their_own_caching(client):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    static = client.get("/static/css/site.css")
    static.close()  # a file response: close what it streams from
    assert "no-store" not in static.headers.get("Cache-Control", "")
