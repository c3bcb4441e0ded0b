"""考核 pages: the dashboard for a scope, a branch's periods, the meetings behind one period.

Load the scope → authorize (VIEW_COMPLIANCE) → read the filters → ask the service → render.
Read-only: nothing here writes.
"""
from __future__ import annotations

from urllib.parse import quote

import sqlalchemy as sa
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetings.domain.scheduling import local_date
from meetings.domain.terms import OrgKind
from meetings.extensions import db
from meetings.models import Organization, Requirement, utcnow
from meetings.policy import Action, can, scope_roots
from meetings.services import absence, compliance, requirements, unit_versions
from meetings.services.compliance import branch as compliance_branch
from meetings.services.compliance import export as compliance_export
from meetings.web.compliance import bp, params
from meetings.web.compliance.forms import RequirementForm
from meetings.web.util import authorize, id_arg, load_or_404


@bp.route("/compliance")
@login_required
def index():
    """The viewer's scope (or ``?org=``): a unit's matrix, or a branch's periods."""
    org = _scope()
    query = params.read(request.args, utcnow())
    for problem in query.problems:
        flash(problem, "warning")
    # As of a past day, the unit's name then, when it has been renamed since.
    then = unit_versions.name_at(org, query.now) if query.past else org.name
    common = dict(org=org, q=query, trail=_trail(org), name_then=then if then != org.name else None,
                  roots=scope_roots(current_user, Action.VIEW_COMPLIANCE),
                  period_choices=params.period_choices(query.span.year))
    if org.kind == OrgKind.BRANCH:
        found = compliance_branch.report(org, query.span, query.now, query.type_id, as_of=query.past)
        # 催办 acts on today's record: from a past as-of view there is nothing to remind of.
        may_notice = not query.past and can(current_user, Action.SEND_NOTICE, org)
        return render_template("compliance/branch.html", report=found, may_notice=may_notice,
                               may_visit=can(current_user, Action.RECORD_VISIT, org), **common)
    board = compliance.dashboard(org, query.span, query.now, type_id=query.type_id,
                                 only_missed=query.only_missed, as_of=query.past)
    return render_template("compliance/dashboard.html", board=board, **common)


@bp.route("/compliance/branches/<int:branch_id>/<int:requirement_id>/<period_key>")
@login_required
def period(branch_id: int, requirement_id: int, period_key: str):
    """One period of one requirement: the meetings that decided it and why each (not) counted."""
    branch = load_or_404(Organization, branch_id)
    authorize(current_user, Action.VIEW_COMPLIANCE, branch)
    if branch.kind != OrgKind.BRANCH:
        abort(404)
    query = params.read(request.args, utcnow())
    try:
        detail = compliance_branch.period_detail(branch, requirement_id, period_key,
                                                 id_arg(request.args, "unit", branch.id), query.now,
                                                 as_of=query.past)
    except ValueError:
        abort(404)
    if detail is None:
        abort(404)
    return render_template("compliance/period.html", org=branch, detail=detail, q=query, trail=_trail(branch))


def _scope() -> Organization:
    org_id = id_arg(request.args, "org")
    if org_id is None:
        roots = scope_roots(current_user, Action.VIEW_COMPLIANCE)
        if not roots:
            abort(403)
        return roots[0]
    org = load_or_404(Organization, org_id)
    authorize(current_user, Action.VIEW_COMPLIANCE, org)
    if org.kind == OrgKind.PARTY_GROUP:  # groups are judged within their branch
        return redirect_to(org.parent)
    return org


def redirect_to(org: Organization):
    abort(redirect(url_for("compliance.index", **{**request.args.to_dict(), "org": org.id})))


def _trail(org: Organization) -> list[Organization]:
    """The units above ``org`` the viewer may see, for the breadcrumb (one statement)."""
    ids = org.ancestor_ids()[:-1]
    if not ids:
        return []
    found = db.session.scalars(sa.select(Organization).where(Organization.id.in_(ids))
                               .order_by(Organization.depth))
    return [o for o in found if can(current_user, Action.VIEW_COMPLIANCE, o)]


EXPORT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "csv": "text/csv; charset=utf-8"}


@bp.route("/compliance/export.<fmt>")
@login_required
def export(fmt: str):
    """The 通报 table of the scope as XLSX or CSV, with the dashboard's filters."""
    if fmt not in EXPORT_TYPES:
        abort(404)
    org = _scope()
    query = params.read(request.args, utcnow())
    if query.problems:  # a file of other numbers than asked for would pass for the asked ones
        response = make_response("\n".join(str(p) for p in query.problems) + "\n", 422)
        response.headers["Content-Type"] = "text/plain; charset=utf-8"
        return response
    found = compliance_export.report(org, query.span, query.now, query.type_id, as_of=query.past)
    body = found.xlsx() if fmt == "xlsx" else found.csv()
    # The file says what it is: a CSV has no title row (spreadsheets read its first row as the header).
    then = unit_versions.name_at(org, query.now if query.past else None)
    name = f"通报-{then}-{query.span.key}-截至{local_date(query.now).isoformat()}.{fmt}"
    response = make_response(body)
    response.headers["Content-Type"] = EXPORT_TYPES[fmt]
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"report-{query.span.key}.{fmt}\"; filename*=UTF-8''{quote(name)}")
    return response


@bp.route("/compliance/absences")
@login_required
def absences():
    """§31: members absent without leave for 3 months (flag) or 6 (escalate) in the scope."""
    org = _scope()
    now = utcnow()
    return render_template("compliance/absences.html", org=org, trail=_trail(org),
                           q=params.read(request.args, now), members=absence.absent_members(org, now))


@bp.route("/requirements")
@login_required
def requirements_list():
    """The requirements in force and their earlier versions; root admins may change them."""
    if not scope_roots(current_user, Action.VIEW_COMPLIANCE):
        abort(403)
    return render_template("compliance/requirements.html", versions=requirements.all_versions(),
                           may_change=can(current_user, Action.MANAGE_REQUIREMENTS, None),
                           today=local_date(utcnow()))


@bp.route("/requirements/<int:requirement_id>/change", methods=["GET", "POST"])
@login_required
def change_requirement(requirement_id: int):
    """A new version from a date: periods that began before it keep the old rule."""
    current = load_or_404(Requirement, requirement_id)
    authorize(current_user, Action.MANAGE_REQUIREMENTS, None)
    form = RequirementForm(obj=current if request.method == "GET" else None)
    if request.method == "GET":
        form.effective_from.data = None
    if form.validate_on_submit():
        fields = requirements.RequirementFields(
            min_count=form.min_count.data, needs_attendance=form.needs_attendance.data,
            needs_quorum=form.needs_quorum.data, needs_final_minutes=form.needs_final_minutes.data,
            effective_from=form.effective_from.data)
        try:
            requirements.change(current_user, current, fields)
        except requirements.RequirementError as exc:
            getattr(form, exc.field).errors.append(str(exc.message))
        else:
            db.session.commit()
            flash(_("已保存。新规定自 %(day)s 起执行。", day=fields.effective_from.isoformat()), "success")
            return redirect(url_for("compliance.requirements_list"))
    return render_template("compliance/requirement_form.html", form=form, requirement=current)
