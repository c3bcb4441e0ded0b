"""Branch roles (书记/组织委员, 记录员) and branch committee seats (支委)."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetings.clock import today_in_beijing
from meetings.domain.terms import CommitteeTitle, OrgKind, PersonStatus, Role
from meetings.extensions import db
from meetings.models import CommitteeSeat, Organization, Person, RoleAssignment
from meetings.policy import Action, can_grant_role, is_own_admin_grant
from meetings.services import history, roster
from meetings.web.labels import options
from meetings.web.roster import bp
from meetings.web.roster.forms import RoleForm, SeatForm
from meetings.web.util import authorize, load_or_404


def _branch_for_officers(branch_id: int) -> Organization:
    branch = load_or_404(Organization, branch_id)
    if branch.kind != OrgKind.BRANCH:
        abort(404)
    authorize(current_user, Action.ASSIGN_ROLES, branch)
    return branch


def _forms(branch: Organization) -> tuple[RoleForm, SeatForm]:
    people = [p for p in roster.members(branch) if p.status != PersonStatus.TRANSFERRED_OUT]
    person_choices = options([(0, _("请选择"))] + [(p.id, p.name) for p in people])
    role_form, seat_form = RoleForm(prefix="role"), SeatForm(prefix="seat")
    role_form.person_id.choices = seat_form.person_id.choices = person_choices
    return role_form, seat_form


def _page(branch: Organization, role_form: RoleForm, seat_form: SeatForm, status: int = 200):
    standing = history.committee_standing(branch.id, today_in_beijing())
    return render_template("roster/officers.html", branch=branch, grants=roster.role_holders(branch),
                           seats=roster.committee(branch), role_form=role_form, seat_form=seat_form,
                           committee_standing=standing), status


def _member_of(branch: Organization, person_id: int) -> Person | None:
    person = db.session.get(Person, person_id)
    return person if person is not None and person.branch_id == branch.id else None


@bp.route("/branches/<int:branch_id>/officers")
@login_required
def officers(branch_id: int):
    """Who runs the branch: role holders and the committee, with forms to change them."""
    branch = _branch_for_officers(branch_id)
    return _page(branch, *_forms(branch))


@bp.route("/branches/<int:branch_id>/officers/roles", methods=["POST"])
@login_required
def grant_role(branch_id: int):
    """Give a branch member the secretary or recorder role."""
    branch = _branch_for_officers(branch_id)
    role_form, seat_form = _forms(branch)
    if not role_form.validate_on_submit():
        return _page(branch, role_form, seat_form, 400)
    person, role = _member_of(branch, role_form.person_id.data), Role(role_form.role.data)
    if person is None:
        role_form.person_id.errors.append(_("请选择本支部的人员。"))
        return _page(branch, role_form, seat_form, 400)
    if not can_grant_role(current_user, role, branch):
        abort(403)
    roster.assign_role(current_user, person, branch, role)
    db.session.commit()
    flash(_("已为 %(name)s 分配角色。", name=person.name), "success")
    return redirect(url_for("roster.officers", branch_id=branch.id))


@bp.route("/branches/<int:branch_id>/officers/seats", methods=["POST"])
@login_required
def seat(branch_id: int):
    """Seat a full member on the branch committee (支委)."""
    branch = _branch_for_officers(branch_id)
    role_form, seat_form = _forms(branch)
    if not seat_form.validate_on_submit():
        return _page(branch, role_form, seat_form, 400)
    person = _member_of(branch, seat_form.person_id.data)
    if person is None:
        seat_form.person_id.errors.append(_("请选择本支部的人员。"))
        return _page(branch, role_form, seat_form, 400)
    try:
        roster.set_committee_seat(current_user, branch, person, CommitteeTitle(seat_form.title.data))
    except roster.RosterError as error:
        db.session.rollback()
        seat_form.person_id.errors.append(str(error))
        return _page(branch, role_form, seat_form, 400)
    db.session.commit()
    flash(_("支委名单已更新。"), "success")
    return redirect(url_for("roster.officers", branch_id=branch.id))


@bp.route("/roles/<int:grant_id>/revoke", methods=["POST"])
@login_required
def revoke_role(grant_id: int):
    """Take a role away (admins may only be removed by admins above)."""
    grant = load_or_404(RoleAssignment, grant_id)
    authorize(current_user, Action.ASSIGN_ROLES, grant.organization)
    if not can_grant_role(current_user, grant.role, grant.organization):
        abort(403)
    org = grant.organization
    if is_own_admin_grant(current_user, grant):
        flash(_("不能收回自己的管理员角色，请由其他管理员操作。"), "error")
    else:
        roster.revoke_role(current_user, grant)
        db.session.commit()
        flash(_("角色已收回。"), "success")
    if org.kind == OrgKind.BRANCH:
        return redirect(url_for("roster.officers", branch_id=org.id))
    return redirect(url_for("orgs.roles", org_id=org.id))


@bp.route("/seats/<int:seat_id>/remove", methods=["POST"])
@login_required
def remove_seat(seat_id: int):
    """Vacate a committee seat."""
    item = load_or_404(CommitteeSeat, seat_id)
    authorize(current_user, Action.ASSIGN_ROLES, item.branch)
    branch_id = item.branch_id
    roster.remove_committee_seat(current_user, item)
    db.session.commit()
    flash(_("支委名单已更新。"), "success")
    return redirect(url_for("roster.officers", branch_id=branch_id))
