"""Tree, unit page, and the admin's changes to units. Load → authorize → validate → service → commit."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetings.clock import today_in_beijing
from meetings.domain.terms import ALLOWED_CHILDREN, OrgKind
from meetings.extensions import db
from meetings.models import Organization, utcnow
from meetings.policy import Action, can, scope_roots
from meetings.services import audit, history, orgs, overview, roster
from meetings.web.labels import choices, options
from meetings.web.orgs import bp
from meetings.web.orgs.forms import CreateOrgForm, EditOrgForm
from meetings.web.util import authorize, load_or_404


@bp.route("")
@login_required
def tree():
    """Every unit the viewer may see, as a tree (inactive ones shown to managers).

    Above a single branch the tree stops at branches: a province has ~9,000 party groups,
    and each branch page lists its own.
    """
    forests = []
    for root in scope_roots(current_user, Action.VIEW_ORG):
        show_inactive = can(current_user, Action.MANAGE_ORG, root)
        units = orgs.subtree(root, include_inactive=show_inactive)
        if root.kind != OrgKind.BRANCH:
            units = [u for u in units if u.kind != OrgKind.PARTY_GROUP]
        forests.append(orgs.nest(units))
    return render_template("orgs/tree.html", forests=forests)


@bp.route("/<int:org_id>")
@login_required
def show(org_id: int):
    """A unit: path, sub-units, officers, and — for a branch — its roster."""
    org = load_or_404(Organization, org_id)
    authorize(current_user, Action.VIEW_ORG, org)
    context = {
        "org": org,
        "ancestors": _ancestors(org),
        "children": [c for c in org.children if c.is_active or can(current_user, Action.MANAGE_ORG, org)],
        "may": {a.name: can(current_user, a, org) for a in Action},
        "officers": roster.role_holders(org),
        "history": audit.history(organization_id=org.id) if can(current_user, Action.MANAGE_ROSTER, org)
        else None,
    }
    if org.kind == OrgKind.BRANCH:
        context.update(_branch_context(org))
    elif can(current_user, Action.VIEW_ROSTER, org):
        context["breakdown"] = overview.breakdown(org)
    return render_template("orgs/show.html", **context)


def _ancestors(org: Organization) -> list[Organization]:
    ids = org.ancestor_ids()[:-1]
    by_id = {o.id: o for o in db.session.query(Organization).filter(Organization.id.in_(ids))}
    return [by_id[i] for i in ids if i in by_id]


def _branch_context(branch: Organization) -> dict:
    incoming, outgoing = overview.pending_transfers(branch)
    groups = orgs.party_groups(branch)
    return {
        "members": roster.members(branch),
        "committee": roster.committee(branch),
        "committee_standing": history.committee_standing(branch.id, today_in_beijing()),
        "groups": {g.id: g for g in groups},
        "incoming": incoming,
        "outgoing": outgoing,
    }


@bp.route("/<int:org_id>/new", methods=["GET", "POST"])
@login_required
def create(org_id: int):
    """Add a sub-unit (机关党委, 党总支, 支部 or 党小组, as the tree allows)."""
    parent = load_or_404(Organization, org_id)
    allowed = [k for k in ALLOWED_CHILDREN[parent.kind] if _may_create(parent, k)]
    if not allowed or not parent.is_active:
        abort(403)
    form = CreateOrgForm()
    form.kind.choices = choices(OrgKind, allowed)
    if form.validate_on_submit():
        try:
            org = orgs.create(current_user, name=form.name.data, kind=OrgKind(form.kind.data), parent=parent)
        except orgs.TreeError as error:
            form.kind.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("已新建“%(name)s”。", name=org.name), "success")
            return redirect(url_for("orgs.show", org_id=org.id))
    return render_template("orgs/create.html", form=form, parent=parent, allowed=allowed)


def _may_create(parent: Organization, kind: OrgKind) -> bool:
    # A secretary may add party groups to their branch, nothing else.
    probe = Organization(kind=kind, path=parent.path + "0/", depth=parent.depth + 1)
    return can(current_user, Action.MANAGE_ORG, probe)


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
@login_required
def edit(org_id: int):
    """Rename a unit, or move it (with its subtree) under another parent in scope."""
    org = load_or_404(Organization, org_id)
    authorize(current_user, Action.MANAGE_ORG, org)
    form = EditOrgForm(obj=org)
    targets = _move_targets(org)
    form.parent_id.choices = options((t.id, "　" * t.depth + t.name) for t in targets)
    if org.parent_id is None:
        del form.parent_id
    if form.validate_on_submit():
        try:
            orgs.rename(current_user, org, form.name.data, utcnow())
            if "parent_id" in form and form.parent_id.data != org.parent_id:
                orgs.move(current_user, org, next(t for t in targets if t.id == form.parent_id.data))
        except orgs.TreeError as error:
            db.session.rollback()
            form.parent_id.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("已保存。"), "success")
            return redirect(url_for("orgs.show", org_id=org.id))
    return render_template("orgs/edit.html", form=form, org=org)


def _move_targets(org: Organization) -> list[Organization]:
    """Active units the viewer manages that may hold ``org``, outside its own subtree."""
    found: dict[int, Organization] = {}
    for root in scope_roots(current_user, Action.MANAGE_ORG):
        for candidate in orgs.subtree(root):
            if org.kind in ALLOWED_CHILDREN[candidate.kind] and not candidate.is_within(org):
                found[candidate.id] = candidate
    if org.parent is not None:
        found.setdefault(org.parent.id, org.parent)
    return sorted(found.values(), key=lambda o: o.path)


@bp.route("/<int:org_id>/deactivate", methods=["POST"])
@login_required
def deactivate(org_id: int):
    """撤销 a unit; it and its history stay, hidden from new work."""
    return _toggle(org_id, orgs.deactivate, _("已撤销“%(name)s”。"))


@bp.route("/<int:org_id>/reactivate", methods=["POST"])
@login_required
def reactivate(org_id: int):
    """Restore a deactivated unit."""
    return _toggle(org_id, orgs.reactivate, _("已恢复“%(name)s”。"))


def _toggle(org_id: int, change, message: str):
    org = load_or_404(Organization, org_id)
    authorize(current_user, Action.MANAGE_ORG, org)
    try:
        change(current_user, org)
    except orgs.TreeError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(message % {"name": org.name}, "success")
    return redirect(url_for("orgs.show", org_id=org.id))
