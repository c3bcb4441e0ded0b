"""/api/v1 writes on meetings: schedule, change (If-Match), cancel, answer, decide leave —
the same services as the pages, refusals as problems, and nothing half-written."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetings.domain.scheduling import local_date
from meetings.domain.terms import MeetingStatus, Rsvp
from meetings.extensions import db
from meetings.models import AuditEvent, Invitation, Meeting, OutboxMessage
from meetings.services import scheduling
from tests.api_client import assert_matches, at_once, bearer, get_json, problem_fields, send
from tests.attachment_client import upcoming_meeting
from tests.fixed_time import TEST_NOW
from tests.meeting_builders import branch_member_ids, held_meeting_with_final_minutes, type_id

API = "/api/v1"


@pytest.fixture(autouse=True)
def meeting_types(world):
    type_id("theme_day")  # installs the default types
    db.session.commit()


def writer(world, login: str = "secretary") -> dict:
    return bearer(world[login], read_only=False)


def plan(world, **change) -> dict:
    """A valid body for a 主题党日 of a1 next week, 14:30–16:30 Beijing time."""
    day = local_date(TEST_NOW + timedelta(days=7)).isoformat()
    return {"organization_id": world.a1.id, "title": "学习二十届四中全会精神", "types": ["theme_day"],
            "starts_at": f"{day}T14:30:00+08:00", "ends_at": f"{day}T16:30:00+08:00",
            "invitee_ids": branch_member_ids(world.a1), "place": "三楼会议室", "agenda": "1. 学习\n2. 讨论",
            "host_id": world["secretary"].id, **change}


def counts() -> tuple[int, int, int, int]:
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m))
                 for m in (Meeting, Invitation, OutboxMessage, AuditEvent))


# ---- schedule ---------------------------------------------------------------------------------

def test_secretary_schedules_a_meeting_and_its_invitees_are_mailed(client, world):
    mails_before = counts()[2]
    response = send(client, "POST", f"{API}/meetings", writer(world), plan(world), 201)
    body = response.get_json()
    assert_matches(body, "Meeting")
    assert response.headers["Location"] == body["url"]
    assert response.headers["ETag"].startswith(f'"meeting-{body["id"]}-v')
    assert body["organization_id"] == world.a1.id and body["status"] == "scheduled"
    assert body["local"]["starts_at"].endswith("T14:30:00+08:00")
    meeting = db.session.get(Meeting, body["id"])
    assert {i.person_id for i in meeting.invitations} == set(branch_member_ids(world.a1))
    assert counts()[2] - mails_before == len(meeting.invitations)  # through the outbox
    assert db.session.scalar(sa.select(AuditEvent.action).where(
        AuditEvent.object_type == "meeting", AuditEvent.object_id == meeting.id)) == "meeting.schedule"


@pytest.mark.parametrize(("login", "status"), [("member", 403), ("liaison", 403), ("b_member", 422),
                                               ("other_secretary", 422)])
def test_only_those_who_schedule_for_the_branch_may(client, world, login, status):
    """Seen but not theirs: 403; a branch they cannot see reads as unknown (422 on the id)."""
    headers = writer(world, login)
    before = counts()
    response = send(client, "POST", f"{API}/meetings", headers, plan(world), status)
    if status == 422:
        assert problem_fields(response) == {"organization_id"}
    assert counts() == before


def test_a_read_only_token_may_not_write(client, world):
    response = send(client, "POST", f"{API}/meetings", bearer(world["secretary"]), plan(world), 403)
    assert response.get_json()["type"].endswith("/read-only-token")


@pytest.mark.parametrize(("change", "fields"), [
    ({"title": " ", "starts_at": "2026-07-01T14:30:00"}, {"title", "starts_at"}),  # no offset
    ({"ends_at": "2026-02-30T10:00:00+08:00"}, {"ends_at"}),
    ({"types": ["no_such_type"], "invitee_ids": [0, "1"]}, {"types", "invitee_ids"}),
    ({"titel": "typo", "late_record": "yes"}, {"titel", "late_record"}),
    ({"online_url": "javascript:alert(1)", "reminder_minutes": -5}, {"online_url", "reminder_minutes"}),
    ({"title": "x" * 201, "host_id": True}, {"title", "host_id"}),
    ({"title": "主题\u202e党日"}, {"title"}),  # a bidi override would disguise the title
])
def test_bad_members_are_each_named_and_nothing_is_written(client, world, change, fields):
    headers = writer(world)
    before = counts()
    response = send(client, "POST", f"{API}/meetings", headers, plan(world, **change), 422)
    assert problem_fields(response) == fields
    assert_matches(response.get_json(), "ValidationProblem")
    assert counts() == before


def test_the_domain_rules_answer_through_the_api(client, world):
    """Ends before it starts, an invitee from another branch: the service's own messages."""
    other = world["other_secretary"].id
    body = plan(world, invitee_ids=[*branch_member_ids(world.a1), other])
    body["ends_at"] = body["starts_at"].replace("14:30", "13:00")
    response = send(client, "POST", f"{API}/meetings", writer(world), body, 422)
    assert problem_fields(response) == {"ends_at", "invitee_ids"}


@pytest.mark.parametrize(("data", "content_type", "status"), [
    ("title=x", "application/x-www-form-urlencoded", 415), ("[1, 2]", "application/json", 400),
    ("{not json", "application/json", 400), ("", "application/json", 400)])
def test_a_body_that_is_not_a_json_object_is_refused(client, world, data, content_type, status):
    response = client.post(f"{API}/meetings", data=data, content_type=content_type, headers=writer(world))
    assert response.status_code == status and response.mimetype == "application/problem+json"


# ---- change and cancel ---------------------------------------------------------------------------

@pytest.fixture
def planned(world):
    return upcoming_meeting(world)


def test_a_change_needs_the_etag_of_the_version_read(client, world, planned):
    url, headers = f"{API}/meetings/{planned.id}", writer(world)
    send(client, "PATCH", url, headers, {"place": "党员活动室"}, 428)
    send(client, "PATCH", url, headers, {"place": "党员活动室"}, 412,
         more_headers={"If-Match": '"meeting-0-v9"'})
    etag = client.get(url, headers=headers).headers["ETag"]
    sequence = planned.ical_sequence
    response = send(client, "PATCH", url, headers, {"place": "党员活动室"}, more_headers={"If-Match": etag})
    changed = response.get_json()
    assert changed["place"] == "党员活动室" and changed["title"] == planned.title  # the rest kept
    assert response.headers["ETag"] != etag
    db.session.expire_all()
    assert db.session.get(Meeting, planned.id).ical_sequence == sequence + 1
    # The old ETag is now stale: a second script that read before the change is refused.
    send(client, "PATCH", url, headers, {"place": "会议室"}, 412, more_headers={"If-Match": etag})


def test_a_change_the_page_made_meanwhile_is_not_overwritten(client, auth, world, planned):
    url, headers = f"{API}/meetings/{planned.id}", writer(world)
    etag = client.get(url, headers=headers).headers["ETag"]
    planned.place = "改在二楼"  # the secretary saved the form in between
    db.session.commit()
    send(client, "PATCH", url, headers, {"title": "新主题"}, 412, more_headers={"If-Match": etag})
    db.session.expire_all()
    assert db.session.get(Meeting, planned.id).title == planned.title


def test_cancel_with_a_reason_then_no_second_cancel(client, world, planned):
    url, headers = f"{API}/meetings/{planned.id}", writer(world)
    etag = client.get(url, headers=headers).headers["ETag"]
    send(client, "POST", f"{url}/cancel", headers, {"reason": ""}, 422, more_headers={"If-Match": etag})
    response = send(client, "POST", f"{url}/cancel", headers, {"reason": "与全省视频会议冲突"},
                    more_headers={"If-Match": etag})
    assert response.get_json()["status"] == "cancelled"
    again = client.get(url, headers=headers).headers["ETag"]
    send(client, "POST", f"{url}/cancel", headers, {"reason": "再次"}, 409, more_headers={"If-Match": again})
    send(client, "PATCH", url, headers, {"place": "x"}, 409, more_headers={"If-Match": again})


def test_a_held_meeting_cannot_be_cancelled(client, world):
    held = held_meeting_with_final_minutes(world)
    db.session.commit()
    url, headers = f"{API}/meetings/{held.id}", writer(world)
    etag = client.get(url, headers=headers).headers["ETag"]
    send(client, "POST", f"{url}/cancel", headers, {"reason": "补"}, 409, more_headers={"If-Match": etag})


@pytest.mark.parametrize(("login", "status"), [("member", 403), ("liaison", 403), ("other_secretary", 404),
                                               ("b_member", 404), ("recorder", 200)])
def test_who_may_change_a_meeting(client, world, planned, login, status):
    headers = writer(world, login)
    send(client, "PATCH", f"{API}/meetings/{planned.id}", headers, {"place": "x"}, status,
         more_headers={"If-Match": f'"meeting-{planned.id}-v{planned.version}"'})


# ---- invitations, answers, leave -----------------------------------------------------------------

def test_officers_see_every_invitation_an_invitee_only_their_own(client, world, planned):
    url = f"{API}/meetings/{planned.id}/invitations?per_page=2"
    from tests.api_client import walk
    everyone = walk(client, url, writer(world), "InvitationPage")
    assert len(everyone) == len(planned.invitations)
    own = walk(client, url, bearer(world["member"]), "InvitationPage")
    assert [i["person_id"] for i in own] == [world["member"].id]
    get_json(client, url, bearer(world["other_secretary"]), 404)


def test_a_member_answers_and_the_secretary_decides_their_leave(client, world, planned):
    base = f"{API}/meetings/{planned.id}"
    mine = writer(world, "member")
    send(client, "PUT", f"{base}/rsvp", mine, {"answer": "leave"}, 422)
    response = send(client, "PUT", f"{base}/rsvp", mine, {"answer": "leave", "reason": "赴外地出差"})
    invitation = response.get_json()
    assert_matches(invitation, "Invitation")
    assert invitation["rsvp"] == "leave_requested" and invitation["leave_reason"] == "赴外地出差"
    leave_url = f"{base}/invitations/{invitation['id']}/leave"
    send(client, "PUT", leave_url, mine, {"decision": "approve"}, 403)  # not their own to approve
    decided = send(client, "PUT", leave_url, writer(world), {"decision": "approve"}).get_json()
    assert decided["rsvp"] == Rsvp.LEAVE_APPROVED.value
    send(client, "PUT", leave_url, writer(world), {"decision": "reject"}, 409)  # already decided
    send(client, "PUT", f"{base}/rsvp", mine, {"answer": "maybe"}, 422)


def test_only_invitees_answer_and_only_while_answers_are_open(client, world, planned):
    base = f"{API}/meetings/{planned.id}"
    send(client, "PUT", f"{base}/rsvp", writer(world, "liaison"), {"answer": "attending"}, 404)
    planned.status = MeetingStatus.CANCELLED
    db.session.commit()
    send(client, "PUT", f"{base}/rsvp", writer(world, "member"), {"answer": "attending"}, 409)


def test_whole_numbers_written_as_decimals_are_ids_but_true_is_not(client, world):
    body = plan(world, host_id=float(world["secretary"].id),
                invitee_ids=[float(i) for i in branch_member_ids(world.a1)])
    created = send(client, "POST", f"{API}/meetings", writer(world), body, 201).get_json()
    assert db.session.get(Meeting, created["id"]).host_id == world["secretary"].id
    refused = send(client, "POST", f"{API}/meetings", writer(world),
                   plan(world, host_id=True, campaign_id=1.5), 422)
    assert problem_fields(refused) == {"host_id", "campaign_id"}


def test_two_changes_from_the_same_reading_at_once_one_wins_one_is_told(app, client, world, planned,
                                                                         monkeypatch):
    """Both pass the If-Match check before either writes: the row's version decides (412)."""
    url, headers = f"{API}/meetings/{planned.id}", writer(world)
    read = {**headers, "If-Match": client.get(url, headers=headers).headers["ETag"]}
    statuses = at_once(app, monkeypatch, scheduling, "update_meeting",
                       [("PATCH", url, {"place": place}, read) for place in ("一楼", "二楼")])
    assert sorted(statuses) == [200, 412]
    db.session.expire_all()
    assert db.session.get(Meeting, planned.id).place in ("一楼", "二楼")
