"""Scheduling pages: a branch's meetings, the schedule form (one or a series), the meeting page,
change and cancel. Load → authorize → validate → call a service → commit once → redirect.
"""
from __future__ import annotations

import dataclasses
from datetime import date

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetings.domain import recurrence
from meetings.domain import scheduling as scheduling_rules
from meetings.domain.markdown import render
from meetings.domain.terms import InvitationRole
from meetings.extensions import db
from meetings.models import Campaign, Meeting, Organization, utcnow
from meetings.policy import Action, can
from meetings.services import (
    assembly_check,
    audit,
    inbound_mail,
    meetings_query,
    responses,
    scheduling,
    series,
)
from meetings.services.mail import queue as mail_queue
from meetings.web.actions.panel import actions_panel
from meetings.web.attachments.panel import attachments_panel
from meetings.web.labels import options
from meetings.web.meetings import bp, campaign_choice, guests, planning
from meetings.web.meetings.forms import CancelForm, EditMeetingForm, LeaveForm, NewMeetingForm
from meetings.web.meetings.record import record_panel
from meetings.web.util import authorize, id_arg, load_or_404


def _branch(branch_id: int) -> Organization:
    branch = load_or_404(Organization, branch_id)
    if not branch.is_branch:
        abort(404)
    return branch


@bp.route("/branches/<int:branch_id>/meetings")
@login_required
def branch_meetings(branch_id: int):
    """The branch's meetings: ahead, and the last 90 days."""
    branch = _branch(branch_id)
    authorize(current_user, Action.VIEW_MEETINGS, branch)
    now = utcnow()
    upcoming, recent = meetings_query.for_branch(branch, now)
    return render_template("meetings/list.html", branch=branch, upcoming=upcoming, recent=recent,
                           year=scheduling_rules.local_date(now).year,
                           may_schedule=can(current_user, Action.SCHEDULE_MEETING, branch))


@bp.route("/branches/<int:branch_id>/meetings/new", methods=["GET", "POST"])
@login_required
def new(branch_id: int):
    """Schedule a meeting or a recurring series (dates previewed before anything is saved)."""
    branch = _branch(branch_id)
    authorize(current_user, Action.SCHEDULE_MEETING, branch)
    if not branch.is_active:
        abort(404)
    now, form = utcnow(), NewMeetingForm()
    choices = planning.branch_choices(branch, utcnow())
    planning.fill_choices(form, choices)
    offered = campaign_choice.fill(form, branch, now)
    if request.method == "GET":
        planning.prefill(form, branch, choices, request.args.get("type"), now,
                         group_id=id_arg(request.args, "group"), by=_day_arg("by"))
        campaign = campaign_choice.chosen(offered, id_arg(request.args, "campaign"))
        if campaign is not None:
            campaign_choice.prefill(form, choices, campaign)
    day = form.date.data if isinstance(form.date.data, date) else None
    form.repeat.choices = planning.repeat_choices(day)
    preview = None
    if form.validate_on_submit():
        preview, saved = _schedule(form, branch, now)
        if saved:
            return saved
    return render_template("meetings/form.html", form=form, branch=branch, choices=choices, meeting=None,
                           preview=preview, agenda_html=render(form.agenda.data or ""))


def _day_arg(name: str) -> date | None:
    """An ISO date from the query string, or None when absent or unreadable (only a hint)."""
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _schedule(form: NewMeetingForm, branch: Organization, now):
    """Save one meeting, or preview/save a series; returns (preview dates, redirect or None)."""
    named = guests.read_guests(form.guests.data, current_user)
    if named.errors:
        form.guests.errors = [*form.guests.errors, *named.errors]
        return None, None
    fields = planning.read_fields(form, named.people, named.outside)
    if form.repeat.data and not fields.late_record:
        return _schedule_series(form, branch, fields, now)
    if "preview" in request.form:
        return None, None
    try:
        meeting = scheduling.schedule_meeting(current_user, branch, fields, now)
    except scheduling.SchedulingError as error:
        _show_errors(form, error)
        return None, None
    db.session.commit()
    flash(_("会议已安排，邀请已发送给 %(n)s 人。", n=len(meeting.invitations)) if not meeting.is_late_record
          else _("已补录这次会议。"), "success")
    _warn_if_part_of_branch(meeting)
    return None, redirect(url_for("meetings.show", meeting_id=meeting.id))


def _schedule_series(form, branch, fields, now):
    """First submit (or "预览"): show the dates; a submit after the preview creates the series."""
    rule = planning.read_rule(form)
    problems = series.check_rule(rule, now)
    if problems:
        _show_errors(form, scheduling.SchedulingError(problems))
        return None, None
    dates = [o.local_date for o in recurrence.occurrences(rule)]
    form.include_dates.choices = options((d.isoformat(), format_date(d, "yyyy-MM-dd EEEE")) for d in dates)
    if form.previewed.data != "1" or "preview" in request.form:
        form.previewed.data = "1"
        form.include_dates.data = [d.isoformat() for d in dates]
        return _preview(rule, dates), None
    kept = set(form.include_dates.data or [])
    skipped = frozenset(d for d in dates if d.isoformat() not in kept)
    rule = planning.read_rule(form, skip=skipped)
    if rule.count is not None:  # exactly the dates that stayed ticked: no unseen date is added
        rule = dataclasses.replace(rule, count=max(rule.count - len(skipped), 0))
    try:
        created = series.create_series(current_user, branch, fields, rule, now)
    except scheduling.SchedulingError as error:
        _show_errors(form, error)
        return _preview(rule, dates), None
    db.session.commit()
    flash(_("已安排 %(n)s 次会议：%(rule)s。每位参会人收到一封邀请，日历中为一个重复日程。",
            n=len(created), rule=recurrence.describe(rule)), "success")
    if created:  # the occurrences share their invitees
        _warn_if_part_of_branch(created[0])
    return None, redirect(url_for("meetings.branch_meetings", branch_id=branch.id))


def _warn_if_part_of_branch(meeting: Meeting) -> None:
    """A 党员大会 may invite part of the branch, but its quorum is counted against all of it."""
    missing = assembly_check.shortfall(meeting)
    if missing is not None:
        flash(_("本次支部党员大会只邀请了 %(invited)s/%(base)s 名有表决权的正式党员。法定人数按全支部 "
                "%(base)s 人计算，须至少 %(needed)s 人到会；未邀请的党员也应通知参会。",
                invited=missing.invited, base=missing.base, needed=missing.needed), "warning")


def _preview(rule, dates):
    return {"description": recurrence.describe(rule), "dates": dates}


def _show_errors(form, error: scheduling.SchedulingError) -> None:
    """Put each message next to its field (or above the form when no field fits)."""
    aliases = {"starts_at": "date", "ends_at": "end_time", "observers": "guests", "reason": "title",
               "first_date": "date", "interval": "repeat", "weekday": "repeat", "ordinal": "repeat",
               "day": "repeat", "duration_minutes": "end_time", "attributed_year": "previous_year"}
    for name, message in error.errors:
        field = getattr(form, aliases.get(name, name), None)
        if field is None:
            form.form_errors.append(message)
        else:
            field.errors = [*field.errors, message]


@bp.route("/meetings/<int:meeting_id>")
@login_required
def show(meeting_id: int):
    """The meeting page: details, agenda, my answer, the invitees and, for officers, the actions."""
    meeting = meetings_query.load_meeting(meeting_id) or abort(404)
    authorize(current_user, Action.VIEW_MEETINGS, meeting)
    now = utcnow()
    mine = next((i for i in meeting.invitations if i.person_id == current_user.id), None)
    may_manage = can(current_user, Action.SCHEDULE_MEETING, meeting)
    campaign = db.session.get(Campaign, meeting.campaign_id) if meeting.campaign_id else None
    may_see_campaign = campaign is not None and can(current_user, Action.VIEW_COMPLIANCE, campaign)
    return render_template(
        "meetings/show.html", meeting=meeting, mine=mine, now=now, agenda_html=render(meeting.agenda),
        campaign=campaign, may_see_campaign=may_see_campaign,
        open_for_answers=responses.open_for_answers(meeting, now), may_manage=may_manage,
        may_decide=can(current_user, Action.DECIDE_LEAVE, meeting), leave_form=LeaveForm(),
        cancel_form=CancelForm(version=meeting.version, reason=session.pop(_kept_reason(meeting), None)),
        counts=meetings_query.answer_counts(meeting),
        unanswered=responses.unanswered(meeting),
        history=audit.history(meeting_id=meeting.id) if may_manage else None,
        counters=inbound_mail.counters(meeting.id) if may_manage else [],
        mail_trouble=mail_queue.trouble(now, meeting_id=meeting.id) if may_manage else None,
        may_manage_mail=can(current_user, Action.MANAGE_MAIL, None),
        record=record_panel(meeting, current_user, now),
        **actions_panel(meeting, current_user, now),
        **attachments_panel(meeting, current_user))


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(meeting_id: int):
    """Change a meeting (and, for a series, optionally the following ones)."""
    meeting = load_or_404(Meeting, meeting_id)
    authorize(current_user, Action.SCHEDULE_MEETING, meeting)
    if meeting.is_cancelled:
        flash(_("会议已取消，不能再修改。"), "error")
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    form = EditMeetingForm()
    choices = planning.branch_choices(meeting.organization, utcnow(), meeting)
    planning.fill_choices(form, choices)
    campaign_choice.fill(form, meeting.organization, utcnow(), current_id=meeting.campaign_id)
    if request.method == "GET":
        planning.fill_from_meeting(form, meeting)
    if form.validate_on_submit() and "preview" not in request.form and _update(form, meeting):
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, branch=meeting.organization, choices=choices,
                           meeting=meeting, preview=None, agenda_html=render(form.agenda.data or ""))


def _kept_reason(meeting: Meeting) -> str:
    """The session key of a cancel reason typed into a form that came too late."""
    return f"cancel-reason-{meeting.id}"


def _update(form: EditMeetingForm, meeting: Meeting) -> bool:
    already = frozenset(i.person_id for i in meeting.invitations if i.role == InvitationRole.OBSERVER)
    named = guests.read_guests(form.guests.data, current_user, already)
    if named.errors:
        form.guests.errors = [*form.guests.errors, *named.errors]
        return False
    fields = planning.read_fields(form, named.people, named.outside)
    version = int(form.version.data) if (form.version.data or "").isdigit() else -1
    change = series.update_following if form.scope.data == "following" else scheduling.update_meeting
    try:
        changed = change(current_user, meeting, fields, utcnow(), version=version)
    except scheduling.StaleMeeting:
        db.session.rollback()
        flash(_("在您编辑期间，其他人修改了这次会议。请查看最新内容后再修改。"), "error")
        return False
    except scheduling.SchedulingError as error:
        db.session.rollback()
        _show_errors(form, error)
        return False
    db.session.commit()
    count = len(changed) if isinstance(changed, list) else 1
    flash(_("已保存修改（%(n)s 次会议），参会人员会收到变更通知。", n=count), "success")
    _warn_if_part_of_branch(meeting)
    return True


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["POST"])
@login_required
def cancel(meeting_id: int):
    """Cancel with a reason; every invitee gets a cancellation."""
    meeting = load_or_404(Meeting, meeting_id)
    authorize(current_user, Action.SCHEDULE_MEETING, meeting)
    form = CancelForm()
    if not form.validate_on_submit():
        for message in form.reason.errors or [_("请填写取消原因。")]:
            flash(message, "error")
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    seen = int(form.version.data) if (form.version.data or "").isdigit() else None
    try:
        scheduling.cancel_meeting(current_user, meeting, form.reason.data, utcnow(), version=seen)
    except scheduling.StaleMeeting:
        db.session.rollback()
        session[_kept_reason(meeting)] = form.reason.data  # shown again in the cancel form
        flash(_("在您取消之前，其他人修改了这次会议。请查看最新内容，确认后再取消。"), "error")
    except scheduling.SchedulingError as error:
        db.session.rollback()
        flash(error.errors[0][1], "error")
    else:
        db.session.commit()
        flash(_("会议已取消，已通知参会人员。"), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id))
