"""专项行动 pages: the list, launching and changing one, and where every branch stands on it.
Load → authorize → validate → call a service → commit once → redirect.
"""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetings.domain.markdown import render
from meetings.domain.scheduling import local_date
from meetings.extensions import db
from meetings.models import Campaign, utcnow
from meetings.policy import Action, campaign_view_roots, can, scope_roots
from meetings.services import campaigns, campaigns_query
from meetings.web.campaigns import bp, looks
from meetings.web.campaigns.forms import CampaignForm
from meetings.web.labels import options
from meetings.web.util import authorize, load_or_404

DEFAULT_TYPE = "special_org_life_meeting"  # 专题组织生活会


@bp.route("/campaigns")
@login_required
def index():
    """Campaigns covering the units the viewer oversees; a secretary also sees the branch's status."""
    if not scope_roots(current_user, Action.VIEW_COMPLIANCE):
        abort(403)
    now = utcnow()
    found = campaigns_query.visible_to(current_user)
    branch = _own_branch_only(current_user)
    mine = campaigns_query.statuses_for_branch(branch, found, now) if branch else {}
    return render_template("campaigns/list.html", campaigns=found, today=local_date(now), phase=looks.phase,
                           mine={k: looks.LOOKS[v] for k, v in mine.items()}, branch=branch,
                           may_launch=bool(campaigns_query.manageable_scopes(current_user)))


def _own_branch_only(person):
    """The one branch a viewer oversees, when that is all they oversee (a secretary)."""
    roots = scope_roots(person, Action.VIEW_COMPLIANCE)
    return roots[0] if len(roots) == 1 and roots[0].is_branch else None


@bp.route("/campaigns/new", methods=["GET", "POST"])
@login_required
def new():
    """发起专项行动: defaults to a 专题组织生活会 over the admin's whole scope, reported in 15 days."""
    scopes = campaigns_query.manageable_scopes(current_user)
    if not scopes:
        abort(403)
    form = CampaignForm()
    types = _fill_choices(form, scopes)
    if request.method == "GET":
        today = local_date(utcnow())
        form.meeting_type_id.data = next((t.id for t in types if t.code == DEFAULT_TYPE), None)
        form.scope_id.data = scopes[0].id
        form.window_start.data, form.deadline.data = today, today + timedelta(days=30)
    if form.validate_on_submit():
        saved = _save(form, lambda: campaigns.create(current_user, form.fields(), utcnow()))
        if saved is not None:
            flash(_("已发起专项行动，范围内各支部的待办中会显示这项任务。"), "success")
            return redirect(url_for("campaigns.show", campaign_id=saved.id))
    return render_template("campaigns/form.html", form=form, campaign=None)


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@login_required
def edit(campaign_id: int):
    """Change the title, instructions, type, scope or dates."""
    campaign = load_or_404(Campaign, campaign_id)
    authorize(current_user, Action.MANAGE_CAMPAIGNS, campaign)
    form = CampaignForm(obj=campaign if request.method == "GET" else None)
    _fill_choices(form, campaigns_query.manageable_scopes(current_user))
    if form.validate_on_submit() and _save(
            form, lambda: campaigns.update(current_user, campaign, form.fields())) is not None:
        flash(_("已保存修改。"), "success")
        return redirect(url_for("campaigns.show", campaign_id=campaign.id))
    return render_template("campaigns/form.html", form=form, campaign=campaign)


@bp.route("/campaigns/<int:campaign_id>")
@login_required
def show(campaign_id: int):
    """The campaign: instructions, dates, counts per status and unit, and every branch's row."""
    campaign = load_or_404(Campaign, campaign_id)
    authorize(current_user, Action.VIEW_COMPLIANCE, campaign)
    now = utcnow()
    within = campaign_view_roots(current_user, campaign)
    standings = campaigns_query.branch_statuses(
        campaign, now, within=None if within == [campaign.scope] else within)
    chosen = looks.parse_status(request.args.get("status"))
    window = campaigns_query.window_of(campaign)
    rows = [(s, looks.LOOKS[s.status], window.report_deadline(s.meeting) if s.meeting else None)
            for s in standings if chosen is None or s.status == chosen]
    today = local_date(now)
    return render_template(
        "campaigns/show.html", campaign=campaign, instructions=render(campaign.instructions),
        totals=Counter(s.status for s in standings), total=len(standings), order=looks.ORDER,
        units=campaigns_query.rollup(standings), rows=rows, chosen=chosen, looks=looks.LOOKS,
        today=today, days_left=(campaign.deadline - today).days, phase=looks.phase(campaign, today),
        may_manage=can(current_user, Action.MANAGE_CAMPAIGNS, campaign),
        may_notice=bool(scope_roots(current_user, Action.SEND_NOTICE)))


def _fill_choices(form: CampaignForm, scopes) -> list:
    """Options: active meeting types; units indented under each other."""
    types = campaigns.active_types()
    form.meeting_type_id.choices = options((t.id, t.name) for t in types)
    top = min((s.depth for s in scopes), default=0)
    form.scope_id.choices = options((s.id, "\u3000" * (s.depth - top) + s.name) for s in scopes)
    return types


def _save(form: CampaignForm, change) -> Campaign | None:
    """Run the service; commit, or put its message next to the field and roll back."""
    try:
        saved = change()
    except campaigns.CampaignError as error:
        db.session.rollback()
        field = getattr(form, error.field, None)
        if field is None:
            form.form_errors.append(str(error.message))
        else:
            field.errors = [*field.errors, str(error.message)]
        return None
    db.session.commit()
    return saved
