"""The list of meeting types and an administrator's edit. Load → authorize → validate → service → commit."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetings.domain.terms import InviteeScope, QuorumRule
from meetings.extensions import db
from meetings.models import MeetingType, utcnow
from meetings.policy import Action
from meetings.services import meeting_types
from meetings.web.types import bp
from meetings.web.types.forms import MeetingTypeForm
from meetings.web.util import authorize, load_or_404


@bp.route("/")
@login_required
def index():
    """Every type in display order, deactivated ones included and marked 停用."""
    authorize(current_user, Action.MANAGE_TYPES, None)
    return render_template("types/list.html", types=meeting_types.all_types())


@bp.route("/<int:type_id>/edit", methods=["GET", "POST"])
@login_required
def edit(type_id: int):
    """Change a type's names, default invitees, quorum rule, duration, minutes template, status."""
    meeting_type = load_or_404(MeetingType, type_id)
    authorize(current_user, Action.MANAGE_TYPES, None)
    taken = [t.name for t in meeting_types.all_types() if t.id != meeting_type.id]
    form = MeetingTypeForm(obj=meeting_type, taken_names=taken)
    if form.validate_on_submit():
        meeting_types.update_type(current_user, meeting_type, meeting_types.TypeFields(
            name=form.name.data,
            name_en=form.name_en.data or "",
            default_invitees=InviteeScope(form.default_invitees.data),
            quorum_rule=QuorumRule(form.quorum_rule.data),
            default_duration_minutes=form.default_duration_minutes.data,
            minutes_template=form.minutes_template.data or "",
            is_active=form.is_active.data,
        ), utcnow())
        db.session.commit()
        flash(_("已保存。"), "success")
        return redirect(url_for("types.index"))
    return render_template("types/edit.html", form=form, meeting_type=meeting_type)
