"""Upload, download and delete a meeting's attachments.
Load → authorize → validate → call the service → commit once → flash → redirect.
"""
from flask import abort, flash, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetings.domain.terms import AttachmentKind
from meetings.domain.uploads import IMAGE_TYPES
from meetings.extensions import db
from meetings.models import Attachment, Meeting, utcnow
from meetings.policy import Action, can
from meetings.services import attachments
from meetings.web.attachments import bp
from meetings.web.attachments.forms import AttachmentForm, DeleteAttachmentForm
from meetings.web.util import authorize, load_or_404

# The bytes are the users', not ours: never let a browser run them as a page.
DOWNLOAD_CSP = "sandbox; default-src 'none'"


def _back(meeting_id: int):
    return redirect(url_for("meetings.show", meeting_id=meeting_id, _anchor="attachments"))


def _flash_errors(form: AttachmentForm) -> None:
    """The page shows flashes far from the fields, so each message names its field."""
    for name, messages in form.errors.items():
        label = str(form[name].label.text)
        for message in map(str, messages):
            flash(message if label in message else _("%(field)s：%(message)s", field=label,
                                                         message=message), "error")


@bp.route("/meetings/<int:meeting_id>/attachments", methods=["POST"])
@login_required
def upload(meeting_id: int):
    """Attach a file (签到表, photo, resolution …) to the meeting."""
    meeting = load_or_404(Meeting, meeting_id)
    authorize(current_user, Action.RECORD_MEETING, meeting)
    form = AttachmentForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return _back(meeting.id)
    chosen = form.file.data
    try:
        attachment = attachments.add_attachment(
            current_user, meeting, kind=AttachmentKind(form.kind.data), filename=chosen.filename,
            stream=chosen.stream, note=form.note.data, now=utcnow())
    except attachments.AttachmentError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back(meeting.id)
    db.session.commit()
    flash(_("已上传附件“%(name)s”。", name=attachment.filename), "success")
    return _back(meeting.id)


@bp.route("/attachments/<int:attachment_id>")
@login_required
def download(attachment_id: int):
    """The file, to those who read the meeting's record (its branch and the officers above;
    not a 列席 guest from elsewhere, as for the minutes); images inline, others as downloads.
    Someone who cannot see the meeting at all gets a 404, as for a missing file."""
    attachment = load_or_404(Attachment, attachment_id)
    if not can(current_user, Action.VIEW_MEETINGS, attachment.meeting):
        abort(404)
    authorize(current_user, Action.VIEW_MINUTES, attachment.meeting)
    try:
        path = attachments.stored_path(attachment)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=attachment.content_type, download_name=attachment.filename,
                         as_attachment=attachment.content_type not in IMAGE_TYPES, conditional=True,
                         etag=attachment.sha256, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/attachments/<int:attachment_id>/delete", methods=["POST"])
@login_required
def delete(attachment_id: int):
    """Remove an attachment while the minutes are still a draft."""
    attachment = load_or_404(Attachment, attachment_id)
    meeting = attachment.meeting
    authorize(current_user, Action.RECORD_MEETING, meeting)
    if not DeleteAttachmentForm().validate_on_submit():
        flash(_("页面已过期，请刷新后重试。"), "error")
        return _back(meeting.id)
    name = attachment.filename
    try:
        sha = attachments.remove_attachment(current_user, attachment, utcnow())
    except attachments.AttachmentError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back(meeting.id)
    db.session.commit()
    attachments.discard_if_unused(sha)
    flash(_("已删除附件“%(name)s”。", name=name), "success")
    return _back(meeting.id)
