"""Attendance: the secretary's sheet (登记出勤), the QR shown at the meeting, and the member's
self check-in (扫码签到) on a phone.
"""
from __future__ import annotations

import segno
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from meetings.domain.terms import Attendance, MinutesState
from meetings.extensions import db, limiter
from meetings.models import Meeting, utcnow
from meetings.policy import Action, can
from meetings.services import assembly_check, attendance, links, meetings_query
from meetings.services import minutes as minutes_service
from meetings.web.meetings import bp
from meetings.web.meetings.record_forms import CheckInForm, read_sheet
from meetings.web.util import authorize


def _meeting(meeting_id: int) -> Meeting:
    return meetings_query.load_meeting(meeting_id) or abort(404)


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
@login_required
def attendance_sheet(meeting_id: int):
    """Every invitee with their answer; mark present / late / absent / on leave, or all at once."""
    meeting = _meeting(meeting_id)
    authorize(current_user, Action.RECORD_MEETING, meeting)
    now = utcnow()
    problems: list[str] = []
    if request.method == "POST":
        marks, problems = read_sheet(request.form, [i.id for i in meeting.invitations])
        if not problems and _save(meeting, marks, now):
            return redirect(url_for("meetings.attendance_sheet", meeting_id=meeting.id))
    return render_template("meetings/attendance.html", meeting=meeting, summary=attendance.summary(meeting),
                           problems=problems, locked=attendance.minutes_final(meeting), now=now,
                           marks=list(Attendance))


def _save(meeting: Meeting, marks, now) -> bool:
    try:
        conflicts = attendance.record_attendance(current_user, meeting, marks, now,
                                                 all_present="all_present" in request.form)
    except attendance.AttendanceError as error:
        db.session.rollback()
        flash(str(error), "error")
        return False
    db.session.commit()
    flash(_("出勤情况已保存。"), "success")
    if conflicts:
        flash(_("以下人员的出勤在您编辑期间已有变化（如本人扫码签到），保留了最新情况：%(names)s",
                names="、".join(conflicts)), "warning")
    return True


@bp.route("/meetings/<int:meeting_id>/check-in/display")
@login_required
def check_in_display(meeting_id: int):
    """The QR code and short code, for the screen at the meeting (书记/记录员)."""
    meeting = _meeting(meeting_id)
    authorize(current_user, Action.RECORD_MEETING, meeting)
    url = links.absolute(url_for("meetings.check_in", meeting_id=meeting.id, code=meeting.check_in_code))
    # segno writes plain SVG markup (no script), drawn on the server: nothing from outside.
    qr = Markup(segno.make(url, error="m").svg_inline(scale=6, border=2, omitsize=True,
                                                         title=_("签到二维码")))
    return render_template("meetings/check_in_display.html", meeting=meeting, qr=qr, url=url,
                           window=attendance.check_in_window(meeting), now=utcnow(),
                           summary=attendance.summary(meeting))


def _check_in_tries_key() -> str:
    return f"check-in:{request.view_args.get('meeting_id')}:{current_user.get_id().partition(':')[0]}"


@bp.route("/meetings/<int:meeting_id>/check-in", methods=["GET", "POST"])
@login_required
# A six-digit code would fall to guessing: ten refused tries per person and meeting in 15 minutes
# (a success is a redirect, and is not counted).
@limiter.limit("10 per 15 minutes", methods=["POST"], key_func=_check_in_tries_key,
               deduct_when=lambda response: response.status_code != 302)
def check_in(meeting_id: int):
    """Where the QR leads: one button (a GET never changes anything), then 已签到."""
    meeting = _meeting(meeting_id)
    authorize(current_user, Action.VIEW_MEETINGS, meeting)
    mine = next((i for i in meeting.invitations if i.person_id == current_user.id), None)
    form = CheckInForm(data={"code": request.args.get("code", "")} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            mark = attendance.self_check_in(current_user, meeting, form.code.data, utcnow())
        except attendance.AttendanceError as error:
            db.session.rollback()
            form.code.errors = [*form.code.errors, str(error)]
        else:
            db.session.commit()
            flash(_("签到成功（迟到）。") if mark == Attendance.LATE else _("签到成功。"), "success")
            return redirect(url_for("meetings.check_in", meeting_id=meeting.id))
    return render_template("meetings/check_in.html", meeting=meeting, mine=mine, form=form,
                           window=attendance.check_in_window(meeting), now=utcnow(),
                           may_record=can(current_user, Action.RECORD_MEETING, meeting))


def record_panel(meeting: Meeting, person, now) -> dict:
    """What the meeting page shows of the record: attendance, quorum, check-in, minutes, and for
    a 党员大会 planned for part of the branch, who was left out (the branch's member names: for
    those who see the branch, not an invited guest from elsewhere)."""
    record = minutes_service.for_meeting(meeting)
    may_record = can(person, Action.RECORD_MEETING, meeting)
    final = record is not None and record.state == MinutesState.FINAL
    summary = attendance.summary(meeting)
    # An unrecorded meeting's summary holds the base as of today: the one the check would look up.
    assembly = (assembly_check.notice(meeting, summary.voting_ids)
                if can(person, Action.VIEW_ORG, meeting.organization) else None)
    return {"summary": summary, "assembly": assembly, "may_record": may_record,
            "may_finalize": can(person, Action.FINALIZE_MINUTES, meeting), "minutes": record,
            "may_read_minutes": may_record or (final and can(person, Action.VIEW_MINUTES, meeting)),
            "check_in_open": attendance.check_in_window(meeting).is_open(now) and not meeting.is_cancelled,
            "sheet_open": now >= meeting.starts_at and not meeting.is_cancelled}
