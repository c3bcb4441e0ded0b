"""催办 pages: send (from a cell, a campaign row or work-list rows), list, read and answer.

Load → authorize (SEND_NOTICE on every branch; VIEW_NOTICE / ANSWER_NOTICE on a notice) →
validate → the service → commit once → redirect.
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetings.domain.periods import Period
from meetings.domain.scheduling import local_date
from meetings.domain.supervision import DEFAULT_DUE_DAYS, NoticeState, ReplyKind, parse_subject
from meetings.domain.terms import OrgKind, PeriodKind
from meetings.domain.worklist import page_of
from meetings.extensions import db
from meetings.models import Notice, Organization, utcnow
from meetings.policy import Action, can, scope_roots
from meetings.services.supervision import notices, notices_query
from meetings.web.compliance.params import read_span
from meetings.web.labels import options
from meetings.web.supervision import bp
from meetings.web.supervision.forms import NoticeForm, ReplyForm
from meetings.web.util import authorize, id_arg, load_or_404

MAX_BRANCHES = 500  # one send; a province's lagging branches go in a few
MAX_SUBJECTS = 50
DEFAULT_TEXT = "请对照以下事项抓紧落实，并在办理期限前在系统中答复（已安排的请关联会议）。"


@bp.route("/notices/new", methods=["GET", "POST"])
@login_required
def new_notice():
    """Preview what each chosen branch would be sent, then send it."""
    if not scope_roots(current_user, Action.SEND_NOTICE):
        abort(403)
    now = utcnow()
    # The work list posts its ticked rows here (a GET of hundreds of ids is too long a URL);
    # only the preview's own form, step=send, sends.
    values = request.form if request.method == "POST" else request.args
    sending = request.method == "POST" and values.get("step") == "send"
    subjects = _subjects(values.getlist("subject"))
    branches = _branches(values.getlist("branch"))
    problems: list[str] = []
    span = read_span(values.get("period"), local_date(now), problems) if subjects is None else None
    form = NoticeForm(formdata=request.form if sending else None)
    if not sending:
        form.text.data, form.due_on.data = DEFAULT_TEXT, local_date(now) + timedelta(days=DEFAULT_DUE_DAYS)
        form.seen.data = notices.last_item_id({b.id for b in branches})
    if sending and problems:
        form.form_errors.append(_("统计期间无法识别，未发送。请从督导工作台重新选择。"))
    elif sending and form.validate():
        try:
            sent = notices.send(current_user, branches, form.text.data, form.due_on.data, now, span=span,
                                subjects=subjects, again=form.again.data, seen=form.seen.data or 0)
        except notices.NoticeError as exc:
            getattr(form, exc.field, form.text).errors.append(str(exc.message))
        else:
            db.session.commit()
            flash(_("已向 %(n)s 个党支部发送催办。", n=len(sent)), "success")
            return redirect(url_for("supervision.notices_list"))
    drafts = notices.drafts(branches, now, span=span, subjects=subjects)
    return render_template("supervision/notice_new.html", form=form, drafts=drafts, subjects=subjects,
                           span=span, problems=problems)


def _branches(raw: list[str]) -> list[Organization]:
    """The branches asked for, each one the person may send to (else 403/404, not a guess)."""
    ids = {id_arg({"id": value}, "id") for value in raw[:MAX_BRANCHES + 1]}
    if not raw or None in ids or len(raw) > MAX_BRANCHES:
        abort(400)
    found = list(db.session.scalars(sa.select(Organization).where(Organization.id.in_(ids))
                                    .order_by(Organization.path)))
    if len(found) != len(ids):
        abort(404)
    for branch in found:
        authorize(current_user, Action.SEND_NOTICE, branch)
        if branch.kind != OrgKind.BRANCH:
            abort(404)
    return found


def _subjects(raw: list[str]):
    if not raw:
        return None
    if len(raw) > MAX_SUBJECTS:
        abort(400)
    try:
        return [parse_subject(value) for value in raw]
    except ValueError:
        abort(400)


@bp.route("/notices")
@login_required
def notices_list():
    """The notices the person sent or oversees, or received as a branch secretary."""
    overseer = bool(scope_roots(current_user, Action.VIEW_OVERSIGHT))
    if not overseer and not notices_query.answerable_branches(current_user):
        abort(403)
    now = utcnow()
    filters = _filters()
    lines = notices_query.lines_for(current_user, filters, now)
    everything = lines if filters == notices_query.Filters() else notices_query.lines_for(
        current_user, notices_query.Filters(branch_id=filters.branch_id), now)
    page = page_of(lines, _page_number(), notices_query.PER_PAGE)
    return render_template("supervision/notices.html", page=page, filters=filters, overseer=overseer,
                           counts=notices_query.counts(everything), states=list(NoticeState),
                           today=local_date(now))


def _filters() -> notices_query.Filters:
    state = request.args.get("state", "")
    if state and state not in set(NoticeState):
        flash(_("状态无法识别，已显示全部。"), "warning")
        state = ""
    return notices_query.Filters(state=NoticeState(state) if state else None,
                                 overdue=request.args.get("overdue") == "1",
                                 branch_id=id_arg(request.args, "branch"))


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdecimal() and 0 < int(raw) < 10_000 else 1


@bp.route("/notices/<int:notice_id>", methods=["GET"])
@login_required
def notice(notice_id: int):
    """One notice: what it names and whether each is done, its reply; opened by the branch's
    secretary, it is read (the receipt the sender sees)."""
    found = load_or_404(Notice, notice_id)
    authorize(current_user, Action.VIEW_NOTICE, found)
    now = utcnow()
    if notices.mark_read(current_user, found, now):
        db.session.commit()
    return _show(found, ReplyForm(kind=(found.reply_kind or ReplyKind.ARRANGED).value,
                                  meeting_id=found.reply_meeting_id, text=found.reply_text), now)


@bp.route("/notices/<int:notice_id>/reply", methods=["POST"])
@login_required
def reply(notice_id: int):
    found = load_or_404(Notice, notice_id)
    authorize(current_user, Action.ANSWER_NOTICE, found)
    now = utcnow()
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            notices.reply(current_user, found, ReplyKind(form.kind.data), form.text.data or "",
                          form.meeting_id.data, now)
        except notices.NoticeError as exc:
            getattr(form, exc.field, form.text).errors.append(str(exc.message))
        else:
            db.session.commit()
            flash(_("已答复。"), "success")
            return redirect(url_for("supervision.notice", notice_id=found.id))
    return _show(found, form, now), 422


def _show(found: Notice, form: ReplyForm, now):
    line = notices_query.judge([found], now)[0]
    may_answer = can(current_user, Action.ANSWER_NOTICE, found)
    meetings = notices.meetings_to_link(found, now) if may_answer else []
    form.meeting_id.choices = options([("", _("（请选择）"))] + [
        (m.id, f"{local_date(m.starts_at).isoformat()} {m.title}") for m in meetings])
    span = Period(PeriodKind.YEAR, local_date(found.sent_at).year)
    return render_template("supervision/notice.html", line=line, notice=found, form=form,
                           may_answer=may_answer, span=span, today=local_date(now),
                           earlier=notices.earlier_replies(found) if found.replied_at else [])
