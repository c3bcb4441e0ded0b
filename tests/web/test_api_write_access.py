"""Every API write × every viewpoint, on branch a1's objects, with a valid body: who may (200/201),
who sees but may not (403), who cannot even see it (404, or 422 naming the unknown branch),
and the anonymous caller (401). Each cell runs on a fresh database."""
from datetime import timedelta

import pytest

from meetings.domain.scheduling import local_date
from meetings.extensions import db
from meetings.services import responses
from tests.api_client import bearer
from tests.attachment_client import upcoming_meeting
from tests.builders import add_outside_admin
from tests.fixed_time import TEST_NOW
from tests.meeting_builders import branch_member_ids, make_started_meeting, type_id

ROLES = ["admin", "outside_admin", "liaison", "secretary", "recorder", "member", "other_secretary",
         "b_member"]
OFFICERS = {"admin": 200, "secretary": 200, "recorder": 200, "liaison": 403, "member": 403}
ADD = {"admin": 201, "secretary": 201, "recorder": 201, "liaison": 403, "member": 403}
ROSTER = {"admin": 201, "secretary": 201, "recorder": 403, "liaison": 403, "member": 403}

# endpoint: (method, path, body, {role: status}); roles left out cannot see a1's object → 404
# (422 on organization_id for a create: the branch named in the body is unknown to them).
WRITES = {
    "api.create_meeting": ("POST", "/meetings", "plan", {**ADD, "outside_admin": 422,
                                                         "other_secretary": 422, "b_member": 422}),
    "api.update_meeting": ("PATCH", "/meetings/{planned}", {"place": "党员活动室"}, OFFICERS),
    "api.cancel_meeting": ("POST", "/meetings/{planned}/cancel", {"reason": "改期"}, OFFICERS),
    "api.answer": ("PUT", "/meetings/{planned}/rsvp", {"answer": "attending"},
                   {"secretary": 200, "recorder": 200, "member": 200}),  # a1's people are invited
    "api.decide_leave": ("PUT", "/meetings/{planned}/invitations/{leave}/leave", {"decision": "approve"},
                         {"admin": 200, "secretary": 200, "recorder": 403, "member": 403}),
    "api.record_attendance": ("PUT", "/meetings/{started}/attendance", "marks", OFFICERS),
    "api.save_minutes": ("PUT", "/meetings/{started}/minutes", {"body": "## 学习内容"}, OFFICERS),
    "api.add_person": ("POST", "/people", "newcomer", {**ROSTER, "outside_admin": 422,
                                                       "other_secretary": 422, "b_member": 422}),
    "api.update_person": ("PATCH", "/people/{member}", {"note": "援疆"},
                          {"admin": 200, "secretary": 200, "recorder": 403, "liaison": 403, "member": 403}),
}
CONDITIONAL = {"api.update_meeting", "api.cancel_meeting", "api.update_person"}
ETAG_FROM = {"api.update_meeting": "/meetings/{planned}", "api.cancel_meeting": "/meetings/{planned}",
             "api.update_person": "/people/{member}"}


@pytest.fixture
def write_world(world):
    """An upcoming a1 meeting with the member's leave request, a started one, an outside admin."""
    type_id("theme_day")
    add_outside_admin(world)
    world.planned = upcoming_meeting(world)
    world.leave = next(i for i in world.planned.invitations if i.person_id == world["member"].id)
    responses.request_leave(world["member"], world.leave, "出差", TEST_NOW)
    world.started = make_started_meeting(world)
    db.session.commit()
    return world


def _body(world, body):
    if body == "plan":
        day = local_date(TEST_NOW + timedelta(days=7)).isoformat()
        return {"organization_id": world.a1.id, "title": "主题党日", "types": ["theme_day"],
                "starts_at": f"{day}T14:30:00+08:00", "ends_at": f"{day}T16:00:00+08:00",
                "invitee_ids": branch_member_ids(world.a1)}
    if body == "marks":
        return {"marks": [{"invitation_id": i.id, "was": None, "attendance": "present"}
                          for i in world.started.invitations]}
    if body == "newcomer":
        return {"organization_id": world.a1.id, "name": "新同志"}
    return body


def _path(world, path: str) -> str:
    return "/api/v1" + path.format(planned=world.planned.id, started=world.started.id, leave=world.leave.id,
                                   member=world["member"].id)


def _if_match(client, world, endpoint: str, headers: dict) -> dict:
    """The ETag the caller would have read (none when they cannot read it: any tag will do)."""
    if endpoint not in CONDITIONAL:
        return {}
    response = client.get(_path(world, ETAG_FROM[endpoint]), headers=headers)
    return {"If-Match": response.headers.get("ETag", '"unseen"')}


def test_every_write_is_in_the_table(app):
    writes = {r.endpoint for r in app.url_map.iter_rules()
              if r.rule.startswith("/api/v1/") and r.methods & {"POST", "PUT", "PATCH", "DELETE"}}
    assert writes == set(WRITES)


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
@pytest.mark.parametrize("endpoint", sorted(WRITES))
def test_write_access(client, write_world, endpoint, role):
    method, path, body, statuses = WRITES[endpoint]
    headers = {} if role == "anonymous" else bearer(write_world[role], read_only=False)
    headers |= _if_match(client, write_world, endpoint, headers)
    response = client.open(_path(write_world, path), method=method, json=_body(write_world, body),
                           headers=headers)
    expected = 401 if role == "anonymous" else statuses.get(role, 404)
    assert response.status_code == expected, response.get_data(as_text=True)[:500]
    wanted = "application/json" if expected < 400 else "application/problem+json"
    assert response.mimetype == wanted
