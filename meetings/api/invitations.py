"""Invitations of a meeting: who is invited and how they answered (回复), the caller's own
answer (参加 / 请假), and the secretary's decision on a leave request (请假审批)."""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from meetings.api import bp
from meetings.api.access import allowed, visible
from meetings.api.auth import caller
from meetings.api.body import Body, json_object
from meetings.api.output import json_response
from meetings.api.params import Args, listing, page_args
from meetings.api.problems import ApiProblem
from meetings.api.shapes import invitation as shape
from meetings.extensions import db
from meetings.models import Invitation, Meeting, utcnow
from meetings.policy import Action, can
from meetings.services import meetings_query, responses

ANSWERS = ("attending", "leave")
DECISIONS = ("approve", "reject")


def sees_every_invitation(meeting: Meeting) -> bool:
    """Officers see the whole list; an invitee, only their own invitation."""
    return any(can(caller(), a, meeting) for a in (Action.SCHEDULE_MEETING, Action.RECORD_MEETING))


@bp.get("/meetings/<int:meeting_id>/invitations")
def invitations(meeting_id: int):
    """The meeting's invitations the caller may see, in id order."""
    meeting = visible(meetings_query.load_meeting(meeting_id), Action.VIEW_MEETINGS)
    args = Args()
    page = page_args(args)
    args.check()
    query = sa.select(Invitation).where(Invitation.meeting_id == meeting.id)
    if not sees_every_invitation(meeting):
        query = query.where(Invitation.person_id == caller().id)
    return listing(query, Invitation.id, page, lambda rows: _shapes(meeting, rows))


def _shapes(meeting: Meeting, rows: Sequence[Invitation]) -> list[dict]:
    officer = sees_every_invitation(meeting)
    return [shape(i, meeting, reasons=officer or i.person_id == caller().id) for i in rows]


@bp.put("/meetings/<int:meeting_id>/rsvp")
def answer(meeting_id: int):
    """The caller answers their own invitation: ``attending``, or ``leave`` with a reason."""
    meeting = visible(meetings_query.load_meeting(meeting_id), Action.VIEW_MEETINGS)
    invitation = next((i for i in meeting.invitations if i.person_id == caller().id), None)
    if invitation is None:
        raise ApiProblem(404, detail=str(_l("您不在这次会议的参会名单中。")))
    body = Body(json_object(), frozenset({"answer", "reason"}))
    choice = body.text("answer", 20, required=True)
    reason = body.text("reason", responses.REASON_LENGTH)
    if choice is not None and choice not in ANSWERS:
        body.fail("answer", _l("只能是 attending 或 leave。"))
    if choice == "leave" and not (reason or "").strip():
        body.fail("reason", _l("请假须填写事由。"))
    body.check()
    _respond(lambda: responses.attend(caller(), invitation, utcnow()) if choice == "attending"
             else responses.request_leave(caller(), invitation, reason or "", utcnow()))
    return json_response(shape(invitation, meeting, reasons=True))


@bp.put("/meetings/<int:meeting_id>/invitations/<int:invitation_id>/leave")
def decide_leave(meeting_id: int, invitation_id: int):
    """准假 or not: ``{"decision": "approve"}`` or ``"reject"`` on a pending leave request."""
    meeting = visible(meetings_query.load_meeting(meeting_id), Action.VIEW_MEETINGS)
    invitation = next((i for i in meeting.invitations if i.id == invitation_id), None)
    if invitation is None or not (sees_every_invitation(meeting) or invitation.person_id == caller().id):
        raise ApiProblem(404)
    allowed(Action.DECIDE_LEAVE, meeting)
    body = Body(json_object(), frozenset({"decision"}))
    decision = body.text("decision", 20, required=True)
    if decision is not None and decision not in DECISIONS:
        body.fail("decision", _l("只能是 approve 或 reject。"))
    body.check()
    _respond(lambda: responses.decide_leave(caller(), invitation, decision == "approve", utcnow()))
    return json_response(shape(invitation, meeting, reasons=True))


def _respond(write) -> None:
    """A refused answer (meeting over, request already decided, bad reason) is a 409/422."""
    try:
        write()
    except responses.ResponseError as error:
        db.session.rollback()
        raise ApiProblem(409, detail=str(error)) from None
    db.session.commit()
