"""督导记录 pages: the list, a new record, one record (and its print), findings and their 整改.

Load → authorize (RECORD_VISIT on the unit or the visit; VIEW_VISIT to read) → validate → the
service → commit once → redirect.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetings.domain.scheduling import local_date
from meetings.domain.terms import OrgKind
from meetings.domain.visits import Checked
from meetings.domain.worklist import Page
from meetings.extensions import db
from meetings.models import Organization, Visit, VisitFinding, utcnow
from meetings.policy import Action, can, scope_roots
from meetings.services import actions
from meetings.services.supervision import visits
from meetings.web.actions.panel import owner_choices_of
from meetings.web.labels import options
from meetings.web.supervision import bp
from meetings.web.supervision.visit_forms import FindingActionForm, FindingForm, VisitForm
from meetings.web.util import authorize, id_arg, load_or_404

MIN_YEAR, MAX_YEAR = 2000, 2100


@bp.route("/visits")
@login_required
def visits_list():
    """The visits the person may see, newest first: the overseer's scope, or the secretary's
    own branch."""
    filters = visits.Filters(org_id=id_arg(request.args, "org"), year=_year(request.args.get("year", "")))
    if request.args.get("org") and filters.org_id is None:
        flash(_("单位无法识别，已显示全部。"), "warning")
    query = visits.visible(current_user, filters)
    if query is None:
        abort(403)
    if filters.org_id is not None:
        authorize(current_user, Action.VIEW_ORG, load_or_404(Organization, filters.org_id))
    page = _one_page(query, _page(request.args.get("page", "")))
    return render_template("supervision/visits.html", page=page, filters=filters,
                           may_record=bool(scope_roots(current_user, Action.RECORD_VISIT)),
                           today=local_date(utcnow()))


def _one_page(query, number: int) -> Page:
    """One page of the visits, counted and cut in SQL (a committee's years of records)."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, -(-total // visits.PER_PAGE))
    number = min(max(number, 1), pages)
    rows = list(db.session.scalars(query.offset((number - 1) * visits.PER_PAGE).limit(visits.PER_PAGE)))
    return Page(rows, number, pages, total, visits.PER_PAGE)


def _year(raw: str) -> int | None:
    if not raw:
        return None
    if raw.isascii() and raw.isdecimal() and MIN_YEAR <= int(raw) <= MAX_YEAR:
        return int(raw)
    flash(_("年份无法识别，已显示全部年份。"), "warning")
    return None


def _page(raw: str) -> int:
    return int(raw) if raw.isascii() and raw.isdecimal() and 0 < int(raw) < 10_000 else 1


@bp.route("/visits/new", methods=["GET", "POST"])
@login_required
def new_visit():
    """Record a visit to the unit ``?org=`` (a branch from the work list or its 考核 page, or
    a 机关党委 chosen on the page)."""
    if not scope_roots(current_user, Action.RECORD_VISIT):
        abort(403)
    unit = _unit(request.values.get("org", ""))
    form = VisitForm()
    if request.method == "GET":
        form.visited_on.data = local_date(utcnow())
    if unit is not None and form.validate_on_submit():
        try:
            visit = visits.record_visit(current_user, unit, visited_on=form.visited_on.data,
                                        kind=form.kind.data, checked=form.checked.data or [],
                                        summary=form.summary.data or "", now=utcnow())
        except visits.VisitError as exc:
            _errors_to(form, exc.errors)
        else:
            db.session.commit()
            flash(_("已保存督导记录。可以继续记录发现的问题。"), "success")
            return redirect(url_for("supervision.visit", visit_id=visit.id))
    elif form.is_submitted() and unit is None:
        form.form_errors.append(_("请选择被督导的单位。"))
    status = 422 if form.errors else 200
    return render_template("supervision/visit_new.html", form=form, unit=unit, units=_units()), status


def _unit(raw: str) -> Organization | None:
    """The unit asked for, which the person must be able to record visits to (else 403/404)."""
    unit_id = id_arg({"org": raw}, "org")
    if raw and unit_id is None:
        abort(400)
    if unit_id is None:
        return None
    unit = load_or_404(Organization, unit_id)
    authorize(current_user, Action.RECORD_VISIT, unit)
    if unit.kind == OrgKind.PARTY_GROUP or not unit.is_active:
        abort(404)
    return unit


def _units() -> list[Organization]:
    """The choice when no unit came with the link: the scope roots and the units right below
    them (a 机关党委, or a liaison's branches)."""
    roots = scope_roots(current_user, Action.RECORD_VISIT)
    units = []
    for root in roots:
        units.append(root)
        units.extend(c for c in root.children if c.is_active and c.kind != OrgKind.PARTY_GROUP)
    return units[:300]


@bp.route("/visits/<int:visit_id>")
@login_required
def visit(visit_id: int):
    found = load_or_404(Visit, visit_id)
    authorize(current_user, Action.VIEW_VISIT, found)
    return _show(found, FindingForm(prefix="finding"), None)


@bp.route("/visits/<int:visit_id>/print")
@login_required
def visit_print(visit_id: int):
    """The record on A4, for the file (台账)."""
    found = load_or_404(Visit, visit_id)
    authorize(current_user, Action.VIEW_VISIT, found)
    return render_template("supervision/visit_print.html", visit=found, Checked=Checked)


@bp.route("/visits/<int:visit_id>/findings", methods=["POST"])
@login_required
def add_finding(visit_id: int):
    found = load_or_404(Visit, visit_id)
    authorize(current_user, Action.RECORD_VISIT, found)
    form = FindingForm(prefix="finding")
    if form.validate_on_submit():
        branch = db.session.get(Organization, form.branch_id.data) if form.branch_id.data else None
        try:
            visits.add_finding(current_user, found, branch, form.text.data or "", utcnow())
        except visits.VisitError as exc:
            _errors_to(form, exc.errors)
        else:
            db.session.commit()
            flash(_("已记录问题。"), "success")
            return redirect(url_for("supervision.visit", visit_id=found.id, _anchor="findings"))
    return _show(found, form, None), 422


@bp.route("/visits/findings/<int:finding_id>/action", methods=["POST"])
@login_required
def finding_action(finding_id: int):
    """列为整改事项: the finding becomes the branch's 整改事项 with an owner and a due date."""
    finding = load_or_404(VisitFinding, finding_id)
    authorize(current_user, Action.VIEW_VISIT, finding.visit)
    authorize(current_user, Action.RECORD_VISIT, finding.branch)
    form = FindingActionForm(prefix=f"f{finding.id}")
    form.owner_id.choices = owner_choices_of(finding.branch)
    if form.validate_on_submit():
        try:
            actions.raise_from_finding(current_user, finding, text=form.text.data,
                                       owner_id=form.owner_id.data, due_on=form.due_on.data, now=utcnow())
        except actions.ActionError as exc:
            db.session.rollback()
            db.session.refresh(finding)
            if finding.action_item is not None:  # made meanwhile: its form is gone from the page
                for _field, message in exc.errors:
                    flash(message, "error")
            _errors_to(form, exc.errors)
        else:
            db.session.commit()
            flash(_("已列为 %(branch)s 的整改事项。", branch=finding.branch.name), "success")
            anchor = f"finding-{finding.id}"
            return redirect(url_for("supervision.visit", visit_id=finding.visit_id, _anchor=anchor))
    return _show(finding.visit, FindingForm(prefix="finding"), (finding.id, form)), 422


def _show(found: Visit, finding_form: FindingForm, failed: tuple[int, FindingActionForm] | None):
    """The record; for who may write in it, the finding form and, per finding not yet an item,
    the form that makes it one (``failed``: the one just posted, with its errors)."""
    may_record = can(current_user, Action.RECORD_VISIT, found)
    action_forms = {}
    if may_record:
        branches = visits.branches_to_name(found)
        finding_form.branch_id.choices = options([("", _("（请选择）"))] + [(b.id, b.name) for b in branches])
        if len(branches) == 1 and finding_form.branch_id.data is None:
            finding_form.branch_id.data = branches[0].id
        action_forms = _action_forms(found, failed)
    return render_template("supervision/visit.html", visit=found, finding_form=finding_form,
                           action_forms=action_forms, may_record=may_record, Checked=Checked,
                           today=local_date(utcnow()))


def _action_forms(found: Visit, failed) -> dict[int, FindingActionForm]:
    forms = {}
    for finding in found.findings:
        if finding.action_item is not None or not finding.branch.is_active:
            continue
        if failed and failed[0] == finding.id:
            forms[finding.id] = failed[1]
            continue
        form = FindingActionForm(prefix=f"f{finding.id}", formdata=None)
        form.text.data = finding.text[:500]
        form.owner_id.choices = owner_choices_of(finding.branch)
        forms[finding.id] = form
    return forms


def _errors_to(form, errors: list[tuple[str, str]]) -> None:
    for field_name, message in errors:
        target = getattr(form, field_name, None)
        (target.errors if target is not None else form.form_errors).append(message)
