"""整改事项 pages: raise one at a meeting, change it, close it with evidence, cancel or reopen it,
and a branch's 整改清单. Load → authorize → validate → call a service → commit once → redirect.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetings.domain import actions as rules
from meetings.domain.scheduling import local_date
from meetings.domain.terms import ActionStatus
from meetings.extensions import db
from meetings.models import ActionItem, Meeting, Organization, utcnow
from meetings.policy import Action
from meetings.services import actions, actions_query
from meetings.web.actions import bp, panel
from meetings.web.actions.forms import CancelForm, CloseForm
from meetings.web.util import authorize, load_or_404, safe_next


@bp.route("/meetings/<int:meeting_id>/actions", methods=["POST"])
@login_required
def add(meeting_id: int):
    """Raise a 整改事项 from the meeting page; a refusal shows the form again, values kept."""
    meeting = load_or_404(Meeting, meeting_id)
    authorize(current_user, Action.RECORD_MEETING, meeting)
    form = panel.item_form(meeting)
    if form.validate_on_submit() and _save(form, lambda: actions.add_action_item(
            current_user, meeting, text=form.text.data, owner_id=form.owner_id.data,
            due_on=form.due_on.data, now=utcnow())):
        flash(_("已添加整改事项。"), "success")
        return redirect(_meeting_url(meeting.id))
    return render_template("actions/form.html", form=form, meeting=meeting, item=None,
                           branch_id=actions.branch_of(meeting).id)


@bp.route("/actions/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit(item_id: int):
    """Change an open item's text, owner or due date."""
    item = load_or_404(ActionItem, item_id)
    authorize(current_user, Action.RECORD_MEETING, item)
    if item.status != ActionStatus.OPEN:
        flash(_("已办结或取消的整改事项不能修改。"), "error")
        return redirect(_back(item))
    form = panel.item_form(item.meeting, item)
    if form.validate_on_submit() and _save(form, lambda: actions.update_action_item(
            current_user, item, text=form.text.data, owner_id=form.owner_id.data,
            due_on=form.due_on.data, now=utcnow())):
        flash(_("已保存整改事项的修改。"), "success")
        return redirect(_source_url(item))
    return render_template("actions/form.html", form=form, meeting=item.meeting, item=item,
                           branch_id=item.organization_id)


@bp.route("/actions/<int:item_id>/close", methods=["GET", "POST"])
@login_required
def close(item_id: int):
    """办结: a small page asking what was done, as evidence (made for a phone)."""
    item = load_or_404(ActionItem, item_id)
    authorize(current_user, Action.CLOSE_ACTION, item)
    form = CloseForm()
    if form.validate_on_submit() and _save(form, lambda: actions.close_action_item(
            current_user, item, form.evidence.data, utcnow())):
        flash(_("整改事项已办结。"), "success")
        return redirect(_back(item))
    today = local_date(utcnow())
    return render_template("actions/close.html", item=item, form=form, next=request.values.get("next", ""),
                           overdue=rules.is_overdue(item.due_on, item.status, today),
                           source_visible=panel.source_visible(current_user, item))


@bp.route("/actions/<int:item_id>/cancel", methods=["POST"])
@login_required
def cancel(item_id: int):
    """Drop an open item, with a reason."""
    item = load_or_404(ActionItem, item_id)
    authorize(current_user, Action.RECORD_MEETING, item)
    form = CancelForm()
    if not form.validate_on_submit():
        for message in form.reason.errors:
            flash(message, "error")
    elif _flash_refusal(lambda: actions.cancel_action_item(current_user, item, form.reason.data, utcnow())):
        flash(_("已取消这项整改事项。"), "success")
    return redirect(_back(item))


@bp.route("/actions/<int:item_id>/reopen", methods=["POST"])
@login_required
def reopen(item_id: int):
    """Open a closed or cancelled item again."""
    item = load_or_404(ActionItem, item_id)
    authorize(current_user, Action.RECORD_MEETING, item)
    if _flash_refusal(lambda: actions.reopen_action_item(current_user, item, utcnow())):
        flash(_("已重新打开这项整改事项，请责任人继续整改。"), "success")
    return redirect(_back(item))


@bp.route("/branches/<int:branch_id>/actions")
@login_required
def branch(branch_id: int):
    """整改清单: overdue, in progress, and closed in the last 90 days, with their meetings."""
    org = load_or_404(Organization, branch_id)
    if not org.is_branch:
        abort(404)
    authorize(current_user, Action.VIEW_MEETINGS, org)
    today = local_date(utcnow())
    found = actions_query.for_branch(org, today)
    return render_template("actions/branch.html", branch=org, today=today,
                           overdue=panel.rows(found.overdue, current_user, today),
                           open=panel.rows(found.open, current_user, today),
                           closed=panel.rows(found.closed, current_user, today))


def _save(form, change) -> bool:
    """Run the service; commit, or put its messages next to the fields and roll back."""
    try:
        change()
    except actions.ActionError as error:
        db.session.rollback()
        for name, message in error.errors:
            field = getattr(form, name, None)
            if field is None:
                form.form_errors.append(message)
            else:
                field.errors = [*field.errors, message]
        return False
    db.session.commit()
    return True


def _flash_refusal(change) -> bool:
    """Run the service; commit, or flash its messages and roll back."""
    try:
        change()
    except actions.ActionError as error:
        db.session.rollback()
        for _field, message in error.errors:
            flash(message, "error")
        return False
    db.session.commit()
    return True


def _meeting_url(meeting_id: int) -> str:
    return url_for("meetings.show", meeting_id=meeting_id, _anchor="actions")


def _back(item: ActionItem) -> str:
    """Where to go after a change: ``next`` on this site, else the meeting, else home."""
    target = request.values.get("next")
    if target:
        return safe_next(target)
    if panel.source_visible(current_user, item):
        return _source_url(item)
    return url_for("main.home")


def _source_url(item: ActionItem) -> str:
    """The meeting's 整改事项, or the 督导记录's finding, the item came from."""
    if item.meeting_id is not None:
        return _meeting_url(item.meeting_id)
    return url_for("supervision.visit", visit_id=item.finding.visit_id, _anchor=f"finding-{item.finding_id}")
