"""Answering an invitation — on the meeting page or through the signed link in the email —
and the secretary's side: deciding leave requests and reminding those who have not answered.
"""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetings.extensions import csrf, db
from meetings.models import Invitation, Meeting, utcnow
from meetings.policy import Action
from meetings.services import links, responses
from meetings.web.meetings import bp
from meetings.web.meetings.forms import LeaveForm
from meetings.web.util import authorize, load_or_404


def _answer(invitation: Invitation, person, action: str, reason: str | None) -> bool:
    """Record the answer; flash the outcome; True when saved."""
    try:
        if action == "attend":
            responses.attend(person, invitation, utcnow())
        elif action == "leave":
            responses.request_leave(person, invitation, reason or "", utcnow())
        else:
            abort(400)
    except responses.ResponseError as error:
        db.session.rollback()
        flash(str(error), "error")
        return False
    db.session.commit()
    flash(_("已回复：参加。") if action == "attend" else _("已提交请假申请，等待书记审批。"), "success")
    return True


@bp.route("/meetings/<int:meeting_id>/answer", methods=["POST"])
@login_required
def answer(meeting_id: int):
    """The signed-in invitee attends or asks for leave."""
    meeting = load_or_404(Meeting, meeting_id)
    invitation = next((i for i in meeting.invitations if i.person_id == current_user.id), None)
    if invitation is None:
        abort(403)
    authorize(current_user, Action.RESPOND, invitation)
    action = request.form.get("action", "")
    if action == "leave":
        form = LeaveForm()
        if not form.validate():
            for message in form.reason.errors:
                flash(message, "error")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    _answer(invitation, current_user, action, request.form.get("reason"))
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/leave/<int:invitation_id>", methods=["POST"])
@login_required
def decide_leave(meeting_id: int, invitation_id: int):
    """准假 or 不准假 for one pending request."""
    meeting = load_or_404(Meeting, meeting_id)
    authorize(current_user, Action.DECIDE_LEAVE, meeting)
    invitation = load_or_404(Invitation, invitation_id)
    if invitation.meeting_id != meeting.id:
        abort(404)
    decision = request.form.get("decision")
    if decision not in ("approve", "reject"):
        abort(400)
    try:
        responses.decide_leave(current_user, invitation, decision == "approve", utcnow())
    except responses.ResponseError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("已准假：%(name)s。", name=invitation.display_name) if decision == "approve"
              else _("未准假：%(name)s，已通知其按时参会。", name=invitation.display_name), "success")
    back_home = request.form.get("back") == "home"  # decided from the secretary's home page
    return redirect(url_for("main.home") if back_home else url_for("meetings.show", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/nudge", methods=["POST"])
@login_required
def nudge(meeting_id: int):
    """Email everyone who has not answered yet."""
    meeting = load_or_404(Meeting, meeting_id)
    authorize(current_user, Action.SCHEDULE_MEETING, meeting)
    try:
        queued = responses.nudge_unanswered(current_user, meeting, utcnow())
    except responses.ResponseError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("已提醒 %(n)s 人尽快回复。", n=queued), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


@bp.route("/rsvp/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the credential; there is no session to ride on
def rsvp_link(token: str):
    """The one-click link from the email: no login. GET shows the answer with one button to confirm
    (mail scanners follow links, so a GET never changes anything); POST records it."""
    now = utcnow()
    claim = links.read_rsvp_token(token, now)
    invitation = db.session.get(Invitation, claim.invitation_id) if claim else None
    if invitation is None or invitation.person_id != claim.person_id or invitation.person is None:
        return render_template("meetings/rsvp_link.html", invalid=True), 400
    source = request.form if request.method == "POST" else request.args
    action = source.get("action") if source.get("action") in links.RSVP_ACTIONS else claim.action
    answered = request.method == "POST" and _answer(invitation, invitation.person, action,
                                                    request.form.get("reason"))
    if answered:
        return redirect(url_for("meetings.rsvp_link", token=token, done=1))
    return render_template("meetings/rsvp_link.html", invalid=False, invitation=invitation,
                           meeting=invitation.meeting, action=action, done=request.args.get("done"),
                           open_for_answers=responses.open_for_answers(invitation.meeting, now))
