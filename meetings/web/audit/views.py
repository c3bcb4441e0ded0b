"""The 审计日志 page: load the scope → authorize (VIEW_AUDIT) → read the filters → one page.

Read-only: the trail is written by the services and refused any change by the database.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetings.policy import Action, scope_roots
from meetings.services import audit_query
from meetings.web.audit import bp, forms
from meetings.web.labels import ACTIONS

# Objects with a page of their own: (endpoint, its id argument).
OBJECT_PAGES = {"meeting": ("meetings.show", "meeting_id"), "person": ("roster.person", "person_id"),
                "organization": ("orgs.show", "org_id")}


@dataclass
class Line:
    """One event as the list shows it."""

    entry: audit_query.Entry
    object_label: str
    object_url: str | None


@bp.route("/audit")
@login_required
def index():
    """Events in the administrator's scope, newest first, 50 a page, with the filters applied."""
    roots = scope_roots(current_user, Action.VIEW_AUDIT)
    if not roots:
        abort(403)
    present = audit_query.object_types(roots)
    query = forms.read(request.args, roots, present)
    found = audit_query.page(roots, query.filters, before=query.before, after=query.after)
    return render_template(
        "audit/list.html", q=query, page=found, lines=[_line(e) for e in found.entries],
        object_types=[(kind, forms.object_label(kind)) for kind in present], actions=ACTIONS,
        units=_unit_choices(roots, query.filters.org), paged=bool(query.before or query.after))


def _line(entry: audit_query.Entry) -> Line:
    event = entry.event
    target = OBJECT_PAGES.get(event.object_type)
    url = url_for(target[0], **{target[1]: event.object_id}) if target and event.object_id else None
    return Line(entry, forms.object_label(event.object_type), url)


def _unit_choices(roots, chosen) -> list[tuple[int, str]]:
    """The organization select: each root, the units right below it (indented), and the unit
    chosen through a link when it lies deeper."""
    units = audit_query.units(roots)
    if chosen is not None and chosen not in units:
        units.append(chosen)
    return [(u.id, ("" if u in roots else "　") + u.name
             + ("" if u.is_active else _("（已撤销）"))) for u in units]
