"""The mail queue page: authorize (MANAGE_MAIL) → list or re-queue → commit once → redirect."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetings.domain.terms import OutboxStatus
from meetings.extensions import db
from meetings.models import utcnow
from meetings.policy import Action
from meetings.services.mail import queue
from meetings.web.mail import bp
from meetings.web.util import authorize

FILTERS = {"failed": OutboxStatus.FAILED, "retrying": OutboxStatus.PENDING, "sending": OutboxStatus.SENDING}


@bp.route("/mail")
@login_required
def index():
    """Undelivered mail, newest first, with the counts; ``?status=failed|retrying|sending``."""
    authorize(current_user, Action.MANAGE_MAIL, None)
    now, shown = utcnow(), request.args.get("status", "")
    rows = queue.listing(now, status=FILTERS.get(shown))
    return render_template("mail/index.html", rows=rows, trouble=queue.trouble(now),
                           shown=shown if shown in FILTERS else "", now=now)


@bp.route("/mail/requeue", methods=["POST"])
@login_required
def requeue():
    """Queue one message (``id``) or every failed and waiting one (no ``id``) again, now."""
    authorize(current_user, Action.MANAGE_MAIL, None)
    raw = request.form.get("id", "")
    if raw and not raw.isdecimal():
        abort(400)
    count = queue.requeue(current_user, utcnow(), [int(raw)] if raw else None)
    db.session.commit()
    if count:
        flash(_("已重新排队 %(n)s 封邮件，发信程序会立即重试。", n=count), "success")
    else:
        flash(_("没有需要重新排队的邮件。"), "warning")
    return redirect(url_for("mail.index"))
