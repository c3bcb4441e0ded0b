"""Printable records: one meeting's 会议记录 page, and a branch's whole year in one document."""
from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user, login_required

from meetings.domain.markdown import render
from meetings.domain.terms import MinutesState
from meetings.models import utcnow
from meetings.policy import Action
from meetings.services import minutes as service
from meetings.services import record_book
from meetings.web.meetings import bp
from meetings.web.meetings.headers import header_view
from meetings.web.meetings.minutes import _readable
from meetings.web.meetings.record import _meeting
from meetings.web.meetings.views import _branch
from meetings.web.util import authorize

FIRST_YEAR = 2000


@bp.route("/meetings/<int:meeting_id>/minutes/print")
@login_required
def print_minutes(meeting_id: int):
    """The record laid out as a 会议记录 page: header table, text, signature lines."""
    meeting = _meeting(meeting_id)
    record = _readable(meeting) or abort(404)
    revision = record.current_revision
    entry = record_book.Entry(meeting, record, header_view(revision.header or service.header(meeting)),
                              render(revision.body))
    return render_template("meetings/print.html", entries=[entry], title=meeting.title, year=None,
                           branch=meeting.organization, draft=record.state != MinutesState.FINAL)


@bp.route("/branches/<int:branch_id>/records/<int:year>")
@login_required
def year_record(branch_id: int, year: int):
    """Every final record of the branch for one year, in date order, one per printed page."""
    branch = _branch(branch_id)
    authorize(current_user, Action.VIEW_MINUTES, branch)
    if not FIRST_YEAR <= year <= utcnow().year + 1:
        abort(404)
    entries = [record_book.Entry(m, r, header_view(r.current_revision.header or service.header(m)),
                                 render(r.current_revision.body))
               for m, r in record_book.final_records(branch, year)]
    return render_template("meetings/print.html", entries=entries, title=None, year=year, branch=branch,
                           draft=False)
