"""``GET /api/v1/openapi.json``: the OpenAPI 3.1 description of every route of the API.

Kept next to the routes as plain data; a test checks that every rule under /api/v1 is here
and that the document validates.
"""
from __future__ import annotations

from meetings.api import bp
from meetings.api.openapi_schemas import SCHEMAS, ref
from meetings.api.openapi_writes import REQUESTS, RESOURCES
from meetings.api.output import json_response
from meetings.api.params import DEFAULT_PER_PAGE, MAX_ID, MAX_PER_PAGE
from meetings.api.problems import MEDIA_TYPE, TYPE_BASE
from meetings.domain.terms import MeetingStatus
from meetings.services import links

VERSION = "1.0.0"


def _param(name: str, where: str, schema: dict, description: str, required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required or where == "path", "schema": schema,
            "description": description}


PAGING = [
    _param("per_page", "query", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                                 "default": DEFAULT_PER_PAGE}, "items per page"),
    _param("after", "query", {"type": "integer", "minimum": 0, "maximum": MAX_ID},
           "continue after this id (take `next` rather than building it)"),
]
PERIOD = {"type": "string", "pattern": r"^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$", "examples": ["2026-Q2"]}
ERRORS = {"400": "BadRequest", "401": "Unauthorized", "403": "Forbidden", "404": "NotFound",
          "405": "MethodNotAllowed", "409": "Conflict", "412": "Stale", "413": "TooLarge",
          "415": "NotJson", "422": "Invalid", "428": "PreconditionRequired", "429": "TooManyRequests",
          "500": "ServerError"}
COMMON_ERRORS = ("400", "401", "403", "404", "405", "429", "500")
WRITE_ERRORS = ("413", "415", "422")
ORG = _param("org", "query", {"type": "integer", "minimum": 1, "maximum": MAX_ID},
             "only this unit and the units under it")
IF_MATCH = _param("If-Match", "header", {"type": "string"}, "the ETag of the version read", required=True)


def _problem(description: str, schema: str = "Problem") -> dict:
    return {"description": description, "content": {MEDIA_TYPE: {"schema": ref(schema)}}}


RESPONSES = {
    "BadRequest": _problem("the request cannot be read"),
    "Unauthorized": {**_problem("no token, or not a live one"), "headers": {
        "WWW-Authenticate": {"schema": {"type": "string"}, "description": 'Bearer realm="OrgLife"'}}},
    "Forbidden": _problem("visible, but not the caller's to use (or a read-only token writing)"),
    "NotFound": _problem("does not exist, or is outside the caller's view"),
    "MethodNotAllowed": _problem("this path does not take that method"),
    "Invalid": _problem("a parameter or member was refused; `errors` names each", "ValidationProblem"),
    "Conflict": _problem("the resource's state does not allow it (cancelled, held, final, decided)"),
    "Stale": _problem("changed since it was read: read it again (GET) and retry"),
    "PreconditionRequired": _problem("send the ETag of the version read in If-Match"),
    "TooLarge": _problem("the body is over the size limit"),
    "NotJson": _problem("the body must be a JSON object (Content-Type: application/json)"),
    "TooManyRequests": _problem("over the per-token rate limit"),
    "ServerError": _problem("a fault on our side; nothing half-written was kept"),
}


def _operation(summary: str, schema: str | None, params: list | None = None, *, body: str | None = None,
               status: str = "200", errors: tuple = (), public: bool = False, etag: bool = False) -> dict:
    """One operation; ``summary`` is "operationId: what it does"; ``errors`` adds to the usual."""
    ok = {"description": "OK" if status == "200" else "Created"}
    if schema:
        ok["content"] = {"application/json": {"schema": ref(schema)}}
    if etag:
        ok["headers"] = {"ETag": {"schema": {"type": "string"}, "description": "send it back in If-Match"}}
    responses = {status: ok} | {code: {"$ref": f"#/components/responses/{ERRORS[code]}"}
                                for code in sorted({*COMMON_ERRORS, *errors})}
    operation_id, _, text = summary.partition(": ")
    operation = {"operationId": operation_id, "summary": text, "parameters": params or [],
                 "responses": responses}
    if body:
        operation["requestBody"] = {"required": True,
                                    "content": {"application/json": {"schema": ref(body)}}}
    if public:
        operation["security"] = []
    return operation


def _get(summary: str, schema: str, params: list | None = None, *, invalid: bool = False,
         public: bool = False, etag: bool = False) -> dict:
    return {"get": _operation(summary, schema, params, errors=("422",) if invalid else (), public=public,
                              etag=etag)}


def _write(method: str, summary: str, schema: str, params: list, body: str, *, status: str = "200",
           conditional: bool = False, conflict: bool = True, stale: bool = False) -> dict:
    """A change: the body is validated (415, 422); ``conditional`` ones need If-Match (428, 412)."""
    errors = [*WRITE_ERRORS, *(("412", "428") if conditional else ()), *(("409",) if conflict else ()),
              *(("412",) if stale else ())]
    if conditional:
        params = [*params, IF_MATCH]
    return {method: _operation(summary, schema, params, body=body, status=status, errors=tuple(errors),
                               etag=True)}


def _id(name: str) -> dict:
    return _param(name, "path", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, "id")


MEETING_ID = [_id("meeting_id")]
PATHS = {
    "/organizations": _get("listOrganizations: units the caller may view", "OrganizationPage", PAGING,
                           invalid=True),
    "/organizations/{org_id}": _get("getOrganization: one unit", "Organization", [_id("org_id")]),
    "/meetings": _get("listMeetings: meetings the caller may see", "MeetingPage", [
        ORG, _param("type", "query", {"type": "string"}, "meeting type code, e.g. theme_day"),
        _param("period", "query", PERIOD, "2026, 2026-Q2 or 2026-05 (Beijing dates)"),
        _param("status", "query", {"type": "string", "enum": [str(s) for s in MeetingStatus]}, "status"),
        *PAGING], invalid=True) | _write(
        "post", "createMeeting: schedule a meeting of a branch and invite people", "Meeting", [],
        "MeetingCreate", status="201", conflict=False),
    "/meetings/{meeting_id}": _get("getMeeting: one meeting", "Meeting", MEETING_ID, etag=True) | _write(
        "patch", "updateMeeting: change the members given; invitees are told", "Meeting", MEETING_ID,
        "MeetingChange", conditional=True),
    "/meetings/{meeting_id}/cancel": _write("post", "cancelMeeting: cancel with a reason", "Meeting",
                                            MEETING_ID, "Cancellation", conditional=True),
    "/meetings/{meeting_id}/invitations": _get(
        "listInvitations: all of them for officers, one's own for an invitee", "InvitationPage",
        [*MEETING_ID, *PAGING], invalid=True),
    "/meetings/{meeting_id}/rsvp": _write("put", "answerInvitation: attend, or request leave", "Invitation",
                                          MEETING_ID, "Answer"),
    "/meetings/{meeting_id}/invitations/{invitation_id}/leave": _write(
        "put", "decideLeave: approve or reject a leave request", "Invitation",
        [*MEETING_ID, _id("invitation_id")], "LeaveDecision"),
    "/meetings/{meeting_id}/attendance": _write(
        "put", "recordAttendance: marks, each with the value last read (412 when stale)", "Meeting",
        MEETING_ID, "AttendanceMarks", stale=True),
    "/meetings/{meeting_id}/minutes": _get("getMinutes: final minutes (drafts for their writers)",
                                           "Minutes", MEETING_ID, etag=True) | _write(
        "put", "saveMinutesDraft: the next draft revision (If-Match: the revision read)", "Minutes",
        MEETING_ID, "MinutesDraft", conditional=True),
    "/people": _get("listPeople: rosters in the caller's view, and the caller", "PersonPage",
                    [ORG, *PAGING], invalid=True) | _write(
        "post", "addPerson: add a member to a branch roster", "Person", [], "PersonCreate", status="201",
        conflict=False),
    "/people/{person_id}": _get("getPerson: one person", "Person", [_id("person_id")], etag=True) | _write(
        "patch", "updatePerson: change a member's details", "Person", [_id("person_id")], "PersonChange",
        conditional=True, conflict=False),
    "/requirements": _get("listRequirements: every version of every requirement", "RequirementPage",
                          PAGING, invalid=True),
    "/compliance": _get("getCompliance: the dashboard's numbers for one unit and period", "Compliance", [
        _param("org", "query", {"type": "integer", "minimum": 1, "maximum": MAX_ID},
               "the unit (default: the caller's first)"),
        _param("period", "query", PERIOD, "default: the year of as_of"),
        _param("as_of", "query", {"type": "string", "format": "date"},
               "judge as at the end of this Beijing date, from what had been recorded by then "
               "(default: now)"),
        _param("type", "query", {"type": "string"}, "only this meeting type (code)")], invalid=True),
    "/openapi.json": _get("getOpenApi: this document", "OpenApiDocument", public=True),
}


def document(server: str) -> dict:
    """The whole description, with ``server`` (this deployment's /api/v1) as its base URL."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "OrgLife API (组织生活)", "version": VERSION,
                 "description": "Units, meetings, invitations, attendance, minutes, people, "
                                "requirements and compliance with a personal access token. "
                                f"Problem types: {TYPE_BASE}<slug>."},
        "servers": [{"url": server}],
        "security": [{"bearerToken": []}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {"bearerToken": {"type": "http", "scheme": "bearer",
                                                "description": "a personal access token, olt_…"}},
            "schemas": SCHEMAS | RESOURCES | REQUESTS | {"OpenApiDocument": {"type": "object"}},
            "responses": RESPONSES,
        },
    }


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI document (public: it describes the API, it gives no access)."""
    return json_response(document(links.absolute(bp.url_prefix)))  # BASE_URL, not the Host header
