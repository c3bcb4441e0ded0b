"""Schedule, change and cancel meetings through the API: the same services as the pages.

``POST /meetings`` → 201; ``PATCH /meetings/{id}`` and ``POST /meetings/{id}/cancel`` need the
meeting's ETag in ``If-Match``. Invitees are mailed through the outbox exactly as from the form.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from meetings.api import bp
from meetings.api.access import allowed, visible
from meetings.api.auth import caller
from meetings.api.body import Body, json_object
from meetings.api.etags import of_meeting, require_match, tagged
from meetings.api.meeting_fields import FIELDS, read_fields
from meetings.api.meeting_views import shaped
from meetings.api.output import external, json_response
from meetings.api.problems import ApiProblem, invalid
from meetings.domain.terms import MeetingStatus, OrgKind
from meetings.extensions import db
from meetings.models import Meeting, Organization, utcnow
from meetings.policy import Action, can
from meetings.services import meetings_query, scheduling

NO_BRANCH = _l("没有这个组织，或您无权查看。")
NOT_A_BRANCH = _l("会议只能由在册的党支部安排。")
# The service's field names, as the API calls them.
API_NAMES = {"invitees": "invitee_ids", "observers": "observer_ids", "type_ids": "types"}


@bp.post("/meetings")
def create_meeting():
    """安排会议: a meeting of a branch the caller may schedule for, with its invitations."""
    body = Body(json_object(), FIELDS | {"organization_id", "late_record"})
    branch = _branch(body)
    fields = read_fields(body, None)
    body.check()
    allowed(Action.SCHEDULE_MEETING, branch)
    meeting = _saved(lambda: scheduling.schedule_meeting(caller(), branch, fields, utcnow()))
    response = json_response(shaped(meeting), 201)
    response.headers["Location"] = external("api.meeting", meeting_id=meeting.id)
    return tagged(response, of_meeting(meeting))


@bp.patch("/meetings/<int:meeting_id>")
def update_meeting(meeting_id: int):
    """变更会议: only the members given change; invitees hear of it as from the form."""
    meeting = visible(meetings_query.load_meeting(meeting_id), Action.VIEW_MEETINGS)
    allowed(Action.SCHEDULE_MEETING, meeting)
    require_match(of_meeting(meeting))
    if meeting.is_cancelled:
        raise ApiProblem(409, detail=str(_l("会议已取消，不能再修改。")))
    body = Body(json_object(), FIELDS)
    fields = read_fields(body, meeting)
    body.check()
    _saved(lambda: scheduling.update_meeting(caller(), meeting, fields, utcnow(), version=meeting.version))
    return tagged(json_response(shaped(meeting)), of_meeting(meeting))


@bp.post("/meetings/<int:meeting_id>/cancel")
def cancel_meeting(meeting_id: int):
    """取消会议 with a reason; every invitee gets the cancellation."""
    meeting = visible(meetings_query.load_meeting(meeting_id), Action.VIEW_MEETINGS)
    allowed(Action.SCHEDULE_MEETING, meeting)
    require_match(of_meeting(meeting))
    body = Body(json_object(), frozenset({"reason"}))
    reason = body.text("reason", scheduling.REASON_LENGTH, required=True)
    body.check()
    if meeting.is_cancelled or meeting.status == MeetingStatus.HELD:
        raise ApiProblem(409, detail=_state_conflict(meeting))
    _saved(lambda: scheduling.cancel_meeting(caller(), meeting, reason, utcnow()))
    return tagged(json_response(shaped(meeting)), of_meeting(meeting))


def _branch(body: Body) -> Organization | None:
    """The branch named by ``organization_id``; one the caller cannot see reads as unknown."""
    org_id = body.integer("organization_id")
    if org_id is None:
        if not body.has("organization_id"):
            body.fail("organization_id", _l("必填。"))
        return None
    branch = db.session.get(Organization, org_id)
    if branch is None or not can(caller(), Action.VIEW_ORG, branch):
        body.fail("organization_id", NO_BRANCH)
        return None
    if branch.kind != OrgKind.BRANCH or not branch.is_active:
        body.fail("organization_id", NOT_A_BRANCH)
    return branch


def _saved(write):
    """Run a service write and commit; its refusals become problems, with nothing kept."""
    try:
        result = write()
        db.session.commit()
        return result
    except scheduling.SchedulingError as error:
        db.session.rollback()
        raise invalid([{"field": API_NAMES.get(name, name), "message": str(message)}
                       for name, message in error.errors]) from None
    except (scheduling.StaleMeeting, StaleDataError):
        db.session.rollback()
        raise ApiProblem(412) from None


def _state_conflict(meeting: Meeting) -> str:
    return str(_l("会议已经取消。") if meeting.is_cancelled else _l("会议已经召开，不能取消。"))
