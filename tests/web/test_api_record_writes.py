"""/api/v1 writes on the record and the roster: attendance marks that name what they replace,
draft minutes on the revision read, and members added and changed by their branch's officers."""
import pytest
import sqlalchemy as sa

from meetings.domain import people as people_rules
from meetings.domain.terms import Attendance, MinutesState, PersonStatus
from meetings.extensions import db
from meetings.models import Invitation, Meeting, MinutesRevision, Person
from meetings.policy import Action, can
from meetings.services import attendance, minutes, visibility
from tests.api_client import assert_matches, at_once, bearer, get_json, problem_fields, send, walk
from tests.meeting_builders import held_meeting_with_final_minutes, make_started_meeting

API = "/api/v1"
ROLES = ["admin", "liaison", "secretary", "recorder", "member", "other_secretary", "b_member"]


def writer(world, login: str = "secretary") -> dict:
    return bearer(world[login], read_only=False)


@pytest.fixture
def started(world):
    meeting = make_started_meeting(world)
    db.session.commit()
    return meeting


def invitation_of(meeting: Meeting, person: Person) -> Invitation:
    return next(i for i in meeting.invitations if i.person_id == person.id)


# ---- attendance --------------------------------------------------------------------------------

def test_the_recorder_records_attendance_and_the_meeting_is_held(client, world, started):
    member = invitation_of(started, world["member"])
    marks = [{"invitation_id": i.id, "was": None, "attendance": "present"} for i in started.invitations
             if i.id != member.id]
    marks.append({"invitation_id": member.id, "was": None, "attendance": "absent", "reason": "病假未请"})
    body = send(client, "PUT", f"{API}/meetings/{started.id}/attendance", writer(world, "recorder"),
                {"marks": marks}).get_json()
    assert_matches(body, "Meeting")
    assert body["status"] == "held"
    assert body["attendance"]["present"] == len(marks) - 1
    db.session.expire_all()
    assert invitation_of(started, world["member"]).absence_reason == "病假未请"


def test_a_mark_based_on_an_old_reading_is_refused_and_nothing_is_saved(client, world, started):
    """The member checked in on their phone after the script read the list: 412, no row written."""
    member = invitation_of(started, world["member"])
    attendance.self_check_in(world["member"], started, started.check_in_code, started.starts_at)
    db.session.commit()
    others = [{"invitation_id": i.id, "was": None, "attendance": "present"} for i in started.invitations
              if i.id != member.id]
    response = send(client, "PUT", f"{API}/meetings/{started.id}/attendance", writer(world),
                    {"marks": [*others, {"invitation_id": member.id, "was": None, "attendance": "absent"}]},
                    412)
    assert response.get_json()["stale"] == [member.id]
    db.session.expire_all()
    assert db.session.get(Meeting, started.id).attendance_recorded_at is None
    assert invitation_of(started, world["member"]).attendance == Attendance.PRESENT


@pytest.mark.parametrize("marks", [[], "all",
                                   [{"invitation_id": 999999, "was": None, "attendance": "present"}],
                                   [{"invitation_id": 1, "attendance": "present"}],  # no "was"
                                   [{"invitation_id": 1, "was": None, "attendance": "here"}]])
def test_bad_marks_are_refused(client, world, started, marks):
    marks = [{**m, "invitation_id": started.invitations[0].id} if m.get("invitation_id") == 1 else m
             for m in marks] if isinstance(marks, list) else marks
    response = send(client, "PUT", f"{API}/meetings/{started.id}/attendance", writer(world), {"marks": marks},
                    422)
    assert problem_fields(response) <= {"marks", "marks[0]"}


def test_attendance_before_the_start_or_after_final_minutes_is_a_conflict(client, world):
    held = held_meeting_with_final_minutes(world)
    db.session.commit()
    mark = {"invitation_id": held.invitations[0].id, "was": "present", "attendance": "absent"}
    send(client, "PUT", f"{API}/meetings/{held.id}/attendance", writer(world), {"marks": [mark]}, 409)


@pytest.mark.parametrize(("login", "status"), [("member", 403), ("liaison", 403), ("other_secretary", 404),
                                               ("admin", 200)])
def test_who_may_record_attendance(client, world, started, login, status):
    mark = {"invitation_id": started.invitations[0].id, "was": None, "attendance": "present"}
    send(client, "PUT", f"{API}/meetings/{started.id}/attendance", writer(world, login), {"marks": [mark]},
         status)


# ---- draft minutes -----------------------------------------------------------------------------

def test_drafts_follow_the_revision_read(client, world, started):
    url, headers = f"{API}/meetings/{started.id}/minutes", writer(world, "recorder")
    first = send(client, "PUT", url, headers, {"body": "## 学习内容\n\n初稿"})
    assert_matches(first.get_json(), "Minutes")
    assert first.get_json()["state"] == "draft" and first.headers["ETag"] == f'"minutes-{started.id}-r1"'
    send(client, "PUT", url, headers, {"body": "第二稿"}, 428)  # minutes exist: say which one you read
    read = {"If-Match": first.headers["ETag"]}
    second = send(client, "PUT", url, headers, {"body": "第二稿"}, more_headers=read)
    assert second.get_json()["revision"] == 2
    send(client, "PUT", url, headers, {"body": "另一个脚本"}, 412, more_headers=read)
    assert get_json(client, url, headers)["body"] == "第二稿"
    revisions = db.session.scalar(sa.select(sa.func.count()).select_from(MinutesRevision))
    assert revisions == 2


def test_final_minutes_are_not_overwritten_by_a_draft(client, world):
    held = held_meeting_with_final_minutes(world)
    db.session.commit()
    url, headers = f"{API}/meetings/{held.id}/minutes", writer(world)
    etag = client.get(url, headers=headers).headers["ETag"]
    send(client, "PUT", url, headers, {"body": "改写"}, 409, more_headers={"If-Match": etag})
    assert minutes.for_meeting(held).state == MinutesState.FINAL


@pytest.mark.parametrize(("body", "field"), [({"body": ""}, "body"), ({"body": "x" * 100_001}, "body"),
                                             ({"text": "x"}, "text"), ({"body": "a\x00b"}, "body")])
def test_bad_drafts_are_refused(client, world, started, body, field):
    response = send(client, "PUT", f"{API}/meetings/{started.id}/minutes", writer(world), body, 422)
    assert field in problem_fields(response)
    assert minutes.for_meeting(started) is None


@pytest.mark.parametrize(("login", "status"), [("member", 403), ("liaison", 403), ("b_member", 404)])
def test_who_may_not_write_minutes(client, world, started, login, status):
    send(client, "PUT", f"{API}/meetings/{started.id}/minutes", writer(world, login), {"body": "x"}, status)


# ---- people -----------------------------------------------------------------------------------

@pytest.mark.parametrize("login", ROLES)
def test_people_listed_are_exactly_those_the_policy_shows(client, world, login):
    person = world[login]
    listed = walk(client, f"{API}/people?per_page=3", bearer(person), "PersonPage")
    expected = {p.id for p in db.session.scalars(sa.select(Person)) if can(person, Action.VIEW_PERSON, p)}
    assert {p["id"] for p in listed} == expected
    assert set(db.session.scalars(visibility.people(person)).all()) == {db.session.get(Person, i)
                                                                        for i in expected}
    for shown in listed:  # contacts only on one's own card and for those who keep the roster
        subject = db.session.get(Person, shown["id"])
        keeps = subject.branch is not None and can(person, Action.VIEW_ROSTER, subject.branch)
        assert (shown["email"] is not None) == (bool(subject.email) and (keeps or subject.id == person.id))


def test_a_secretary_adds_and_changes_a_member_of_their_branch(client, world):
    headers = writer(world)
    created = send(client, "POST", f"{API}/people", headers, {
        "organization_id": world.a1.id, "name": " 王  小明 ", "category": "probationary",
        "email": "Wang@Example.org", "phone": "138 0013 8000", "party_group_id": world.g1.id,
        "joined_party_on": "2025-07-01"}, 201)
    person = created.get_json()
    assert_matches(person, "Person")
    assert (person["name"], person["phone"]) == ("王 小明", "13800138000")
    assert person["email"] == people_rules.normalize_email("Wang@Example.org")  # as the form keeps it
    url = created.headers["Location"]
    send(client, "PATCH", url, headers, {"status": "away"}, 412, more_headers={"If-Match": '"person-1-x"'})
    changed = send(client, "PATCH", url, headers, {"status": "away", "note": "援疆"},
                   more_headers={"If-Match": created.headers["ETag"]}).get_json()
    assert changed["status"] == PersonStatus.AWAY.value and changed["category"] == "probationary"


@pytest.mark.parametrize(("change", "fields"), [
    ({"login": "member"}, {"login"}), ({"party_group_id": 999}, {"party_group_id"}),
    ({"email": "not-an-email", "phone": "12"}, {"email", "phone"}), ({"name": "\u200b"}, set()),
    ({"joined_party_on": "2025-02-30", "category": "boss"}, {"joined_party_on", "category"})])
def test_bad_member_details_are_refused(client, world, change, fields):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Person))
    body = {"organization_id": world.a1.id, "name": "王小明", **change}
    response = client.post(f"{API}/people", json=body, headers=writer(world))
    if fields:
        assert response.status_code == 422 and problem_fields(response) == fields
    else:  # a name of invisible characters only: refused whichever member names it
        assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == before


@pytest.mark.parametrize(("login", "status"), [("member", 403), ("liaison", 403), ("recorder", 403),
                                               ("other_secretary", 422), ("admin", 201)])
def test_who_may_add_to_a_branch_roster(client, world, login, status):
    send(client, "POST", f"{API}/people", writer(world, login),
         {"organization_id": world.a1.id, "name": "新同志"}, status)


@pytest.mark.parametrize("drafts_before", [0, 1])
def test_two_drafts_from_the_same_reading_at_once_one_is_saved_one_is_told(app, client, world, started,
                                                                           monkeypatch, drafts_before):
    """Both passed the If-Match check before either wrote: one revision is added, the other 412."""
    url, headers = f"{API}/meetings/{started.id}/minutes", writer(world, "recorder")
    client.get(f"{API}/meetings/{started.id}", headers=headers)  # the token's "last used" is written now,
    read = dict(headers)  # not by both threads while one waits at the barrier
    if drafts_before:
        read["If-Match"] = send(client, "PUT", url, headers, {"body": "初稿"}).headers["ETag"]
    statuses = at_once(app, monkeypatch, minutes, "save_draft",
                       [("PUT", url, {"body": text}, read) for text in ("甲的记录", "乙的记录")])
    assert sorted(statuses) == [200, 412]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MinutesRevision)) == drafts_before + 1
