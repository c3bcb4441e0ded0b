"""Committee-level roles (管理员, 党建联络员) on units above the branch, and officer accounts."""
import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetings.domain.terms import OrgKind, Role
from meetings.extensions import db
from meetings.models import Organization, Person
from meetings.policy import can_grant_role
from meetings.services import accounts, roster
from meetings.web.orgs import bp
from meetings.web.orgs.forms import GrantRoleForm, OfficerForm
from meetings.web.util import load_or_404

UNIT_KINDS = (OrgKind.COMMITTEE, OrgKind.PARTY_COMMITTEE, OrgKind.GENERAL_BRANCH)


def _unit_for_roles(org_id: int) -> Organization:
    """A unit above the branch on which the viewer may grant committee roles."""
    org = load_or_404(Organization, org_id)
    if org.kind not in UNIT_KINDS:
        abort(404)
    if not can_grant_role(current_user, Role.ADMIN, org) or not org.is_active:
        abort(403)
    return org


def _page(org: Organization, grant_form: GrantRoleForm, officer_form: OfficerForm, status: int = 200):
    return render_template("orgs/roles.html", org=org, grants=roster.role_holders(org), grant_form=grant_form,
                           officer_form=officer_form), status


def _forms() -> tuple[GrantRoleForm, OfficerForm]:
    return GrantRoleForm(prefix="grant"), OfficerForm(prefix="officer")


@bp.route("/<int:org_id>/roles")
@login_required
def roles(org_id: int):
    """Who administers or liaises for this unit, with forms to add someone."""
    return _page(_unit_for_roles(org_id), *_forms())


@bp.route("/<int:org_id>/roles/grant", methods=["POST"])
@login_required
def grant_role(org_id: int):
    """Give an existing account (found by login) a role over the unit's subtree."""
    org = _unit_for_roles(org_id)
    grant_form, officer_form = _forms()
    if not grant_form.validate_on_submit():
        return _page(org, grant_form, officer_form, 400)
    person = db.session.scalar(sa.select(Person).where(Person.login == grant_form.login.data.strip()))
    if person is None or not person.may_sign_in:
        grant_form.login.errors.append(_("没有找到这个用户名，或该账号已停用。"))
        return _page(org, grant_form, officer_form, 400)
    roster.assign_role(current_user, person, org, Role(grant_form.role.data))
    db.session.commit()
    flash(_("已为 %(name)s 分配角色。", name=person.name), "success")
    return redirect(url_for("orgs.roles", org_id=org.id))


@bp.route("/<int:org_id>/roles/officer", methods=["POST"])
@login_required
def create_officer(org_id: int):
    """Open an account for a committee officer or liaison and give them the role at once."""
    org = _unit_for_roles(org_id)
    grant_form, officer_form = _forms()
    if not officer_form.validate_on_submit():
        return _page(org, grant_form, officer_form, 400)
    if roster.login_taken(officer_form.login.data):
        officer_form.login.errors.append(_("用户名已被使用。"))
        return _page(org, grant_form, officer_form, 400)
    try:
        person = accounts.create_officer(current_user, name=officer_form.name.data,
                                         login=officer_form.login.data, password=officer_form.password.data,
                                         email=officer_form.email.data)
    except accounts.PasswordRefused as refused:
        officer_form.password.errors.append(str(refused.message))
        return _page(org, grant_form, officer_form, 400)
    roster.assign_role(current_user, person, org, Role(officer_form.role.data))
    db.session.commit()
    flash(_("已为 %(name)s 开通账号。", name=person.name), "success")
    return redirect(url_for("orgs.roles", org_id=org.id))
