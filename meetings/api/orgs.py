"""``/organizations``: the units the caller may view (their role scopes and own branch)."""
from meetings.api import bp
from meetings.api.access import visible
from meetings.api.auth import caller
from meetings.api.output import json_response
from meetings.api.params import Args, listing, page_args
from meetings.api.shapes import organization as shape
from meetings.extensions import db
from meetings.models import Organization
from meetings.policy import Action
from meetings.services import visibility


@bp.get("/organizations")
def organizations():
    """Every unit in the caller's view, in id order."""
    args = Args()
    page = page_args(args)
    args.check()
    return listing(visibility.organizations(caller()), Organization.id, page,
                   lambda rows: [shape(o) for o in rows])


@bp.get("/organizations/<int:org_id>")
def organization(org_id: int):
    """One unit (404 outside the caller's view)."""
    return json_response(shape(visible(db.session.get(Organization, org_id), Action.VIEW_ORG)))
