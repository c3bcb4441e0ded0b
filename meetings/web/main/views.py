"""Role-aware home page, language switch and health check."""
import sqlalchemy as sa
from flask import current_app, make_response, redirect, render_template, request
from flask_login import current_user, login_required

from meetings.domain.periods import Period
from meetings.domain.scheduling import local_date
from meetings.domain.terms import PeriodKind, Role
from meetings.domain.worklist import arrange, desk_year
from meetings.extensions import db
from meetings.models import utcnow
from meetings.policy import Action, active_roles, can, scope_roots
from meetings.services import campaigns_query, meetings_query, overview, roster
from meetings.services.compliance import todo as compliance_todo
from meetings.services.supervision import notices_query, worklist
from meetings.web.actions.panel import desk_actions
from meetings.web.i18n import LANG_COOKIE
from meetings.web.main import bp
from meetings.web.supervision.params import Query as WorklistQuery
from meetings.web.util import safe_next

ONE_YEAR = 365 * 24 * 3600
DESK_ROWS = 10  # the worst branches an overseer's home lists; the work list has them all


@bp.route("/healthz")
def healthz():
    """Liveness and database reachability, without login, for load balancers."""
    db.session.execute(sa.text("SELECT 1"))
    return {"status": "ok"}


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch between 中文 and English; remembered in a cookie and on the account."""
    language = request.form.get("language", "")
    response = make_response(redirect(safe_next(request.form.get("next"))))
    if language in current_app.config["LANGUAGES"]:
        response.set_cookie(LANG_COOKIE, language, max_age=ONE_YEAR, samesite="Lax", httponly=True)
        if current_user.is_authenticated:
            current_user.locale = language
            db.session.commit()
    return response


@bp.route("/")
@login_required
def home():
    """One page per role: the committee's scope, the secretary's branch, the member's own."""
    roles = {r.role for r in active_roles(current_user)}
    # Each unit's headcounts by sub-unit are on its own page; the home has the work list instead.
    oversight = [overview.summarize(o) for o in scope_roots(current_user, Action.VIEW_OVERSIGHT)]
    now = utcnow()
    desk = _oversight_desk(now)
    managed = [o for o in scope_roots(current_user, Action.SCHEDULE_MEETING) if o.is_branch]
    secretary_panels = [_branch_panel(b, now) for b in managed]
    my_actions, action_counts = desk_actions(current_user, managed, now)
    branch = current_user.branch
    return render_template(
        "main/home.html",
        roles=roles,
        Role=Role,
        oversight=oversight,
        desk=desk,
        my_notices=notices_query.unanswered_for(current_user, now),
        secretary_panels=secretary_panels,
        branch=branch,
        committee=roster.committee(branch) if branch else [],
        my_meetings=meetings_query.upcoming_for(current_user, now),
        my_actions=my_actions,
        action_counts=action_counts,
        now=now,
    )


def _oversight_desk(now) -> dict | None:
    """An overseer's desk: the work list of the year it watches, worst lagging branches first."""
    roots = scope_roots(current_user, Action.VIEW_OVERSIGHT)
    if not roots:
        return None
    span = Period(PeriodKind.YEAR, desk_year(local_date(now)))
    found = worklist.build(roots, span, now)
    lagging = arrange(found.rows, only_lagging=True)
    return {"q": WorklistQuery(span), "rows": lagging[:DESK_ROWS], "lagging": len(lagging),
            "branches": len(found.rows)}


def _branch_panel(branch, now) -> dict:
    """The secretary's (or recorder's) desk for one branch: meetings, leave, silence, roster."""
    panel = {"branch": branch, "desk": meetings_query.branch_desk(branch, now),
             "manages_roster": can(current_user, Action.MANAGE_ROSTER, branch),
             "may_decide": can(current_user, Action.DECIDE_LEAVE, branch)}
    if can(current_user, Action.VIEW_COMPLIANCE, branch):
        panel["todo"] = compliance_todo.branch_todo(branch, now)
        panel["campaigns"] = campaigns_query.open_for_branch(branch, now)
        panel["today"] = local_date(now)
    if panel["manages_roster"]:
        incoming, outgoing = overview.pending_transfers(branch)
        panel.update(summary=overview.people(branch), incoming=incoming, outgoing=outgoing)
    return panel
