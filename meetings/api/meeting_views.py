"""``/meetings``: the meetings the caller may see, one meeting, and its minutes."""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from meetings.api import bp
from meetings.api.access import allowed, visible
from meetings.api.auth import caller
from meetings.api.etags import of_meeting, of_minutes, tagged
from meetings.api.filters import meeting_filters
from meetings.api.output import json_response
from meetings.api.params import Args, listing, page_args
from meetings.api.problems import ApiProblem
from meetings.api.shapes import meeting as shape
from meetings.api.shapes import minutes as minutes_shape
from meetings.domain.terms import MinutesState
from meetings.extensions import db
from meetings.models import Meeting, Minutes
from meetings.policy import Action, can
from meetings.services import meetings_query, visibility
from meetings.services import minutes as minutes_service


@bp.get("/meetings")
def meetings():
    """Meetings in the caller's view, filtered by ``org``, ``type``, ``period`` and ``status``."""
    args = Args()
    page = page_args(args)
    conditions = meeting_filters(args)
    args.check()
    query = visibility.meetings(caller()).where(*conditions).options(
        selectinload(Meeting.types), joinedload(Meeting.organization))
    return listing(query, Meeting.id, page, _shapes)


def _shapes(rows: Sequence[Meeting]) -> list[dict]:
    """The page's meetings; which have final minutes is one statement for the whole page."""
    ids = [m.id for m in rows]
    final = set(db.session.scalars(sa.select(Minutes.meeting_id).where(
        Minutes.meeting_id.in_(ids), Minutes.state == MinutesState.FINAL))) if ids else set()
    return [shape(m, minutes_visible=m.id in final and can(caller(), Action.VIEW_MINUTES, m))
            for m in rows]


def shaped(m: Meeting) -> dict:
    """One meeting as the API shows it to the caller."""
    return _shapes([m])[0]


@bp.get("/meetings/<int:meeting_id>")
def meeting(meeting_id: int):
    """One meeting with its attendance summary (404 when the caller may not see it); its ETag
    is what a change must send back in ``If-Match``."""
    found = visible(meetings_query.load_meeting(meeting_id), Action.VIEW_MEETINGS)
    return tagged(json_response(shaped(found)), of_meeting(found))


@bp.get("/meetings/<int:meeting_id>/minutes")
def meeting_minutes(meeting_id: int):
    """The final minutes (会议记录); a draft only for those who write it, else 404."""
    found = visible(meetings_query.load_meeting(meeting_id), Action.VIEW_MEETINGS)
    allowed(Action.VIEW_MINUTES, found)
    record = minutes_service.for_meeting(found)
    if record is None or record.current_revision is None:
        raise ApiProblem(404)
    if record.state != MinutesState.FINAL and not can(caller(), Action.RECORD_MEETING, found):
        raise ApiProblem(404)
    header = record.current_revision.header or minutes_service.header(found)
    return tagged(json_response(minutes_shape(found, record, header)),
                  of_minutes(found.id, record.current_revision.number))
