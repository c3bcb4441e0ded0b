"""督导工作台: load the overseer's scopes → authorize (VIEW_OVERSIGHT) → read the filters →
rank the branches → one page, or the whole list as XLSX. Read-only."""
from __future__ import annotations

from urllib.parse import quote

import sqlalchemy as sa
from flask import abort, flash, make_response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetings.domain.scheduling import local_date
from meetings.domain.terms import OrgKind
from meetings.domain.worklist import SortKey, arrange, page_of
from meetings.extensions import db
from meetings.models import Organization, utcnow
from meetings.policy import Action, scope_roots
from meetings.services.supervision import worklist
from meetings.services.supervision.worklist_export import to_xlsx
from meetings.web.compliance.params import period_choices
from meetings.web.supervision import bp, params
from meetings.web.util import authorize, load_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/worklist")
@login_required
def index():
    """Every branch in the overseer's scopes (or ``?org=``), worst 完成率 first, 50 a page."""
    now = utcnow()
    query = params.read(request.args, now)
    for problem in query.problems:
        flash(problem, "warning")
    found, rows = _listed(query, now)
    page = page_of(rows, query.page)
    if query.page > page.number:
        flash(_("共 %(n)s 页，已显示最后一页。", n=page.pages), "warning")
    return render_template("supervision/worklist.html", q=query, found=found, page=page,
                           lagging=sum(r.lagging for r in found.rows), units=_units(), SortKey=SortKey,
                           period_choices=period_choices(query.span.year), today=local_date(now))


@bp.route("/worklist.xlsx")
@login_required
def export():
    """The whole list as filtered and sorted on the page (every page), as XLSX."""
    now = utcnow()
    query = params.read(request.args, now)
    if query.problems:  # a file of other rows than asked for would pass for the asked ones
        response = make_response("\n".join(query.problems) + "\n", 422)
        response.headers["Content-Type"] = "text/plain; charset=utf-8"
        return response
    found, rows = _listed(query, now)
    scope = "、".join(r.name for r in found.roots)[:60]
    name = f"督导工作台-{scope}-{query.span.key}-{local_date(now).isoformat()}.xlsx"
    response = make_response(to_xlsx(found, rows))
    response.headers["Content-Type"] = XLSX
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"worklist-{query.span.key}.xlsx\"; filename*=UTF-8''{quote(name)}")
    return response


def _listed(query: params.Query, now):
    found = worklist.build(_roots(query.org_id), query.span, now)
    rows = arrange(found.rows, query.sort, query.reverse, only_lagging=query.only_lagging,
                   name_contains=query.needle)
    return found, rows


def _roots(org_id: int | None) -> list[Organization]:
    """The overseer's scope roots, or the one unit asked for (which they must oversee)."""
    if org_id is None:
        roots = scope_roots(current_user, Action.VIEW_OVERSIGHT)
        if not roots:
            abort(403)
        return roots
    org = load_or_404(Organization, org_id)
    authorize(current_user, Action.VIEW_OVERSIGHT, org)
    if org.kind == OrgKind.PARTY_GROUP:
        abort(404)  # a party group is judged within its branch: there is no list of it
    return [org]


def _units() -> list[tuple[Organization, int]]:
    """The scope select: each root and the units right below it that are not branches or groups
    (a 机关党委 under the committee), with their depth below the root for indenting."""
    roots = scope_roots(current_user, Action.VIEW_OVERSIGHT)
    if not roots:
        return []
    children = db.session.scalars(
        sa.select(Organization).where(Organization.parent_id.in_([r.id for r in roots]),
                                      Organization.is_active,
                                      Organization.kind.not_in([OrgKind.BRANCH, OrgKind.PARTY_GROUP]))
        .order_by(Organization.sort_order, Organization.name)).all()
    units = []
    for root in roots:
        units.append((root, 0))
        units.extend((c, 1) for c in children if c.parent_id == root.id)
    return units
