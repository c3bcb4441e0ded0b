"""Every URL rule × every role: who gets in, who gets 403, who is sent to the login page.

A new route fails ``test_every_rule_is_in_the_matrix`` until it is given a row here.
"""
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetings.domain.terms import AttachmentKind
from meetings.extensions import db
from meetings.models import CommitteeSeat, RoleAssignment, utcnow
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
from tests import file_samples
from tests.campaign_builders import make_campaign
from tests.meeting_builders import held_meeting_with_final_minutes, make_meeting, type_id

ROLES = ["anonymous", "admin", "liaison", "secretary", "recorder", "member", "other_secretary"]
SIGNED_IN = set(ROLES) - {"anonymous"}
PUBLIC = "public"  # no login needed

# endpoint: (method, roles allowed).  Objects: branch a1, its secretary as the subject person,
# a pending transfer of `member` from a1 to a2, the recorder's role grant, the secretary's seat.
MATRIX = {
    "main.healthz": ("GET", PUBLIC),
    "main.set_language": ("POST", PUBLIC),
    "auth.login": ("GET", PUBLIC),
    "auth.logout": ("POST", PUBLIC),
    "main.home": ("GET", SIGNED_IN),
    "auth.change_password": ("GET", SIGNED_IN),
    "tokens.index": ("GET", SIGNED_IN),
    "tokens.revoke": ("POST", {"secretary"}),  # the secretary's own token; nobody else's to revoke
    "orgs.tree": ("GET", SIGNED_IN),
    "orgs.show": ("GET", {"admin", "liaison", "secretary", "recorder", "member"}),
    "orgs.create": ("GET", {"admin", "secretary"}),
    "orgs.edit": ("GET", {"admin"}),
    "orgs.deactivate": ("POST", {"admin"}),
    "orgs.reactivate": ("POST", {"admin"}),
    "orgs.roles": ("GET", {"admin"}),
    "orgs.grant_role": ("POST", {"admin"}),
    "orgs.create_officer": ("POST", {"admin"}),
    "roster.add": ("GET", {"admin", "secretary"}),
    "roster.person": ("GET", {"admin", "liaison", "secretary", "recorder"}),
    "roster.edit": ("GET", {"admin", "secretary"}),
    "roster.set_status": ("POST", {"admin", "secretary"}),
    "roster.transfer": ("GET", {"admin", "secretary"}),
    "roster.decide_transfer": ("POST", {"admin", "other_secretary"}),
    "roster.officers": ("GET", {"admin", "secretary"}),
    "roster.grant_role": ("POST", {"admin", "secretary"}),
    "roster.seat": ("POST", {"admin", "secretary"}),
    "roster.revoke_role": ("POST", {"admin", "secretary"}),
    "roster.remove_seat": ("POST", {"admin", "secretary"}),
    "roster.import_upload": ("GET", {"admin", "secretary"}),
    "roster.import_template": ("GET", {"admin", "secretary"}),
    "roster.import_preview": ("GET", {"admin", "secretary"}),
    "roster.import_confirm": ("POST", {"admin", "secretary"}),
    "meetings.branch_meetings": ("GET", {"admin", "liaison", "secretary", "recorder", "member"}),
    "meetings.new": ("GET", {"admin", "secretary", "recorder"}),
    "meetings.show": ("GET", {"admin", "liaison", "secretary", "recorder", "member"}),
    "meetings.edit": ("GET", {"admin", "secretary", "recorder"}),
    "meetings.cancel": ("POST", {"admin", "secretary", "recorder"}),
    "meetings.answer": ("POST", {"secretary", "recorder", "member"}),  # the invitees
    "meetings.decide_leave": ("POST", {"admin", "secretary"}),
    "meetings.nudge": ("POST", {"admin", "secretary", "recorder"}),
    "meetings.rsvp_link": ("GET", PUBLIC),  # the signed link is the credential
    "calendar.mine": ("GET", SIGNED_IN),
    "calendar.rotate": ("POST", SIGNED_IN),
    "calendar.personal_feed": ("GET", PUBLIC),  # the secret token is the credential
    "calendar.branch_feed": ("GET", PUBLIC),
    "calendar.meeting_ics": ("GET", {"admin", "liaison", "secretary", "recorder", "member"}),
    "types.index": ("GET", {"admin"}),
    "types.edit": ("GET", {"admin"}),
    # The record: on a held meeting of a1 with attendance and final minutes (world.held).
    "meetings.attendance_sheet": ("GET", {"admin", "secretary", "recorder"}),
    "meetings.check_in_display": ("GET", {"admin", "secretary", "recorder"}),
    "meetings.check_in": ("GET", {"admin", "liaison", "secretary", "recorder", "member"}),
    "meetings.minutes": ("GET", {"admin", "liaison", "secretary", "recorder", "member"}),
    "meetings.edit_minutes": ("GET", {"admin", "secretary"}),  # final: only an amendment
    "meetings.finalize_minutes": ("POST", {"admin", "secretary"}),
    "meetings.minutes_revisions": ("GET", {"admin", "liaison", "secretary", "recorder", "member"}),
    "meetings.minutes_diff": ("GET", {"admin", "liaison", "secretary", "recorder", "member"}),
    "meetings.print_minutes": ("GET", {"admin", "liaison", "secretary", "recorder", "member"}),
    "meetings.year_record": ("GET", {"admin", "liaison", "secretary", "recorder", "member"}),
    "actions.add": ("POST", {"admin", "secretary", "recorder"}),
    "actions.edit": ("GET", {"admin", "secretary", "recorder"}),
    "actions.close": ("GET", {"admin", "secretary", "recorder", "member"}),  # `member` owns it
    "actions.cancel": ("POST", {"admin", "secretary", "recorder"}),
    "actions.reopen": ("POST", {"admin", "secretary", "recorder"}),
    "actions.branch": ("GET", {"admin", "liaison", "secretary", "recorder", "member"}),
    "attachments.upload": ("POST", {"admin", "secretary", "recorder"}),
    "attachments.download": ("GET", {"admin", "liaison", "secretary", "recorder", "member"}),
    "attachments.delete": ("POST", {"admin", "secretary", "recorder"}),
    # 专项行动 over the whole tree: the overseers see it (a secretary, their branch's row).
    "campaigns.index": ("GET", {"admin", "liaison", "secretary", "other_secretary"}),
    "campaigns.show": ("GET", {"admin", "liaison", "secretary", "other_secretary"}),
    "campaigns.new": ("GET", {"admin"}),
    "campaigns.edit": ("GET", {"admin"}),
    # 考核: the viewer's own scope (a secretary: their branch); a1's theme-day period of May 2026.
    "compliance.index": ("GET", {"admin", "liaison", "secretary", "other_secretary"}),
    "compliance.export": ("GET", {"admin", "liaison", "secretary", "other_secretary"}),
    "compliance.absences": ("GET", {"admin", "liaison", "secretary", "other_secretary"}),
    "compliance.period": ("GET", {"admin", "liaison", "secretary"}),
    "compliance.requirements_list": ("GET", {"admin", "liaison", "secretary", "other_secretary"}),
    "compliance.change_requirement": ("GET", {"admin"}),
    "audit.index": ("GET", {"admin"}),
}
# Committee roles live above the branch: these take the party committee 党委A as org_id.
UNIT_ROLE_ENDPOINTS = {"orgs.roles", "orgs.grant_role", "orgs.create_officer"}
RECORD_ENDPOINTS = {"meetings.attendance_sheet", "meetings.check_in_display", "meetings.check_in",
                    "meetings.minutes", "meetings.edit_minutes", "meetings.finalize_minutes",
                    "meetings.minutes_revisions", "meetings.minutes_diff", "meetings.print_minutes",
                    "meetings.year_record"}
# The API answers bearer tokens, never the session this test signs in with: tests/web/test_api.py
# walks these × every role (its ACCESS table); listed here so a new API route is not forgotten.
API_ENDPOINTS = {"api.organizations", "api.organization", "api.meetings", "api.meeting",
                 "api.meeting_minutes", "api.requirements", "api.compliance", "api.openapi"}
# Routes whose object is looked up after the permission check: allowed roles may get a 404.
MAY_BE_MISSING = {"roster.import_preview", "roster.import_confirm"}


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
              "token": "Zm9vYmFyYmF6cXV4cXV1eA", "meeting_id": meeting.id, "invitation_id": leave.id,
              "type_id": type_id("theme_day"), "item_id": world.item.id,
              "attachment_id": world.attachment.id, "campaign_id": world.campaign.id,
              "requirement_id": world.theme_day_rule.id, "period_key": "2026-05", "fmt": "xlsx",
              "token_id": world.api_token.id}
    if rule.endpoint in UNIT_ROLE_ENDPOINTS:
        values["org_id"] = world.pc_a.id  # committee roles live above the branch
    if rule.endpoint in RECORD_ENDPOINTS:
        values["meeting_id"], values["year"] = world.held.id, world.held.starts_at.year
    if rule.endpoint in ("calendar.personal_feed", "calendar.branch_feed"):
        values["token"] = calendar.feed_token(world["secretary"])
    if rule.endpoint == "meetings.rsvp_link":
        values["token"] = links.rsvp_url(leave.id, world["member"].id, "leave").rsplit("/", 1)[1]
    return {name: values[name] for name in rule.arguments}


@pytest.fixture
def matrix_world(world, app, tmp_path, monkeypatch):
    """The world plus a pending transfer, an upcoming a1 meeting with a leave request, feed tokens,
    an action item of that meeting owned by ``member``, and a campaign over the whole tree."""
    roster.request_transfer(world["admin"], world["member"], world.a2, None)
    now = utcnow()
    world.meeting = make_meeting(world, now=now, starts_at=now + timedelta(days=3))
    leave = next(i for i in world.meeting.invitations if i.person_id == world["member"].id)
    responses.request_leave(world["member"], leave, "出差", now)
    calendar.issue_feed_token(world["secretary"], now)
    world.held = held_meeting_with_final_minutes(world)
    world.item = actions.add_action_item(world["secretary"], world.meeting, text="完善支部档案",
                                         owner_id=world["member"].id, due_on=world.meeting.starts_at.date(),
                                         now=now)
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    world.attachment = attachments.add_attachment(
        world["secretary"], world.meeting, kind=AttachmentKind.PHOTO, filename="合影.png",
        stream=io.BytesIO(file_samples.png()), note=None, now=now)
    world.campaign = make_campaign(world)
    world.api_token, _ = api_tokens.issue(world["secretary"], world["secretary"], "脚本", read_only=True,
                                          expires_at=None, now=now)
    world.theme_day_rule = next(r for r in requirements.install_defaults()
                                if r.meeting_type.code == "theme_day")
    db.session.commit()
    return world


def test_every_rule_is_in_the_matrix(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint != "static"}
    api = {r.endpoint for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")}
    assert api == API_ENDPOINTS, "give new API routes a row in test_api.py's ACCESS and here"
    assert endpoints - API_ENDPOINTS == set(MATRIX), "give new routes a row in MATRIX"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_access(app, client, auth, matrix_world, endpoint, role):
    method, allowed = MATRIX[endpoint]
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        url = app.url_for(endpoint, **_url_args(matrix_world, rule))
    if role != "anonymous":
        assert auth.login(role).status_code == 302
    response = client.open(url, method=method, data={})
    response.close()  # a download streams its file until closed
    status = response.status_code
    assert status < 500
    if allowed == PUBLIC:
        assert status not in (401, 403, 404)
    elif role == "anonymous":
        assert status == 302 and "/login" in response.headers["Location"]
    elif role in allowed:
        assert status != 403
        assert status != 404 or endpoint in MAY_BE_MISSING
    else:
        assert status == 403, f"{role} should be refused {endpoint}"
