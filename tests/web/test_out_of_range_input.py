"""Numbers past what the database holds and bodies nested past what the parser takes are bad
input like any other: an answer, never a 500 (on SQLite, and on PostgreSQL whose ids are int4)."""
import pytest

from meetings.extensions import db
from tests.api_client import bearer
from tests.meeting_builders import held_meeting_with_final_minutes

TOO_BIG = ["2147483648", "9223372036854775808", "9" * 40, "-1", "１２", "²"]


@pytest.fixture
def meeting(world):
    made = held_meeting_with_final_minutes(world)
    db.session.commit()
    return made


@pytest.mark.parametrize("number", TOO_BIG)
@pytest.mark.parametrize("path", [
    "/compliance?org={n}", "/compliance?type={n}", "/compliance?org={n}&type={n}",
    "/branches/{branch}/meetings?group={n}&campaign={n}",
    "/meetings/{meeting}/minutes/diff?a={n}&b={n}"])
def test_an_id_past_the_database_range_in_a_query_is_no_500(client, auth, world, meeting, path, number):
    auth.login("admin")
    url = path.format(n=number, branch=world.a1.id, meeting=meeting.id)
    response = client.get(url)
    assert response.status_code in (200, 302, 400, 404), (url, response.status_code)


def test_a_json_body_nested_past_the_parser_is_a_400(client, world, meeting):
    headers = bearer(world["recorder"], read_only=False)
    body = "[" * 100_000 + "]" * 100_000
    response = client.put(f"/api/v1/meetings/{meeting.id}/attendance", data=body,
                          headers=headers | {"Content-Type": "application/json"})
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
