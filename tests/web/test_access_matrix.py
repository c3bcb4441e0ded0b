"""Every URL rule × every viewpoint: the exact answer each gets (200, 302 and where, 400, 403, 404),
and no page an outsider may open shows them anything of branch a1.

The answers are in ``access_table.py``. A new route fails ``test_every_rule_is_in_the_matrix``
until it is given a row there.
"""
import io
from datetime import timedelta
from urllib.parse import urlsplit

import openpyxl
import pytest
import sqlalchemy as sa

from meetings.domain.periods import Period
from meetings.domain.scheduling import local_date
from meetings.domain.terms import AttachmentKind, PeriodKind
from meetings.extensions import db
from meetings.models import CommitteeSeat, RoleAssignment
from meetings.services import (
    actions,
    api_tokens,
    attachments,
    calendar,
    links,
    requirements,
    responses,
    roster,
)
from meetings.services.supervision import notices
from tests import file_samples
from tests.builders import PASSWORD, add_outside_admin, make_person, make_sign_in, roster_xlsx
from tests.campaign_builders import make_campaign
from tests.fixed_time import TEST_NOW
from tests.meeting_builders import held_meeting_with_final_minutes, make_meeting, type_id
from tests.visit_builders import make_visit
from tests.web.access_table import MATRIX, OK, ROLES, To, expected

# Committee roles live above the branch: these take the party committee 党委A as org_id.
UNIT_ROLE_ENDPOINTS = {"orgs.roles", "orgs.grant_role", "orgs.create_officer"}
RECORD_ENDPOINTS = {"meetings.attendance_sheet", "meetings.check_in_display", "meetings.check_in",
                    "meetings.minutes", "meetings.edit_minutes", "meetings.finalize_minutes",
                    "meetings.minutes_revisions", "meetings.minutes_diff", "meetings.print_minutes",
                    "meetings.year_record"}
# The API answers bearer tokens, never the session this test signs in with: its reads are walked
# × every viewpoint in test_api.py (ACCESS), its writes in test_api_write_access.py (WRITES).
API_ENDPOINTS = {"api.organizations", "api.organization", "api.meetings", "api.meeting",
                 "api.meeting_minutes", "api.requirements", "api.compliance", "api.openapi",
                 "api.invitations", "api.people", "api.person", "api.create_meeting", "api.update_meeting",
                 "api.cancel_meeting", "api.answer", "api.decide_leave", "api.record_attendance",
                 "api.save_minutes", "api.add_person", "api.update_person"}
IMPORT_ENDPOINTS = {"roster.import_preview", "roster.import_confirm"}
QUERY = {"meetings.minutes_diff": {"a": 1, "b": 2}}  # the draft against the final text
UPCOMING_TITLE = "档案工作专题学习"  # a1's meeting: a title no other branch's page could show


def _url_args(world, rule) -> dict:
    transfer = roster.pending_transfer(world["member"])
    grant = db.session.scalar(sa.select(RoleAssignment).where(
        RoleAssignment.person_id == world["recorder"].id))
    seat = db.session.scalar(sa.select(CommitteeSeat).where(
        CommitteeSeat.person_id == world["secretary"].id))
    meeting = world.meeting
    leave = next(i for i in meeting.invitations if i.person_id == world["member"].id)
    values = {"org_id": world.a1.id, "branch_id": world.a1.id, "person_id": world["secretary"].id,
              "transfer_id": transfer.id, "grant_id": grant.id, "seat_id": seat.id,
              "meeting_id": meeting.id, "invitation_id": leave.id,
              "type_id": type_id("theme_day"), "item_id": world.item.id,
              "attachment_id": world.attachment.id, "campaign_id": world.campaign.id,
              "requirement_id": world.theme_day_rule.id, "period_key": "2026-05", "fmt": "xlsx",
              "token_id": world.api_token.id, "sign_in_id": world.sign_in.id, "notice_id": world.notice.id,
              "visit_id": world.visit.id, "finding_id": world.visit.findings[0].id}
    if rule.endpoint in UNIT_ROLE_ENDPOINTS:
        values["org_id"] = world.pc_a.id  # committee roles live above the branch
    if rule.endpoint in RECORD_ENDPOINTS:
        values["meeting_id"], values["year"] = world.held.id, world.held.starts_at.year
    if rule.endpoint in ("calendar.personal_feed", "calendar.branch_feed"):
        values["token"] = calendar.feed_token(world["secretary"])
    if rule.endpoint in IMPORT_ENDPOINTS:
        values["token"] = world.import_token
    if rule.endpoint == "meetings.rsvp_link":
        values["token"] = links.rsvp_url(leave.id, world["member"].id, "leave").rsplit("/", 1)[1]
    return {name: values[name] for name in rule.arguments} | QUERY.get(rule.endpoint, {})


@pytest.fixture
def matrix_world(world, app, tmp_path, monkeypatch):
    """The world plus two viewpoints (an admin of 党委B only, a plain member of a2), a pending
    transfer of ``member`` into a2, an upcoming a1 meeting with a leave request, feed tokens, an
    action item of that meeting owned by ``member``, and a campaign over the whole tree."""
    add_outside_admin(world)
    world.people["other_member"] = make_person(world.a2, "孙党员", login="other_member",
                                               email="other_member@example.org")
    roster.request_transfer(world["admin"], world["member"], world.a2, None)
    now = TEST_NOW
    world.meeting = make_meeting(world, now=now, starts_at=now + timedelta(days=3), title=UPCOMING_TITLE)
    leave = next(i for i in world.meeting.invitations if i.person_id == world["member"].id)
    responses.request_leave(world["member"], leave, "出差", now)
    calendar.issue_feed_token(world["secretary"], now)
    world.held = held_meeting_with_final_minutes(world)
    world.item = actions.add_action_item(world["secretary"], world.meeting, text="完善支部档案",
                                         owner_id=world["member"].id,
                                         due_on=local_date(world.meeting.starts_at), now=now)
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    monkeypatch.setitem(app.config, "IMPORT_FOLDER", str(tmp_path / "imports"))
    world.attachment = attachments.add_attachment(
        world["secretary"], world.meeting, kind=AttachmentKind.PHOTO, filename="合影.png",
        stream=io.BytesIO(file_samples.png()), note=None, now=now)
    world.campaign = make_campaign(world)
    world.api_token, _ = api_tokens.issue(world["secretary"], world["secretary"], "脚本", read_only=True,
                                          expires_at=None, now=now)
    world.sign_in = make_sign_in(world["secretary"], now)
    world.theme_day_rule = next(r for r in requirements.install_defaults()
                                if r.meeting_type.code == "theme_day")
    world.import_token = None  # the secretary's roster upload, made only where a URL needs it
    last_year = Period(PeriodKind.YEAR, local_date(now).year - 1)  # whatever a1 owes from it
    [world.notice] = notices.send(world["admin"], [world.a1], "请落实。", local_date(now) + timedelta(days=7),
                                  now, span=last_year)
    world.visit = make_visit(world, now)
    db.session.commit()
    return world


def _secretary_uploads_a_roster(app, world) -> str:
    """The token of a roster the secretary uploaded to a1 and has not yet confirmed."""
    row = ["孙一", "正式党员", "第一党小组", 13800138000.0, "sun@example.org", "sunyi"]
    client = app.test_client()
    client.post("/login", data={"login": "secretary", "password": PASSWORD})
    response = client.post(f"/branches/{world.a1.id}/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(roster_xlsx(row)), "名册.xlsx")})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return urlsplit(response.headers["Location"]).path.rsplit("/", 1)[1]


def _visit(app, client, auth, world, endpoint: str, role: str):
    """``role`` signs in and sends ``endpoint``'s method, with no form data, to its URL."""
    method = MATRIX[endpoint][0]
    if endpoint in IMPORT_ENDPOINTS:
        world.import_token = _secretary_uploads_a_roster(app, world)
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        url = app.url_for(endpoint, **_url_args(world, rule))
    if role != "anonymous":
        assert auth.login(role).status_code == 302
    return client.open(url, method=method, data={})


def _answer(app, response) -> int | To:
    """The status, or for a redirect the endpoint it leads to."""
    if response.status_code != 302:
        return response.status_code
    path = urlsplit(response.headers["Location"]).path
    return To(app.url_map.bind("orglife.test").match(path, method="GET")[0])


def test_every_rule_is_in_the_matrix(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint != "static"}
    api = {r.endpoint for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")}
    assert api == API_ENDPOINTS, "give new API routes a row in test_api.py's ACCESS and here"
    assert endpoints - API_ENDPOINTS == set(MATRIX), "give new routes a row in MATRIX"


def test_the_table_names_only_known_roles():
    """A misspelt role would silently fall back to 403."""
    named = {role for _, answers in MATRIX.values() for who in answers
             for role in (who if isinstance(who, tuple) else (who,))}
    assert named <= set(ROLES)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_access(app, client, auth, matrix_world, endpoint, role):
    response = _visit(app, client, auth, matrix_world, endpoint, role)
    response.close()  # a download streams its file until closed
    assert _answer(app, response) == expected(endpoint, role)


OUTSIDERS = ("outside_admin", "other_secretary", "other_member")
# Pages an outsider opens by design that name a1: the URL's token is the credential, or (the
# receiving secretary's home) the incoming transfer says which branch the member comes from.
SHOWS_A1_BY_DESIGN = {"meetings.rsvp_link", "calendar.personal_feed", "calendar.branch_feed",
                      ("main.home", "other_secretary")}
OPEN_TO_OUTSIDERS = [(endpoint, role) for endpoint in sorted(MATRIX) for role in OUTSIDERS
                     if expected(endpoint, role) == OK and endpoint not in SHOWS_A1_BY_DESIGN
                     and (endpoint, role) not in SHOWS_A1_BY_DESIGN]


def _text(response) -> str:
    """The page's text, or every cell of a spreadsheet download."""
    if response.mimetype.endswith("spreadsheetml.sheet"):
        book = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True)
        return " ".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True)
                        for cell in row if cell is not None)
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("endpoint", "role"), OPEN_TO_OUTSIDERS)
def test_outsiders_see_nothing_of_a1(app, client, auth, matrix_world, endpoint, role):
    """A leak check: the pages of a viewer who cannot see a1 say nothing of it."""
    response = _visit(app, client, auth, matrix_world, endpoint, role)
    text = _text(response)
    response.close()
    world = matrix_world
    for secret in (world.a1.name, world.g1.name, UPCOMING_TITLE, world.held.title, world.item.text):
        assert secret not in text, f"{endpoint} shows {role} {secret!r}"


@pytest.mark.parametrize(("role", "own_unit"), [("outside_admin", "pc_b"), ("other_secretary", "a2"),
                                                ("other_member", "a2")])
def test_outsiders_tree_shows_their_own_scope(app, client, auth, matrix_world, role, own_unit):
    """The leak check's control: the tree is not empty, it holds the viewer's own units."""
    response = _visit(app, client, auth, matrix_world, "orgs.tree", role)
    assert getattr(matrix_world, own_unit).name in response.get_data(as_text=True)
