"""Adding and editing members, their standing and transfers between branches."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetings.domain.terms import OrgKind, PersonCategory, PersonStatus
from meetings.extensions import db
from meetings.models import Organization, Person, Transfer
from meetings.policy import Action, can
from meetings.services import accounts, audit, orgs, roster
from meetings.web.labels import label, options
from meetings.web.roster import bp
from meetings.web.roster.forms import MemberForm, TransferForm
from meetings.web.util import authorize, load_or_404


def _group_choices(branch: Organization):
    return options([("", _("（不分党小组）"))] + [(str(g.id), g.name) for g in orgs.party_groups(branch)])


def _fields(form: MemberForm) -> roster.MemberFields:
    return roster.MemberFields(
        name=form.name.data.strip(), category=PersonCategory(form.category.data),
        status=PersonStatus(form.status.data), login=form.login.data, email=form.email.data,
        phone=form.phone.data, party_group_id=form.party_group_id.data,
        joined_party_on=form.joined_party_on.data, note=(form.note.data or "").strip() or None)


def _roster_member(person_id: int) -> Person:
    """A person on some branch's roster; committee staff without a branch have no roster card."""
    person = load_or_404(Person, person_id)
    if person.branch is None:
        abort(404)
    return person


def _save(form: MemberForm, change) -> Person | None:
    """Run ``change`` (returning the person), set the password if typed, commit once.

    A refused change is rolled back and its message shown next to the field it concerns.
    """
    if form.password.data and getattr(form, "editing_oneself", False):
        # One's own password only where the current one is asked (a left-behind cookie on a
        # shared computer must not be enough to take the account over).
        form.password.errors.append(_("修改自己的密码请到“修改密码”页面，需要输入当前密码。"))
        return None
    try:
        person = change()
        if form.password.data:
            accounts.set_password(current_user, person, form.password.data)
    except roster.RosterError as error:
        db.session.rollback()
        getattr(form, error.field or "name").errors.append(str(error))
        return None
    except accounts.PasswordRefused as refused:
        db.session.rollback()
        form.password.errors.append(str(refused.message))
        return None
    db.session.commit()
    return person


@bp.route("/branches/<int:branch_id>/members/new", methods=["GET", "POST"])
@login_required
def add(branch_id: int):
    """Add one member to a branch roster."""
    branch = load_or_404(Organization, branch_id)
    authorize(current_user, Action.MANAGE_ROSTER, branch)
    if branch.kind != OrgKind.BRANCH:
        abort(404)
    form = MemberForm()
    form.party_group_id.choices = _group_choices(branch)
    person = form.validate_on_submit() and _save(
        form, lambda: roster.add_member(current_user, branch, _fields(form)))
    if person:
        flash(_("已添加 %(name)s。", name=person.name), "success")
        return redirect(url_for("orgs.show", org_id=branch.id))
    return render_template("roster/member_form.html", form=form, branch=branch, person=None)


@bp.route("/people/<int:person_id>")
@login_required
def person(person_id: int):
    """A member's card: details, standing, roles, seat and transfers."""
    subject = load_or_404(Person, person_id)
    authorize(current_user, Action.VIEW_PERSON, subject)
    may_manage = subject.branch is not None and can(current_user, Action.MANAGE_ROSTER, subject)
    history = audit.history(person_id=subject.id) if may_manage else None
    return render_template("roster/person.html", subject=subject, may_manage=may_manage, history=history,
                           transfer=roster.pending_transfer(subject), PersonStatus=PersonStatus)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@login_required
def edit(person_id: int):
    """Edit a member's details, category, standing, party group, login and password."""
    subject = _roster_member(person_id)
    authorize(current_user, Action.EDIT_PERSON, subject)
    form = MemberForm(obj=subject)
    form.editing_oneself = subject.id == current_user.id
    form.party_group_id.choices = _group_choices(subject.branch)
    if request.method == "GET":
        form.category.data, form.status.data = subject.category.value, subject.status.value
        form.party_group_id.data = subject.party_group_id
    saved = form.validate_on_submit() and _save(
        form, lambda: roster.update_member(current_user, subject, _fields(form)))
    if saved:
        flash(_("已保存 %(name)s 的信息。", name=subject.name), "success")
        return redirect(url_for("roster.person", person_id=subject.id))
    return render_template("roster/member_form.html", form=form, branch=subject.branch, person=subject)


@bp.route("/people/<int:person_id>/status", methods=["POST"])
@login_required
def set_status(person_id: int):
    """One-click 流动 / 年老体弱 / 转出 / 恢复正常 from the member's card."""
    subject = _roster_member(person_id)
    authorize(current_user, Action.EDIT_PERSON, subject)
    try:
        status = PersonStatus(request.form.get("status", ""))
    except ValueError:
        flash(_("未知的状态。"), "error")
    else:
        roster.set_status(current_user, subject, status)
        db.session.commit()
        flash(_("%(name)s 的状态已改为“%(status)s”。", name=subject.name, status=label(status)), "success")
    return redirect(url_for("roster.person", person_id=subject.id))


@bp.route("/people/<int:person_id>/transfer", methods=["GET", "POST"])
@login_required
def transfer(person_id: int):
    """Start 组织关系转接 to another branch anywhere in the tree."""
    subject = _roster_member(person_id)
    authorize(current_user, Action.MANAGE_ROSTER, subject)
    form = TransferForm()
    root = db.session.get(Organization, subject.branch.ancestor_ids()[0])
    form.to_branch_id.choices = options([(0, _("请选择"))] + [
        (b.id, b.name) for b in orgs.branches_under(root) if b.id != subject.branch_id])
    if form.validate_on_submit():
        target = db.session.get(Organization, form.to_branch_id.data)
        try:
            if target is None or target.kind != OrgKind.BRANCH:
                raise roster.RosterError(_("请选择一个现有的党支部。"))
            roster.request_transfer(current_user, subject, target, form.note.data)
        except roster.RosterError as error:
            db.session.rollback()
            form.to_branch_id.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("已发起转接，等待 %(to)s 接收。", to=target.name), "success")
            return redirect(url_for("roster.person", person_id=subject.id))
    return render_template("roster/transfer.html", form=form, subject=subject)


@bp.route("/transfers/<int:transfer_id>/decide", methods=["POST"])
@login_required
def decide_transfer(transfer_id: int):
    """The receiving branch accepts or declines; the sending branch may withdraw."""
    item = load_or_404(Transfer, transfer_id)
    decision = request.form.get("decision")
    action = Action.CANCEL_TRANSFER if decision == "cancel" else Action.DECIDE_TRANSFER
    authorize(current_user, action, item)
    if decision == "cancel":
        roster.cancel_transfer(current_user, item)
        target = url_for("roster.person", person_id=item.person_id)
    elif decision in ("accept", "decline"):
        roster.decide_transfer(current_user, item, decision == "accept")
        target = url_for("orgs.show", org_id=item.to_branch_id)
    else:
        flash(_("未知的操作。"), "error")
        return redirect(url_for("orgs.show", org_id=item.to_branch_id))
    db.session.commit()
    flash(_("已处理 %(name)s 的组织关系转接。", name=item.person.name), "success")
    return redirect(target)
