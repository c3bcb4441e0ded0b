"""/api/v1 (read side): every list filtered by the caller's permissions, ids of other branches
hidden, keyset pagination, strict filters, problem details, compliance numbers equal to the
dashboard's, and an OpenAPI 3.1 document that validates and names every route."""
import random
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from openapi_spec_validator import validate

from meetings.api.openapi import document
from meetings.domain.periods import parse
from meetings.domain.terms import InvitationRole, MeetingStatus, MinutesState
from meetings.extensions import db
from meetings.models import Invitation, Meeting, Organization
from meetings.policy import Action, can
from meetings.services import compliance, minutes
from tests.api_client import assert_matches, bearer, get_json, walk
from tests.builders import add_outside_admin
from tests.compliance_builders import add_meeting, install_rules, random_meetings
from tests.fixed_time import TEST_NOW
from tests.meeting_builders import held_meeting_with_final_minutes, make_started_meeting
from tests.sql_counter import recorded_statements

ROLES = ["admin", "outside_admin", "liaison", "secretary", "recorder", "member", "other_secretary",
         "b_member"]
OUT_OF_VIEW = dict.fromkeys(["outside_admin", "other_secretary", "b_member"], 404)  # a1's objects
MAY = datetime(2026, 5, 12, 6, 30, tzinfo=UTC)  # 14:30 Beijing


@pytest.fixture
def api_world(world):
    """Meetings in every branch: a1's held one with final minutes, one with a draft, a group's,
    several in May; a2's (one of which invites a1's member as 列席); b1's."""
    add_outside_admin(world)
    types = install_rules()
    theme, group = types["theme_day"], types["group_meeting"]
    world.held = held_meeting_with_final_minutes(world)
    world.drafted = make_started_meeting(world, started=timedelta(hours=3))
    minutes.save_draft(world["recorder"], world.drafted, "草稿", 0, TEST_NOW)
    world.group_meeting = add_meeting(world.g1, [group], MAY - timedelta(days=3), minutes=None)
    world.may = [add_meeting(world.a1, [theme], MAY + timedelta(hours=i), status=status)
                 for i, status in enumerate([MeetingStatus.HELD, MeetingStatus.SCHEDULED,
                                             MeetingStatus.CANCELLED, MeetingStatus.HELD])]
    world.a2_meetings = [add_meeting(world.a2, [theme], MAY), add_meeting(world.a2, [group], MAY)]
    db.session.add(Invitation(meeting_id=world.a2_meetings[0].id, person_id=world["member"].id,
                              role=InvitationRole.OBSERVER))
    world.b1_meetings = [add_meeting(world.b1, [theme], MAY - timedelta(days=60))]
    db.session.commit()
    return world


def _all(model) -> list:
    return list(db.session.scalars(sa.select(model)))


# ---- every list filtered by permission -------------------------------------------------------

@pytest.mark.parametrize("login", ROLES)
def test_organizations_are_exactly_those_the_policy_shows(client, api_world, login):
    person = api_world[login]
    listed = walk(client, "/api/v1/organizations?per_page=2", bearer(person), "OrganizationPage")
    expected = {o.id for o in _all(Organization) if can(person, Action.VIEW_ORG, o)}
    assert [o["id"] for o in listed] == sorted(expected)


@pytest.mark.parametrize("login", ROLES)
def test_meetings_are_exactly_those_the_policy_shows(client, api_world, login):
    person = api_world[login]
    listed = walk(client, "/api/v1/meetings?per_page=3", bearer(person), "MeetingPage")
    expected = {m.id for m in _all(Meeting) if can(person, Action.VIEW_MEETINGS, m)}
    assert [m["id"] for m in listed] == sorted(expected)


@pytest.mark.parametrize(("login", "units"), [
    ("admin", {"root", "pc_a", "pc_b", "general", "a1", "a2", "b1", "g1", "g2"}),
    ("liaison", {"pc_a", "a1", "a2", "g1", "g2"}),
    ("secretary", {"a1", "g1", "g2"}),
    ("member", {"a1", "g1", "g2"}),
    ("other_secretary", {"a2"}),
])
def test_each_role_sees_its_scope(client, api_world, login, units):
    listed = walk(client, "/api/v1/organizations", bearer(api_world[login]))
    assert {o["id"] for o in listed} == {getattr(api_world, u).id for u in units}
    meetings = walk(client, "/api/v1/meetings", bearer(api_world[login]))
    shown = {m["organization_id"] for m in meetings}
    if login == "member":  # plus the a2 meeting they were invited to as 列席
        assert shown == {api_world.a1.id, api_world.g1.id, api_world.a2.id}
        assert {m["id"] for m in meetings if m["organization_id"] == api_world.a2.id} == {
            api_world.a2_meetings[0].id}
    else:
        assert shown <= {getattr(api_world, u).id for u in units}


# ---- one object: 404 out of view, 403 in view but not allowed ------------------------------

ACCESS = {  # endpoint: (path, {role: status}); a1's objects, anonymous always 401 but openapi
    "api.organizations": ("/organizations", dict.fromkeys(ROLES, 200)),
    "api.organization": ("/organizations/{a1}", {**dict.fromkeys(ROLES, 200), **OUT_OF_VIEW}),
    "api.meetings": ("/meetings", dict.fromkeys(ROLES, 200)),
    "api.meeting": ("/meetings/{held}", {**dict.fromkeys(ROLES, 200), **OUT_OF_VIEW}),
    "api.meeting_minutes": ("/meetings/{held}/minutes", {**dict.fromkeys(ROLES, 200), **OUT_OF_VIEW}),
    "api.requirements": ("/requirements", {**dict.fromkeys(ROLES, 200), "recorder": 403, "member": 403,
                                           "b_member": 403}),
    "api.compliance": ("/compliance?org={a1}", {"admin": 200, "liaison": 200, "secretary": 200,
                                                "recorder": 403, "member": 403, **OUT_OF_VIEW}),
    "api.openapi": ("/openapi.json", dict.fromkeys(ROLES, 200)),
    "api.invitations": ("/meetings/{held}/invitations", {**dict.fromkeys(ROLES, 200), **OUT_OF_VIEW}),
    "api.people": ("/people", dict.fromkeys(ROLES, 200)),  # at least themselves
    "api.person": ("/people/{member}", {**dict.fromkeys(ROLES, 200), **OUT_OF_VIEW}),
}


def test_every_api_read_is_in_the_access_table(app):
    """(Writes have their own table in test_api_write_access.py.)"""
    reads = {r.endpoint for r in app.url_map.iter_rules()
             if r.rule.startswith("/api/v1/") and "GET" in r.methods}
    assert set(ACCESS) == reads


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
@pytest.mark.parametrize("endpoint", sorted(ACCESS))
def test_access(client, api_world, endpoint, role):
    path, statuses = ACCESS[endpoint]
    url = "/api/v1" + path.format(a1=api_world.a1.id, held=api_world.held.id, member=api_world["member"].id)
    headers = {} if role == "anonymous" else bearer(api_world[role])
    response = client.get(url, headers=headers)
    expected = 200 if endpoint == "api.openapi" else statuses.get(role, 401)
    assert response.status_code == expected, response.get_data(as_text=True)
    wanted = "application/json" if expected == 200 else "application/problem+json"
    assert response.content_type == wanted
    if expected != 200:
        assert_matches(response.get_json(force=True), "Problem")


def test_another_branch_s_meeting_reads_as_missing(client, api_world):
    headers = bearer(api_world["member"])
    hidden = get_json(client, f"/api/v1/meetings/{api_world.b1_meetings[0].id}", headers, 404)
    missing = get_json(client, "/api/v1/meetings/999999", headers, 404)
    assert {k: v for k, v in hidden.items() if k != "instance"} == {
        k: v for k, v in missing.items() if k != "instance"}
    get_json(client, f"/api/v1/meetings/{api_world.b1_meetings[0].id}/minutes", headers, 404)


def test_a_meeting_carries_its_times_attendance_and_minutes_link(client, api_world):
    body = get_json(client, f"/api/v1/meetings/{api_world.held.id}", bearer(api_world["member"]))
    assert_matches(body, "Meeting")
    assert body["organization_id"] == api_world.a1.id and body["status"] == "held"
    assert body["starts_at"].endswith("Z") and body["local"]["starts_at"].endswith("+08:00")
    assert body["attendance"]["expected"] == body["attendance"]["present"] > 0
    assert body["minutes_url"].endswith(f"/api/v1/meetings/{api_world.held.id}/minutes")
    may = get_json(client, f"/api/v1/meetings/{api_world.may[0].id}", bearer(api_world["member"]))
    assert may["starts_at"] == "2026-05-12T06:30:00Z"
    assert may["local"]["starts_at"] == "2026-05-12T14:30:00+08:00"
    assert may["types"][0]["code"] == "theme_day" and may["minutes_url"]
    unwritten = get_json(client, f"/api/v1/meetings/{api_world.group_meeting.id}",
                         bearer(api_world["member"]))
    assert unwritten["minutes_url"] is None and unwritten["party_group_id"] is None


def test_final_minutes_for_the_branch_drafts_only_for_their_writers(client, api_world):
    final = get_json(client, f"/api/v1/meetings/{api_world.held.id}/minutes", bearer(api_world["member"]))
    assert_matches(final, "Minutes")
    assert final["state"] == "final" and "学习了党章" in final["body"] and final["hash"]
    drafted = f"/api/v1/meetings/{api_world.drafted.id}/minutes"
    assert get_json(client, f"/api/v1/meetings/{api_world.drafted.id}", bearer(api_world["member"])
                    )["minutes_url"] is None
    get_json(client, drafted, bearer(api_world["member"]), 404)
    assert get_json(client, drafted, bearer(api_world["recorder"]))["state"] == MinutesState.DRAFT


def test_an_invited_observer_sees_the_meeting_but_not_its_minutes(client, api_world):
    meeting = api_world.a2_meetings[0]
    headers = bearer(api_world["member"])
    assert get_json(client, f"/api/v1/meetings/{meeting.id}", headers)["minutes_url"] is None
    assert get_json(client, f"/api/v1/meetings/{meeting.id}/minutes", headers, 403)["status"] == 403


# ---- filters and pagination ----------------------------------------------------------------

@pytest.mark.parametrize(("query", "expected"), [
    ("period=2026-05&org={a1}", "may_with_group"), ("period=2026-Q2&type=theme_day&org={a1}", "may"),
    ("period=2026-05&status=held&org={a1}", "may_held"), ("org={g1}", "group"),
    ("period=2026&type=group_meeting", "groups"),
])
def test_filters(client, api_world, query, expected):
    w = api_world
    url = "/api/v1/meetings?" + query.format(a1=w.a1.id, g1=w.g1.id)
    found = {m["id"] for m in walk(client, url, bearer(w["admin"]))}
    wanted = {"may": {m.id for m in w.may}, "may_with_group": {m.id for m in w.may} | {w.group_meeting.id},
              "may_held": {w.may[0].id, w.may[3].id, w.group_meeting.id},
              "group": {w.group_meeting.id}, "groups": {w.group_meeting.id, w.a2_meetings[1].id}}
    assert found == wanted[expected]


@pytest.mark.parametrize(("path", "query", "fields"), [
    ("/meetings", "per_page=0", ["per_page"]), ("/meetings", "per_page=201", ["per_page"]),
    ("/meetings", "per_page=abc", ["per_page"]), ("/meetings", "after=-1", ["after"]),
    ("/meetings", "org=abc", ["org"]), ("/meetings", "org=999999", ["org"]),
    ("/meetings", "org={b1}", ["org"]),
    ("/meetings", "type=nope", ["type"]), ("/meetings", "period=2026-13", ["period"]),
    ("/meetings", "period=2026-Q5", ["period"]), ("/meetings", "status=done", ["status"]),
    ("/meetings", "period=x&status=y&per_page=0", ["per_page", "period", "status"]),
    ("/organizations", "per_page=1000", ["per_page"]), ("/requirements", "after=x", ["after"]),
    ("/compliance", "period=1999", ["period"]), ("/compliance", "period=2999-Q1", ["period"]),
    ("/compliance", "type=nope&org=x", ["org", "type"]),
])
def test_bad_parameters_are_422_naming_each_field(client, api_world, path, query, fields):
    login = "admin" if path != "/meetings" else "member"
    url = "/api/v1" + path + "?" + query.format(b1=api_world.b1.id)
    body = get_json(client, url, bearer(api_world[login]), 422)
    assert_matches(body, "ValidationProblem")
    assert sorted(e["field"] for e in body["errors"]) == fields
    assert all(re.search(r"[\u4e00-\u9fff]", e["message"]) for e in body["errors"])


def test_pages_walk_every_item_once_with_a_fixed_number_of_statements(client, api_world):
    headers = bearer(api_world["admin"])
    everything = walk(client, "/api/v1/meetings?per_page=200", headers)
    assert [m["id"] for m in walk(client, "/api/v1/meetings?per_page=2", headers)] == [
        m["id"] for m in everything]
    counts, url = [], "/api/v1/meetings?per_page=2"
    while url:
        with recorded_statements() as seen:
            url = get_json(client, url, headers)["next"]
        counts.append(len(seen))
    with recorded_statements() as seen:
        get_json(client, "/api/v1/meetings?per_page=200", headers)
    assert len(set(counts)) == 1 and len(seen) == counts[0] <= 8, (counts, len(seen))


def test_next_keeps_the_filters(client, api_world):
    page = get_json(client, f"/api/v1/meetings?org={api_world.a1.id}&per_page=1&period=2026-05",
                    bearer(api_world["admin"]))
    assert f"org={api_world.a1.id}" in page["next"] and "period=2026-05" in page["next"]
    assert "after=" in page["next"] and "per_page=1" in page["next"]


def test_requirements_list_every_version(client, api_world):
    listed = walk(client, "/api/v1/requirements?per_page=3", bearer(api_world["liaison"]), "RequirementPage")
    codes = {r["meeting_type"]["code"] for r in listed}
    assert {"branch_assembly", "theme_day", "group_meeting"} <= codes


# ---- compliance: the dashboard's numbers --------------------------------------------------

AS_OF = datetime(2026, 11, 20, 4, tzinfo=UTC)


@pytest.fixture
def judged(world, monkeypatch):
    add_outside_admin(world)
    types = install_rules()
    groups = {world.a1.id: [world.g1, world.g2]}
    random_meetings(random.Random(7), [world.a1, world.a2, world.b1], groups, types, 120)
    db.session.commit()
    monkeypatch.setattr("meetings.api.compliance.utcnow", lambda: AS_OF)
    return world


def _numbers(counts) -> dict:
    return {**{str(s): n for s, n in counts.by_status.items() if n}, "rate": counts.rate}


def _api_numbers(cell: dict) -> dict:
    shown = {k: v for k, v in cell.items()
             if k not in ("requirement_id", "done", "open", "total", "rate") and v}
    return {**shown, "rate": cell["rate"]}


@pytest.mark.parametrize("unit", ["root", "pc_a", "pc_b"])
@pytest.mark.parametrize("period", ["2026-Q2", "2026", "2026-05"])
def test_compliance_equals_the_dashboard(client, judged, unit, period):
    org = getattr(judged, unit)
    body = get_json(client, f"/api/v1/compliance?org={org.id}&period={period}", bearer(judged["admin"]))
    assert_matches(body, "Compliance")
    board = compliance.dashboard(org, parse(period), AS_OF)
    assert [c["requirement_id"] for c in body["columns"]] == [c.requirement_id for c in board.columns]
    assert [r["organization_id"] for r in body["rows"]] == [r.org.id for r in board.rows]
    for row, expected in zip(body["rows"], board.rows, strict=True):
        for cell in row["cells"]:
            assert _api_numbers(cell) == _numbers(expected.cells[cell["requirement_id"]])
    for cell in body["totals"]:
        assert _api_numbers(cell) == _numbers(board.totals[cell["requirement_id"]])
    assert _api_numbers(body["total"]) == _numbers(board.total)


@pytest.mark.parametrize("period", ["2026-Q2", "2026"])
def test_a_branch_s_periods_add_up_to_the_dashboard_s_numbers(client, judged, period):
    body = get_json(client, f"/api/v1/compliance?org={judged.a1.id}&period={period}",
                    bearer(judged["secretary"]))
    assert_matches(body, "Compliance")
    board = compliance.dashboard(judged.a1, parse(period), AS_OF)
    for cell in body["totals"]:
        assert _api_numbers(cell) == _numbers(board.totals[cell["requirement_id"]])
    assert _api_numbers(body["total"]) == _numbers(board.total)
    assert {r["organization_id"] for r in body["rows"]} <= {judged.a1.id, judged.g1.id, judged.g2.id}
    assert len(body["periods"]) == body["total"]["total"]


def test_compliance_defaults_to_the_caller_s_unit_and_a_group_to_its_branch(client, judged):
    mine = get_json(client, "/api/v1/compliance", bearer(judged["liaison"]))
    assert (mine["organization_id"], mine["period"]) == (judged.pc_a.id, "2026")
    group = get_json(client, f"/api/v1/compliance?org={judged.g1.id}", bearer(judged["secretary"]))
    assert group["organization_id"] == judged.a1.id
    get_json(client, "/api/v1/compliance", bearer(judged["member"]), 403)


# ---- errors and the OpenAPI document ---------------------------------------------------------

def test_html_pages_keep_html_errors_and_the_api_answers_problems(client, auth, api_world):
    auth.login("admin")
    page = client.get("/orgs/999999")
    assert page.status_code == 404 and page.content_type.startswith("text/html")
    for url in ("/api/v1/organizations/999999", "/api/v1/no-such-thing"):
        response = client.get(url, headers=bearer(api_world["admin"]))
        assert response.status_code == 404 and response.content_type == "application/problem+json"
        assert response.get_json(force=True)["type"] == "https://orglife.example/problems/not-found"


def test_a_fault_is_a_500_problem_and_nothing_is_kept(app, client, api_world, monkeypatch):
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)

    def broken(person):
        raise RuntimeError("boom")

    monkeypatch.setattr("meetings.services.visibility.organizations", broken)
    response = client.get("/api/v1/organizations", headers=bearer(api_world["admin"]))
    assert response.status_code == 500 and response.content_type == "application/problem+json"
    assert "boom" not in response.get_data(as_text=True)


def test_too_many_requests_is_a_429_problem(app, client, api_world, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "2 per minute")
    headers = bearer(api_world["member"])
    statuses = [client.get("/api/v1/organizations", headers=headers).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    body = client.get("/api/v1/organizations", headers=headers).get_json(force=True)
    assert body["type"].endswith("/too-many-requests") and re.search(r"[\u4e00-\u9fff]", body["detail"])


def test_the_openapi_document_validates_and_names_every_route(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    assert spec["openapi"].startswith("3.1") and spec["servers"] == [{"url": "http://orglife.test/api/v1"}]
    assert spec == document("http://orglife.test/api/v1")
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            routes |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, item in spec["paths"].items() for method in item}
    assert routes == documented


def test_links_come_from_base_url_whatever_the_host_header(client, world):
    headers = {**bearer(world["member"]), "Host": "evil.example"}
    body = client.get("/api/v1/organizations", headers=headers, base_url="http://evil.example").get_json()
    spec = client.get("/api/v1/openapi.json", base_url="http://evil.example").get_json()
    links = [item["url"] for item in body["items"]] + [spec["servers"][0]["url"]]
    assert links and all(link.startswith("http://orglife.test/") for link in links), links
