"""Answers to invitations (回复): attend, ask for leave (请假), the secretary's decision, nudges,
and the signed one-click links in the mail.
"""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetings.domain.terms import Rsvp
from meetings.extensions import db
from meetings.models import AuditEvent, OutboxMessage
from meetings.services import links, responses, scheduling
from meetings.services.responses import ResponseError
from tests.fixed_time import TEST_NOW
from tests.meeting_builders import NOW, make_meeting

DURING = NOW + timedelta(days=1)  # after the invite went out, before the meeting


@pytest.fixture
def meeting(world):
    """A 主题党日 of branch a1 three days after ``NOW``; secretary, recorder and member invited."""
    meeting = make_meeting(world)
    db.session.commit()
    return meeting


def invitation_of(meeting, person):
    (found,) = [i for i in meeting.invitations if i.person_id == person.id]
    return found


def audit_actions(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def outbox(kind: str) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == kind)
                                   .order_by(OutboxMessage.id)))


def ask_leave(world, meeting, login="member", reason="出差在外地，无法参加"):
    invitation = invitation_of(meeting, world[login])
    responses.request_leave(world[login], invitation, reason, DURING)
    return invitation


# --- attend and request leave ------------------------------------------------------------

def test_the_invitee_says_they_will_come(world, meeting):
    invitation = invitation_of(meeting, world["member"])
    responses.attend(world["member"], invitation, DURING)
    db.session.commit()
    assert (invitation.rsvp, invitation.rsvp_at, invitation.leave_reason) == (Rsvp.ATTENDING, DURING, None)
    (event,) = audit_actions("invitation.answer")
    assert event.actor_id == world["member"].id and event.object_id == meeting.id
    assert event.before["rsvp"] == "pending"
    assert event.after == {"rsvp": "attending", "leave_reason": None, "source": "site"}


def test_a_leave_request_keeps_the_reason_with_blanks_folded(world, meeting):
    invitation = ask_leave(world, meeting, reason="  出差\n在外地  ")
    assert (invitation.rsvp, invitation.leave_reason) == (Rsvp.LEAVE_REQUESTED, "出差 在外地")
    (event,) = audit_actions("invitation.answer")
    assert event.after == {"rsvp": "leave_requested", "leave_reason": "出差 在外地", "source": "site"}


@pytest.mark.parametrize("reason", ["", "   ", "\n\t ", None])
def test_a_leave_request_needs_a_reason(world, meeting, reason):
    invitation = invitation_of(meeting, world["member"])
    with pytest.raises(ResponseError, match="请假事由"):
        responses.request_leave(world["member"], invitation, reason, DURING)
    assert invitation.rsvp == Rsvp.PENDING and audit_actions("invitation.answer") == []


def test_a_leave_reason_may_have_500_characters_but_not_501(world, meeting):
    invitation = invitation_of(meeting, world["member"])
    with pytest.raises(ResponseError, match="500"):
        responses.request_leave(world["member"], invitation, "事" * 501, DURING)
    responses.request_leave(world["member"], invitation, "事" * 500, DURING)
    db.session.commit()
    assert invitation.leave_reason == "事" * 500


def test_changing_ones_mind_from_leave_to_attend_clears_the_reason(world, meeting):
    invitation = ask_leave(world, meeting)
    responses.attend(world["member"], invitation, DURING)
    assert (invitation.rsvp, invitation.leave_reason) == (Rsvp.ATTENDING, None)
    assert len(audit_actions("invitation.answer")) == 2


@pytest.mark.parametrize("login", ["secretary", "recorder", "admin", "b_member"])
def test_only_the_invitee_may_answer(world, meeting, login):
    invitation = invitation_of(meeting, world["member"])
    with pytest.raises(PermissionError):
        responses.attend(world[login], invitation, DURING)
    with pytest.raises(PermissionError):
        responses.request_leave(world[login], invitation, "代为请假", DURING)
    assert invitation.rsvp == Rsvp.PENDING


def test_no_answers_after_the_meeting_ended(world, meeting):
    invitation = invitation_of(meeting, world["member"])
    responses.attend(world["member"], invitation, meeting.ends_at - timedelta(minutes=1))  # late but open
    with pytest.raises(ResponseError, match="已结束"):
        responses.request_leave(world["member"], invitation, "临时有事", meeting.ends_at)
    with pytest.raises(ResponseError):
        responses.attend(world["member"], invitation, meeting.ends_at + timedelta(days=1))
    assert invitation.rsvp == Rsvp.ATTENDING


def test_no_answers_to_a_cancelled_meeting(world, meeting):
    scheduling.cancel_meeting(world["secretary"], meeting, "与上级会议冲突", NOW)
    invitation = invitation_of(meeting, world["member"])
    with pytest.raises(ResponseError, match="已取消"):
        responses.attend(world["member"], invitation, DURING)
    with pytest.raises(ResponseError):
        responses.request_leave(world["member"], invitation, "出差", DURING)
    assert invitation.rsvp == Rsvp.PENDING


# --- the secretary's decision on leave ----------------------------------------------------

@pytest.mark.parametrize(("approve", "outcome", "action"), [
    (True, Rsvp.LEAVE_APPROVED, "leave.approve"),
    (False, Rsvp.LEAVE_REJECTED, "leave.reject"),
])
def test_the_secretary_decides_a_leave_request(world, meeting, approve, outcome, action):
    invitation = ask_leave(world, meeting)
    responses.decide_leave(world["secretary"], invitation, approve, DURING)
    db.session.commit()
    assert invitation.rsvp == outcome
    assert (invitation.leave_decided_by_id, invitation.leave_decided_at) == (world["secretary"].id, DURING)
    assert invitation.leave_reason == "出差在外地，无法参加"  # the decision keeps what was asked
    (event,) = audit_actions(action)
    assert event.actor_id == world["secretary"].id and event.organization_id == world.a1.id
    assert event.before == {"person": "刘党员", "rsvp": "leave_requested"}
    assert event.after == {"person": "刘党员", "rsvp": outcome.value}


@pytest.mark.parametrize("login", ["recorder", "member", "other_secretary", "liaison"])
def test_only_the_branch_secretary_decides_leave(world, meeting, login):
    invitation = ask_leave(world, meeting)
    with pytest.raises(PermissionError):
        responses.decide_leave(world[login], invitation, True, DURING)
    assert invitation.rsvp == Rsvp.LEAVE_REQUESTED and audit_actions("leave.approve") == []


def test_a_leave_request_is_decided_only_once(world, meeting):
    invitation = ask_leave(world, meeting)
    responses.decide_leave(world["secretary"], invitation, True, DURING)
    with pytest.raises(ResponseError, match="处理过"):
        responses.decide_leave(world["secretary"], invitation, False, DURING)
    assert invitation.rsvp == Rsvp.LEAVE_APPROVED and len(audit_actions("leave.approve")) == 1


def test_there_is_nothing_to_decide_without_a_request(world, meeting):
    with pytest.raises(ResponseError):
        responses.decide_leave(world["secretary"], invitation_of(meeting, world["member"]), True, DURING)


def test_a_new_leave_request_after_rejection_can_be_decided_again(world, meeting):
    invitation = ask_leave(world, meeting)
    responses.decide_leave(world["secretary"], invitation, False, DURING)
    responses.request_leave(world["member"], invitation, "确实无法请假调整", DURING)
    assert (invitation.rsvp, invitation.leave_decided_by_id) == (Rsvp.LEAVE_REQUESTED, None)
    responses.decide_leave(world["secretary"], invitation, True, DURING)
    assert invitation.rsvp == Rsvp.LEAVE_APPROVED


# --- nudging those who have not answered -------------------------------------------------

def test_nudge_mails_only_those_who_have_not_answered(world, meeting):
    responses.attend(world["secretary"], invitation_of(meeting, world["secretary"]), DURING)
    ask_leave(world, meeting, login="recorder")
    assert [i.person_id for i in responses.unanswered(meeting)] == [world["member"].id]
    queued = responses.nudge_unanswered(world["secretary"], meeting, DURING)
    db.session.commit()
    assert queued == 1
    nudged = [(m.recipient, m.person_id) for m in outbox("nudge")]
    assert nudged == [("member@example.org", world["member"].id)]
    reminded = {i.person_id: i.reminded_at for i in meeting.invitations}
    assert reminded == {world["secretary"].id: None, world["recorder"].id: None, world["member"].id: DURING}
    (event,) = audit_actions("meeting.nudge")
    assert event.after == {"unanswered": 1, "mailed": 1} and event.actor_id == world["secretary"].id


def test_nudge_skips_outside_guests(world):
    meeting = make_meeting(world, guests=[("外单位嘉宾", "guest@example.com")])
    db.session.commit()
    responses.nudge_unanswered(world["secretary"], meeting, DURING)
    assert "guest@example.com" not in {m.recipient for m in outbox("nudge")}
    assert len(outbox("nudge")) == 3


def test_nudge_with_everyone_answered_mails_nobody(world, meeting):
    for login in ("secretary", "recorder", "member"):
        responses.attend(world[login], invitation_of(meeting, world[login]), DURING)
    assert responses.nudge_unanswered(world["secretary"], meeting, DURING) == 0
    assert outbox("nudge") == []


def test_a_member_may_not_nudge(world, meeting):
    with pytest.raises(PermissionError):
        responses.nudge_unanswered(world["member"], meeting, DURING)
    assert outbox("nudge") == []


def test_no_nudge_after_the_meeting_ended(world, meeting):
    with pytest.raises(ResponseError):
        responses.nudge_unanswered(world["secretary"], meeting, meeting.ends_at + timedelta(minutes=1))
    assert outbox("nudge") == [] and all(i.reminded_at is None for i in meeting.invitations)


# --- signed RSVP links ---------------------------------------------------------------------
# A link is stamped with the site's clock (pinned in tests), so these read it back at ``TEST_NOW``.

def token_of(url: str) -> str:
    prefix = links.absolute("/rsvp/")
    assert url.startswith(prefix)
    return url[len(prefix):]


def test_a_link_reads_back_as_its_claim(ctx):
    for action in links.RSVP_ACTIONS:
        token = token_of(links.rsvp_url(17, 5, action))
        claim = links.read_rsvp_token(token, TEST_NOW)
        assert claim == links.RsvpClaim(invitation_id=17, person_id=5, action=action)


def test_an_unknown_action_cannot_be_signed(ctx):
    with pytest.raises(ValueError):
        links.rsvp_url(17, 5, "approve")


def tampered(token: str) -> list[str]:
    """The token with one character changed in each of its parts (payload, time, signature)."""
    variants = []
    for index in (1, token.index(".") + 2, len(token) - 3):
        char = token[index]
        variants.append(token[:index] + ("A" if char != "A" else "B") + token[index + 1:])
    return variants


def test_a_tampered_link_is_refused(ctx):
    token = token_of(links.rsvp_url(17, 5, "attend"))
    for variant in tampered(token):
        assert variant != token
        assert links.read_rsvp_token(variant, TEST_NOW) is None, variant


def test_an_attend_link_cannot_be_turned_into_a_leave_link(ctx):
    attend, leave = (token_of(links.rsvp_url(17, 5, a)) for a in ("attend", "leave"))
    payload_attend, payload_leave = attend.split(".")[0], leave.split(".")[0]
    swapped = payload_leave + attend[len(payload_attend):]
    assert links.read_rsvp_token(swapped, TEST_NOW) is None


def test_a_link_signed_with_another_secret_key_is_refused(ctx, monkeypatch):
    token = token_of(links.rsvp_url(17, 5, "attend"))
    monkeypatch.setitem(ctx.config, "SECRET_KEY", "another-secret")
    assert links.read_rsvp_token(token, TEST_NOW) is None
    foreign = token_of(links.rsvp_url(17, 5, "attend"))
    monkeypatch.undo()
    assert links.read_rsvp_token(foreign, TEST_NOW) is None
    assert links.read_rsvp_token(token, TEST_NOW) is not None


def test_an_expired_link_is_refused(ctx):
    token = token_of(links.rsvp_url(17, 5, "attend"))
    now = TEST_NOW
    assert links.read_rsvp_token(token, now + timedelta(seconds=links.RSVP_MAX_AGE - 60)) is not None
    assert links.read_rsvp_token(token, now + timedelta(seconds=links.RSVP_MAX_AGE + 60)) is None
    assert links.read_rsvp_token(token, now + timedelta(days=3650)) is None


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "....", "不是令牌", "%00", "x" * 2000])
def test_garbage_is_refused(ctx, token):
    assert links.read_rsvp_token(token, TEST_NOW) is None


def test_a_well_signed_but_malformed_claim_is_refused(ctx):
    serializer = links._serializer()
    for data in ([17, 5, "approve"], [17, "5", "attend"], [True, 5, "attend"], [17, 5], {"id": 17}, "x"):
        assert links.read_rsvp_token(serializer.dumps(data), TEST_NOW) is None, data
