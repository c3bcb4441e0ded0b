"""People enumeration through 列席 observers (issue 14 #6): ids alone add only people the actor
may see; others are named by exact login or e-mail; one message for every refusal; a cap; and
no observer's standing (正式/预备) is shown back."""
import pytest
import sqlalchemy as sa

from meetings.domain.terms import InvitationRole
from meetings.extensions import db
from meetings.models import Invitation, Meeting
from meetings.services import scheduling
from tests.api_client import bearer, problem_fields, send
from tests.meeting_builders import type_id
from tests.web.test_api_meeting_writes import API, plan
from tests.web.test_meeting_pages import form_data

pytestmark = pytest.mark.usefixtures("meeting_types")


@pytest.fixture
def meeting_types(world):
    type_id("theme_day")
    db.session.commit()


def late_record(world, **change) -> dict:
    """A 补录 record (mails nobody): the reviewer's vehicle for reading names back."""
    body = plan(world, late_record=True, **change)
    for key in ("starts_at", "ends_at"):
        body[key] = body[key].replace(body[key][:10], "2026-11-10")
    return body


def meetings_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Meeting))


def test_a_recorder_cannot_add_people_of_other_branches_by_id(client, world):
    headers = bearer(world["recorder"], read_only=False)
    outsiders = [world["b_member"].id, world["other_secretary"].id]
    answer = send(client, "POST", f"{API}/meetings", headers, late_record(world, observer_ids=outsiders), 422)
    assert problem_fields(answer) == {"observer_ids"}
    assert meetings_count() == 0


def test_the_refusal_is_the_same_for_a_missing_id_and_a_hidden_person(client, world):
    headers = bearer(world["recorder"], read_only=False)

    def message(ids):
        body = send(client, "POST", f"{API}/meetings", headers, late_record(world, observer_ids=ids), 422)
        return [e["message"] for e in body.get_json()["errors"]]

    assert message([world["b_member"].id]) == message([999_999])


def test_someone_who_may_see_the_person_adds_them_by_id(client, world):
    headers = bearer(world["admin"], read_only=False)  # root administrator: sees the whole tree
    body = send(client, "POST", f"{API}/meetings", headers, plan(world, observer_ids=[world["b_member"].id]),
                201)
    roles = {i["person_id"]: i for i in client.get(f"{API}/meetings/{body.get_json()['id']}/invitations",
                                                   headers=headers).get_json()["items"]}
    observer = roles[world["b_member"].id]
    assert observer["role"] == "observer" and observer["full_member"] is None  # no standing shown
    member = roles[world["member"].id]
    assert member["full_member"] is True


def test_the_form_adds_a_person_from_elsewhere_named_by_login(client, auth, world):
    auth.login("secretary")
    data = form_data(world, guests="b_member\nother_secretary@example.org")
    response = client.post(f"/branches/{world.a1.id}/meetings/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    meeting = db.session.scalar(sa.select(Meeting))
    observers = {i.person_id for i in meeting.invitations if i.role == InvitationRole.OBSERVER}
    assert observers == {world["b_member"].id, world["other_secretary"].id}


def test_observers_are_capped(client, world, monkeypatch):
    monkeypatch.setattr(scheduling, "MAX_OBSERVERS", 1)
    headers = bearer(world["admin"], read_only=False)
    body = plan(world, observer_ids=[world["b_member"].id, world["other_secretary"].id])
    answer = send(client, "POST", f"{API}/meetings", headers, body, 422)
    assert problem_fields(answer) == {"observer_ids"}
    assert "最多 1 人" in answer.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0


def test_invitees_are_capped(client, world, monkeypatch):
    monkeypatch.setattr(scheduling, "MAX_INVITEES", 2)
    headers = bearer(world["secretary"], read_only=False)
    answer = send(client, "POST", f"{API}/meetings", headers, plan(world), 422)
    assert problem_fields(answer) == {"invitee_ids"}
    assert meetings_count() == 0


def schedule(client, world, guests: str, **change):
    data = form_data(world, guests=guests, **change)
    return client.post(f"/branches/{world.a1.id}/meetings/new", data=data)


def test_lookups_outside_ones_view_are_budgeted_per_hour(app, client, auth, world):
    app.config["GUEST_LOOKUPS_PER_HOUR"] = 3
    auth.login("secretary")
    misses = schedule(client, world, "guess1@example.org\nguess2@example.org\nguess3")
    assert misses.status_code == 200 and misses.text.count("系统中没有这个人") == 3
    spent = schedule(client, world, "b_member")
    assert spent.status_code == 200 and "查找其他单位人员的次数太多" in spent.text
    assert world["b_member"].name not in spent.text  # the over-budget answer names nobody
    assert meetings_count() == 0


def test_people_in_ones_own_view_cost_nothing(app, client, auth, world):
    app.config["GUEST_LOOKUPS_PER_HOUR"] = 1
    auth.login("secretary")
    for _attempt in range(3):  # a preview each time: the lines are read, nothing saved
        page = schedule(client, world, f"{world['recorder'].login}\n{world['member'].email}", preview="1")
        assert page.status_code == 200 and "次数太多" not in page.text
    assert schedule(client, world, "b_member").status_code == 302  # the one outside lookup is still free


def test_resaving_a_meeting_does_not_spend_on_its_own_guests(app, client, auth, world):
    app.config["GUEST_LOOKUPS_PER_HOUR"] = 2
    auth.login("secretary")
    assert schedule(client, world, "b_member\nother_secretary@example.org").status_code == 302
    meeting = db.session.scalar(sa.select(Meeting))
    for _attempt in range(2):
        db.session.refresh(meeting)
        data = form_data(world, guests="b_member\nother_secretary@example.org", version=str(meeting.version),
                         title=f"{meeting.title}（改）")
        assert client.post(f"/meetings/{meeting.id}/edit", data=data).status_code == 302
