"""The record of a held meeting through the API: attendance (出勤登记) and draft minutes (会议记录).

Neither overwrites what someone else wrote meanwhile: each attendance mark names the value
the caller last saw (``was``), and a draft names the revision it is based on (``If-Match``).
定稿 stays on the page, where the secretary reads the header before signing it off.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from meetings.api import bp
from meetings.api.access import allowed, visible
from meetings.api.auth import caller
from meetings.api.body import Body, json_object
from meetings.api.etags import of_minutes, require_match, tagged
from meetings.api.meeting_views import shaped
from meetings.api.output import json_response
from meetings.api.problems import ApiProblem, invalid
from meetings.api.shapes import minutes as minutes_shape
from meetings.domain.minutes import MAX_LENGTH
from meetings.domain.terms import Attendance, MinutesState
from meetings.extensions import db
from meetings.models import Meeting, utcnow
from meetings.policy import Action
from meetings.services import attendance, meetings_query
from meetings.services import minutes as minutes_service

MARK_MEMBERS = frozenset({"invitation_id", "was", "attendance", "reason"})
NOT_ARRAY = _l("须为出勤记录的数组：[{invitation_id, was, attendance, reason}]。")
BAD_MARK = _l("invitation_id 须为本次会议的邀请；"
              "was 与 attendance 须为 present、late、absent、leave 或 null。")


@bp.put("/meetings/<int:meeting_id>/attendance")
def record_attendance(meeting_id: int):
    """Save marks for some or all invitations; a mark whose ``was`` is out of date is a 412,
    listing every such invitation, and nothing is saved."""
    meeting = _recordable(meeting_id)
    body = Body(json_object(), frozenset({"marks"}))
    marks = _marks(body, meeting)
    body.check()
    current = {i.id: i.attendance for i in meeting.invitations}
    stale = [m.invitation_id for m in marks if current[m.invitation_id] != m.shown]
    if stale:
        raise ApiProblem(412, detail=str(_l("这些出勤记录已被他人修改，请重新读取：%(ids)s。",
                                             ids=", ".join(map(str, stale)))), stale=stale)
    try:
        conflicts = attendance.record_attendance(caller(), meeting, marks, utcnow())
    except attendance.AttendanceError as error:
        db.session.rollback()
        raise ApiProblem(409, detail=str(error)) from None
    if conflicts:  # a self check-in landed between our read and the row lock
        db.session.rollback()
        raise ApiProblem(412, detail=str(_l("出勤记录刚被修改，请重新读取后再试。")))
    db.session.commit()
    return json_response(shaped(meeting))


def _recordable(meeting_id: int) -> Meeting:
    meeting = visible(meetings_query.load_meeting(meeting_id), Action.VIEW_MEETINGS)
    allowed(Action.RECORD_MEETING, meeting)
    return meeting


def _marks(body: Body, meeting: Meeting) -> list[attendance.Mark]:
    rows = body.data.get("marks")
    if not isinstance(rows, list) or not rows or len(rows) > len(meeting.invitations):
        body.fail("marks", NOT_ARRAY)
        return []
    ids = {i.id for i in meeting.invitations}
    marks = []
    for n, row in enumerate(rows):
        mark = _mark(Body(row if isinstance(row, dict) else {}, MARK_MEMBERS), ids)
        if mark is None:
            body.fail(f"marks[{n}]", BAD_MARK if isinstance(row, dict) else NOT_ARRAY)
        else:
            marks.append(mark)
    if len({m.invitation_id for m in marks}) != len(marks):
        body.fail("marks", _l("同一邀请只能出现一次。"))
    return marks


def _mark(row: Body, invitation_ids: set[int]) -> attendance.Mark | None:
    invitation_id = row.integer("invitation_id")
    was, now = row.choice("was", Attendance), row.choice("attendance", Attendance)
    reason = row.text("reason", attendance.REASON_LENGTH)
    if row.errors or invitation_id not in invitation_ids or "was" not in row.data:
        return None
    return attendance.Mark(invitation_id=invitation_id, shown=was, attendance=now, reason=reason)


@bp.put("/meetings/<int:meeting_id>/minutes")
def save_minutes(meeting_id: int):
    """Save a draft of the minutes as the next revision (``If-Match``: the revision read;
    not needed for the first draft). Final minutes are changed by amendment, on the page."""
    meeting = _recordable(meeting_id)
    record = minutes_service.for_meeting(meeting)
    base = record.current_revision.number if record and record.current_revision else 0
    require_match(of_minutes(meeting.id, base), optional=base == 0)
    if record is not None and record.state == MinutesState.FINAL:
        raise ApiProblem(409, detail=str(_l("会议记录已定稿，修改需由书记在页面上填写原因后作为更正保存。")))
    body = Body(json_object(), frozenset({"body"}))
    text = body.text("body", MAX_LENGTH, required=True, multiline=True)
    body.check()
    try:
        minutes_service.save_draft(caller(), meeting, text, base, utcnow())
    except minutes_service.StaleMinutes:
        db.session.rollback()
        raise ApiProblem(412) from None
    except minutes_service.MinutesError as error:
        db.session.rollback()
        raise invalid([{"field": "body", "message": str(error)}]) from None
    # The answer is made before the commit, so that nothing after it needs the database: a
    # connection lost once the revision is saved cannot turn a save into an error.
    db.session.flush()
    record = minutes_service.for_meeting(meeting)
    revision = record.current_revision
    shown = minutes_shape(meeting, record, revision.header or minutes_service.header(meeting))
    response = tagged(json_response(shown), of_minutes(meeting.id, revision.number))
    db.session.commit()
    return response
