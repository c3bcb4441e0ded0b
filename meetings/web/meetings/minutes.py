"""会议记录 pages: read, write (with preview and conflict detection), 定稿, amend, revisions and
their diff. Drafts are for the officers; final minutes for the branch and those above it.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetings.domain import minutes as rules
from meetings.domain.markdown import render
from meetings.domain.terms import MinutesState
from meetings.extensions import db
from meetings.models import Meeting, utcnow
from meetings.policy import Action, can
from meetings.services import minutes as service
from meetings.web.meetings import bp
from meetings.web.meetings.headers import header_view
from meetings.web.meetings.record import _meeting
from meetings.web.meetings.record_forms import MinutesForm
from meetings.web.util import authorize, id_arg


def _readable(meeting: Meeting):
    """The minutes this person may read, or 403/404: drafts only for those who write them."""
    minutes = service.for_meeting(meeting)
    if can(current_user, Action.RECORD_MEETING, meeting):
        return minutes
    if not can(current_user, Action.VIEW_MINUTES, meeting):
        abort(403)
    if minutes is None or minutes.state != MinutesState.FINAL:
        abort(404)
    return minutes


@bp.route("/meetings/<int:meeting_id>/minutes")
@login_required
def minutes(meeting_id: int):
    """The record: generated header, the text, who wrote and finalized it."""
    meeting = _meeting(meeting_id)
    record = _readable(meeting)
    if record is None:
        return redirect(url_for("meetings.edit_minutes", meeting_id=meeting.id))
    shown = record.current_revision
    return render_template("meetings/minutes.html", meeting=meeting, record=record, revision=shown,
                           header=header_view(shown.header or service.header(meeting)),
                           body_html=render(shown.body),
                           may_write=can(current_user, Action.RECORD_MEETING, meeting),
                           may_finalize=can(current_user, Action.FINALIZE_MINUTES, meeting))


@bp.route("/meetings/<int:meeting_id>/minutes/edit", methods=["GET", "POST"])
@login_required
def edit_minutes(meeting_id: int):
    """Write the draft, or amend final minutes (书记, with a reason)."""
    meeting = _meeting(meeting_id)
    authorize(current_user, Action.RECORD_MEETING, meeting)
    record = service.for_meeting(meeting)
    final = record is not None and record.state == MinutesState.FINAL
    if final and not can(current_user, Action.FINALIZE_MINUTES, meeting):
        abort(403)
    form, theirs = MinutesForm(), None
    if request.method == "GET":
        start = service.draft(meeting, record)
        form.body.data, form.base.data = start.text, str(start.base)
    elif form.validate_on_submit() and "preview" not in request.form:
        saved, theirs = _save(meeting, form, final)
        if saved:
            return redirect(url_for("meetings.minutes", meeting_id=meeting.id))
    return render_template("meetings/minutes_edit.html", meeting=meeting, form=form, final=final,
                           header=header_view(service.header(meeting)), preview=render(form.body.data or ""),
                           theirs=theirs, theirs_html=render(theirs.body) if theirs else None)


def _save(meeting: Meeting, form: MinutesForm, final: bool):
    """(saved, their newer revision when someone saved first)."""
    now, base = utcnow(), form.base_number()
    try:
        if final:
            service.amend(current_user, meeting, form.body.data, form.reason.data, base, now)
        else:
            saved = service.save_draft(current_user, meeting, form.body.data, base, now)
    except service.StaleMinutes as stale:
        db.session.rollback()
        form.form_errors.append(_("在您编辑期间，其他人保存了新的版本（第 %(n)s 版）。您的文字仍在下方，"
                                  "请对照后合并再保存。", n=stale.current.number if stale.current else 0))
        form.base.data = str(stale.current.number if stale.current else 0)
        return False, stale.current
    except service.MinutesError as error:
        db.session.rollback()
        getattr(form, error.field).errors.append(str(error))
        return False, None
    db.session.commit()
    if final:
        flash(_("已保存更正，并记录了更正原因。"), "success")
    else:
        flash(_("会议记录已保存。") if saved else _("内容没有变化。"), "success")
    return True, None


@bp.route("/meetings/<int:meeting_id>/minutes/finalize", methods=["POST"])
@login_required
def finalize_minutes(meeting_id: int):
    """定稿: read-only from now on; amendments need a reason."""
    meeting = _meeting(meeting_id)
    authorize(current_user, Action.FINALIZE_MINUTES, meeting)
    try:
        service.finalize(current_user, meeting, utcnow())
    except service.MinutesError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("会议记录已定稿。"), "success")
    return redirect(url_for("meetings.minutes", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/minutes/revisions")
@login_required
def minutes_revisions(meeting_id: int):
    """Every save, who and when; pick two to compare."""
    meeting = _meeting(meeting_id)
    record = _readable(meeting) or abort(404)
    shown = _visible_revisions(meeting, record)
    return render_template("meetings/revisions.html", meeting=meeting, record=record, revisions=shown)


@bp.route("/meetings/<int:meeting_id>/minutes/diff")
@login_required
def minutes_diff(meeting_id: int):
    """Two revisions side by side (``?a=1&b=3``), the changed lines marked."""
    meeting = _meeting(meeting_id)
    record = _readable(meeting) or abort(404)
    by_number = {r.number: r for r in _visible_revisions(meeting, record)}
    old, new = (by_number.get(id_arg(request.args, key)) for key in ("a", "b"))
    if old is None or new is None:
        flash(_("请选择两个要比较的版本。"), "error")
        return redirect(url_for("meetings.minutes_revisions", meeting_id=meeting.id))
    return render_template("meetings/diff.html", meeting=meeting, old=old, new=new,
                           lines=rules.diff(old.body, new.body))


def _visible_revisions(meeting: Meeting, record):
    """Officers see every revision; readers of final minutes only the final ones."""
    if can(current_user, Action.RECORD_MEETING, meeting):
        return list(record.revisions)
    return [r for r in record.revisions if r.is_final]
