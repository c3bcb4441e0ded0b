"""The HTTP API, ``/api/v1``: JSON for scripts and other systems, with personal access tokens.

Bearer tokens only (no session cookie, hence no CSRF), every decision through the policy,
every error an RFC 9457 problem. ``docs/api.md`` is the guide; ``/api/v1/openapi.json`` the
contract.
"""
from flask import Blueprint

from meetings.api import auth, problems
from meetings.extensions import csrf, limiter

bp = Blueprint("api", __name__, url_prefix=problems.PREFIX)
csrf.exempt(bp)  # no cookie is ever read here, so there is no cross-site request to forge
bp.before_request(auth.require_token)
bp.after_request(auth.save_last_use)
limiter.limit(auth.limit, key_func=auth.limit_key)(bp)
problems.register(bp)

from meetings.api import (  # noqa: E402,F401  (the routes)
    compliance,
    invitations,
    meeting_views,
    meeting_writes,
    openapi,
    orgs,
    people,
    record,
)
