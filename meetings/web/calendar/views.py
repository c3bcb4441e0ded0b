"""我的日历 and the .ics routes: the personal feed, officers' branch feeds, one meeting's file.

Feeds are fetched by calendar apps that cannot sign in: the secret token in the URL is the only
credential, and any doubt about it (unknown, revoked, tampered) is a plain 404.
"""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetings.domain import ical
from meetings.extensions import db
from meetings.models import Meeting, Organization, Person, utcnow
from meetings.policy import Action, can_subscribe_branch, scope_roots
from meetings.services import calendar, feed_store, links, orgs
from meetings.web.calendar import bp, serving
from meetings.web.util import authorize, load_or_404

MAX_BRANCH_FEEDS = 100  # an administrator at the root oversees ~3,000 branches: list the first ones


@bp.route("/calendar")
@login_required
def mine():
    """我的日历: the personal feed's links (issued on first visit), how to subscribe, branch feeds."""
    token = calendar.feed_token(current_user)
    if token is None:
        token = calendar.issue_feed_token(current_user, utcnow())
        db.session.commit()
    branches, more = _subscribable_branches(current_user)
    return render_template("calendar/mine.html", feed=_urls("calendar.personal_feed", token=token),
                           branch_feeds=[(b, _urls("calendar.branch_feed", token=token, branch_id=b.id))
                                         for b in branches], more_branches=more)


@bp.route("/calendar/rotate", methods=["POST"])
@login_required
def rotate():
    """重新生成链接: a new token; the old link stops working at once."""
    calendar.issue_feed_token(current_user, utcnow())
    db.session.commit()
    flash(_("已生成新的订阅链接，旧链接已失效。请在日历应用中用新链接重新订阅。"), "success")
    return redirect(url_for("calendar.mine"))


@bp.route("/calendar/<token>.ics")
def personal_feed(token: str):
    """The person's own meetings, for calendar apps (no login: the token is the credential)."""
    person = _person_or_404(token)
    return _serve(lambda now, body: calendar.personal_feed(person, now, with_body=body),
                  filename="orglife.ics")


@bp.route("/calendar/<token>/branches/<int:branch_id>.ics")
def branch_feed(token: str, branch_id: int):
    """A branch's meetings for its officers; a plain member of it gets the same 404 as a stranger."""
    person = _person_or_404(token, with_roles=True)
    branch = load_or_404(Organization, branch_id)
    if not can_subscribe_branch(person, branch):
        abort(404)
    return _serve(lambda now, body: calendar.branch_feed(branch, now, with_body=body),
                  filename=f"orglife-branch-{branch.id}.ics")


@bp.route("/meetings/<int:meeting_id>.ics")
@login_required
def meeting_ics(meeting_id: int):
    """One meeting as a file to open in a calendar app (METHOD:PUBLISH)."""
    meeting = load_or_404(Meeting, meeting_id)
    authorize(current_user, Action.VIEW_MEETINGS, meeting)
    response = Response(calendar.meeting_file(meeting), content_type=ical.CONTENT_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="meeting-{meeting.id}.ics"'
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _person_or_404(token: str, *, with_roles: bool = False) -> Person:
    person = calendar.person_for_token(token, with_roles=with_roles)
    if person is None:
        abort(404)
    return person


def _serve(fetch, *, filename: str) -> Response:
    """Answer a poll with ``fetch(now, with_body)`` (a feed service call): 304 or the bytes.

    A poll without validators will get the bytes: they are read in the same statement. Commits
    only when the call rendered and stored the feed anew.
    """
    now = utcnow()
    feed = fetch(now, not serving.has_validators(request))
    if serving.not_modified(request, feed, now):
        response = serving.not_modified_response(feed)
    else:
        feed = feed_store.with_body(feed) or fetch(now, True)  # None only if the stored copy vanished
        response = serving.full_response(feed, filename)
    if feed.rendered:
        db.session.commit()
    return response


def _urls(endpoint: str, **values) -> dict[str, str]:
    """The feed's path, its absolute ``BASE_URL`` link, and that link as ``webcal://`` (opens an app)."""
    path = url_for(endpoint, **values)
    https = links.absolute(path)
    return {"path": path, "https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


def _subscribable_branches(person: Person) -> tuple[list[Organization], int]:
    """Branches whose feed the person may take (first ``MAX_BRANCH_FEEDS``), and how many more."""
    found: list[Organization] = []
    for root in scope_roots(person, Action.VIEW_MEETINGS):
        if root.is_branch and not can_subscribe_branch(person, root):
            continue  # a member's own branch: no query for what they may not have
        found += [b for b in orgs.branches_under(root) if can_subscribe_branch(person, b)]
    return found[:MAX_BRANCH_FEEDS], max(0, len(found) - MAX_BRANCH_FEEDS)
